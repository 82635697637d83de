import { EXAMPLE_PASSAGES } from '../lib/example-passages';
import { setEntityTypes, setPassage } from './actions';
import { STORAGE_KEY } from './app-store';

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
  const example = EXAMPLE_PASSAGES[0];
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
