/**
 * "Bring back my draft": opening a share link replaces the passage and types the person had (the link
 * wins, so that it opens as sent). What was there is kept in memory while the link notice offers it
 * back; restoring it also stops the address bar from following edits, so the private draft never ends
 * up in the URL.
 */
import { EXAMPLE_PASSAGES } from '../lib/example-passages';
import { setEntityTypes, setPassage } from './actions';
import { initialAppState, useAppStore } from './app-store';
import type { AppState } from './app-state';
import type { DraftSnapshot, ReplacedDraft } from './slices/share';

const set = useAppStore.setState;
const get = useAppStore.getState;

/** The passage and types of a state. */
export function draftOf(state: Pick<AppState, 'passage' | 'entityTypes'>): DraftSnapshot {
  return { passage: state.passage, entityTypes: state.entityTypes };
}

export function sameDraft(a: DraftSnapshot, b: DraftSnapshot): boolean {
  return (
    a.passage === b.passage &&
    a.entityTypes.length === b.entityTypes.length &&
    a.entityTypes.every((type, i) => type === b.entityTypes[i])
  );
}

/**
 * Whether losing this draft loses anything: not the empty editor with the default types, and not one
 * of the built-in examples (a first visit shows one, and the example picker brings it back anyway).
 */
export function isWorthKeeping(draft: DraftSnapshot): boolean {
  if (!draft.passage.trim() && sameDraft({ ...draft, passage: '' }, draftOf(initialAppState))) return false;
  return !EXAMPLE_PASSAGES.some((example) =>
    sameDraft(draft, { passage: example.text, entityTypes: example.types }),
  );
}

/**
 * What to offer back after a link turned `before` into `after`. `previous` is the offer standing from
 * an earlier link: when the person has not edited what that link put in, their own draft is still the
 * older one (this also makes opening the same link twice harmless, as React's StrictMode does).
 */
export function nextReplacedDraft(
  previous: ReplacedDraft | null,
  before: DraftSnapshot,
  after: DraftSnapshot,
): ReplacedDraft | null {
  const draft = previous && sameDraft(before, previous.linkState) ? previous.draft : before;
  return isWorthKeeping(draft) && !sameDraft(draft, after) ? { draft, linkState: after } : null;
}

/**
 * Puts the replaced draft back. Fragment sync goes off first (and the fragment is removed from the
 * address bar), so the draft is never written into the URL. Returns false when there was none.
 */
export function restoreReplacedDraft(stopFragmentSync: () => void): boolean {
  const replaced = get().replacedDraft;
  if (!replaced) return false;
  stopFragmentSync();
  setPassage(replaced.draft.passage);
  setEntityTypes(replaced.draft.entityTypes);
  set({
    replacedDraft: null,
    linkNotice: {
      kind: 'restored',
      message: 'Your draft is back. The shared passage is gone from the editor and the address bar.',
    },
  });
  return true;
}
