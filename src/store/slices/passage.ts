import type { AppStateCreator } from '../app-state';

/** The passage being edited. Persisted. */
export interface PassageSlice {
  /** The text in the editor (may differ from the text of the last run: see `RunSlice.runPassage`). */
  readonly passage: string;
}

export const createPassageSlice: AppStateCreator<PassageSlice> = () => ({ passage: '' });
