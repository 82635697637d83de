import type { AppStateCreator } from '../app-state';

/** A notice about the share link the page was opened with. */
export interface LinkNotice {
  /** `opened`: applied; `refused`: not applied, `message` says why. */
  readonly kind: 'opened' | 'refused';
  readonly message: string;
}

/** Share-link state. Not persisted. */
export interface ShareSlice {
  /**
   * Whether the URL fragment follows the person's edits. Off until a link is opened or copied: a
   * passage in the address bar ends up in the browser history (and history sync).
   */
  readonly shareSync: boolean;
  readonly linkNotice: LinkNotice | null;
}

export const createShareSlice: AppStateCreator<ShareSlice> = () => ({
  shareSync: false,
  linkNotice: null,
});
