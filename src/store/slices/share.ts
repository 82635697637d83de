import type { AppStateCreator } from '../app-state';

/** A notice about the share link the page was opened with. */
export interface LinkNotice {
  /** `opened`: applied; `refused`: not applied, `message` says why; `restored`: the draft is back. */
  readonly kind: 'opened' | 'refused' | 'restored';
  readonly message: string;
}

/** The passage and types at one moment (what a share link replaces and "Bring back my draft" restores). */
export interface DraftSnapshot {
  readonly passage: string;
  readonly entityTypes: readonly string[];
}

/** The person's draft that an opened share link replaced, kept until restored or dismissed. */
export interface ReplacedDraft {
  /** What the person had before the link. */
  readonly draft: DraftSnapshot;
  /** What the link put in its place (a second link over an unedited first one keeps the older draft). */
  readonly linkState: DraftSnapshot;
}

/** Share-link state. Not persisted. */
export interface ShareSlice {
  /**
   * Whether the URL fragment follows the person's edits. Off until a link is opened or copied: a
   * passage in the address bar ends up in the browser history (and history sync).
   */
  readonly shareSync: boolean;
  readonly linkNotice: LinkNotice | null;
  /**
   * The draft a share link replaced, while the notice offers it back. In memory only: the link's
   * passage is what the page saves, so a reload forgets the draft.
   */
  readonly replacedDraft: ReplacedDraft | null;
}

export const createShareSlice: AppStateCreator<ShareSlice> = () => ({
  shareSync: false,
  linkNotice: null,
  replacedDraft: null,
});
