/**
 * Share links ↔ store: apply an opened link through the ordinary actions, describe the current state as
 * a link, and keep the URL fragment in step with edits (only after a link was opened or copied).
 */
import { findPreset } from '../lib/model-presets';
import {
  buildShareUrl,
  decodeShareFragment,
  encodeShareFragment,
  MAX_FRAGMENT_CHARS,
  type SharedState,
} from '../lib/share-link';
import {
  setCustomSource,
  setDevicePreference,
  setDtype,
  setEntityTypes,
  setMinScore,
  setModelChoice,
  setPassage,
  setPresetId,
} from './actions';
import { useAppStore } from './app-store';
import type { AppState } from './app-state';
import { draftOf, nextReplacedDraft, restoreReplacedDraft } from './draft-restore';

const set = useAppStore.setState;
const get = useAppStore.getState;

/** How long the fragment waits after the last edit before it follows. */
export const FRAGMENT_SYNC_DELAY_MS = 400;

/** What a link of the current state carries. The model is the preset id or the custom source. */
export function sharedStateOf(state: AppState): SharedState {
  const model = state.modelChoice === 'preset' ? state.presetId : state.customSource.trim();
  return {
    passage: state.passage,
    types: state.entityTypes,
    ...(model ? { model } : {}),
    device: state.devicePreference,
    ...(state.dtype !== 'auto' ? { dtype: state.dtype } : {}),
    // Written only when it hides something: most links stay as short as before.
    ...(state.minScore > 0 ? { minScore: state.minScore } : {}),
  };
}

/**
 * Applies a decoded link over the current (persisted) state. A link that names a model also sets the
 * weight format (its own, or auto); a link with a passage also sets the confidence threshold (its own,
 * or 0: Copy link leaves out a zero threshold, and the passage should show as it was sent). Returns a
 * note when part of the link could not be used.
 */
export function applySharedState(shared: SharedState): string | null {
  let note: string | null = null;
  if (shared.passage !== undefined) setPassage(shared.passage);
  if (shared.types !== undefined) setEntityTypes(shared.types);
  if (shared.model !== undefined) {
    if (findPreset(shared.model)) {
      setPresetId(shared.model);
    } else if (shared.model.includes('/')) {
      setCustomSource(shared.model);
      setModelChoice('custom');
    } else {
      note = `This build has no model preset “${shared.model}”; your model choice is unchanged.`;
    }
    if (!note) setDtype(shared.dtype ?? 'auto');
  }
  if (shared.device !== undefined) setDevicePreference(shared.device);
  if (shared.minScore !== undefined) setMinScore(shared.minScore);
  else if (shared.passage !== undefined) setMinScore(0);
  return note;
}

/**
 * Reads `hash` (normally `location.hash`). A share link is applied and turns fragment sync on; a
 * refused one leaves the state alone and says why; anything else (an ordinary anchor) is ignored.
 * When the link replaced the person's draft, the draft is kept for "Bring back my draft".
 */
export function openShareFragment(hash: string): void {
  const result = decodeShareFragment(hash);
  if (result.ok) {
    const before = draftOf(get());
    const note = applySharedState(result.state);
    const notes = [...result.notes, ...(note ? [note] : [])];
    set({
      shareSync: true,
      linkNotice: { kind: 'opened', message: ['Opened from a shared link.', ...notes].join(' ') },
      replacedDraft: nextReplacedDraft(get().replacedDraft, before, draftOf(get())),
    });
  } else if (result.code !== 'not-a-share-link') {
    set({ linkNotice: { kind: 'refused', message: `This shared link was not opened: ${result.reason}` } });
  }
}

/** Closes the notice; a draft it offered back is forgotten. */
export function dismissLinkNotice(): void {
  set({ linkNotice: null, replacedDraft: null });
}

/** "Bring back my draft": restores the draft a link replaced and stops the fragment following edits. */
export function restoreDraft(): boolean {
  return restoreReplacedDraft(() => setShareSync(false));
}

/** Turns fragment sync on or off; off also removes the fragment from the address bar. */
export function setShareSync(on: boolean): void {
  set({ shareSync: on });
  if (!on) replaceFragment('');
}

/** The link of the current state for a page at `pageUrl`, or null when it would be too long. */
export function currentShareUrl(pageUrl: string): string | null {
  return buildShareUrl(pageUrl, sharedStateOf(get()));
}

/** Replaces the fragment without a history entry (never pushState: Back must leave the app). */
function replaceFragment(fragment: string): void {
  const { pathname, search } = window.location;
  const url = fragment ? `${pathname}${search}#${fragment}` : `${pathname}${search}`;
  if (url !== `${pathname}${search}${window.location.hash}`)
    window.history.replaceState(window.history.state, '', url);
}

/** Writes the current state into the fragment now (empty when it would be too long). */
export function writeFragmentNow(): void {
  const fragment = encodeShareFragment(sharedStateOf(get()));
  replaceFragment(fragment.length <= MAX_FRAGMENT_CHARS ? fragment : '');
}

/** Shared fields changed between two states? */
function sharedFieldsChanged(a: AppState, b: AppState): boolean {
  return (
    a.passage !== b.passage ||
    a.entityTypes !== b.entityTypes ||
    a.modelChoice !== b.modelChoice ||
    a.presetId !== b.presetId ||
    a.customSource !== b.customSource ||
    a.devicePreference !== b.devicePreference ||
    a.dtype !== b.dtype ||
    a.minScore !== b.minScore
  );
}

/** While sync is on, the fragment follows edits, debounced. Returns a function that stops it. */
export function startFragmentSync(delayMs: number = FRAGMENT_SYNC_DELAY_MS): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const unsubscribe = useAppStore.subscribe((state, previous) => {
    if (!state.shareSync || !sharedFieldsChanged(state, previous)) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (get().shareSync) writeFragmentNow();
    }, delayMs);
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}
