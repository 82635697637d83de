import { EXAMPLE_PASSAGES } from '../lib/example-passages';
import { setEntityTypes, setPassage } from './actions';
import { STORAGE_KEY } from './app-store';

/**
 * The example a first visit opens with: one on which the model bundled with the site (SmolLM2-135M,
 * the default when the build has it) finds entities. On the news example it answers [] to every type.
 */
export const FIRST_VISIT_EXAMPLE_ID = 'ai-research';

/**
 * A first visit (nothing saved in this browser yet) opens with an example passage and the types worth
 * asking about it, ready to run, so the page shows what it does. From then on the saved state is the
 * person's draft and wins: a reload never brings the example back over it. Call before the first
 * render and before a share link is applied (a link's passage and types win over the example).
 * Returns whether the example was put in.
 */
export function showExampleOnFirstVisit(
  storage: Pick<Storage, 'getItem'> | undefined = safeLocalStorage(),
): boolean {
  let saved: string | null;
  try {
    saved = storage ? storage.getItem(STORAGE_KEY) : null;
  } catch {
    return false; // storage blocked: nothing to tell first visit from return, leave the editor alone
  }
  if (saved !== null || !storage) return false;
  const example = EXAMPLE_PASSAGES.find((e) => e.id === FIRST_VISIT_EXAMPLE_ID) ?? EXAMPLE_PASSAGES[0];
  if (!example) return false;
  setPassage(example.text);
  setEntityTypes(example.types);
  return true;
}

function safeLocalStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}
