import type { StateCreator } from 'zustand';
import type { CorpusSlice } from './slices/corpus';
import type { EntityTypesSlice } from './slices/entity-types';
import type { ModelSlice } from './slices/model';
import type { PassageSlice } from './slices/passage';
import type { ReviewSlice } from './slices/review';
import type { RunSlice } from './slices/run';
import type { SettingsSlice } from './slices/settings';
import type { ShareSlice } from './slices/share';

/** The whole app state: the union of the slices. Actions are plain functions (see `actions.ts`). */
export type AppState = PassageSlice &
  EntityTypesSlice &
  SettingsSlice &
  ModelSlice &
  RunSlice &
  ShareSlice &
  ReviewSlice &
  CorpusSlice;

/** A slice creator of the combined, persisted store. */
export type AppStateCreator<Slice> = StateCreator<AppState, [['zustand/persist', unknown]], [], Slice>;
