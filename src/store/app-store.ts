import { create } from 'zustand';
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import type { AppState } from './app-state';
import { createCorpusSlice } from './slices/corpus';
import { createEntityTypesSlice } from './slices/entity-types';
import { createModelSlice } from './slices/model';
import { createPassageSlice } from './slices/passage';
import { createReviewSlice, REVIEW_PERSISTED_KEYS } from './slices/review';
import { createRunSlice } from './slices/run';
import { createSettingsSlice, SETTINGS_KEYS } from './slices/settings';
import { createShareSlice } from './slices/share';

/** localStorage key of the persisted part (passage, types, settings). */
export const STORAGE_KEY = 'uniner-web:v1';

/**
 * What survives a reload: what the user typed and chose, and the corrected spans of the passage
 * (the review), never raw run results or load state.
 */
export function persistedPart(state: AppState): Partial<AppState> {
  const out: Record<string, unknown> = { passage: state.passage, entityTypes: state.entityTypes };
  for (const key of SETTINGS_KEYS) out[key] = state[key];
  for (const key of REVIEW_PERSISTED_KEYS) out[key] = state[key];
  return out as Partial<AppState>;
}

/**
 * localStorage that skips writes of an unchanged value: persist serialises on every `set`, and runs
 * stream many events whose persisted part (passage, types, settings) does not change.
 */
function dedupedLocalStorage(): StateStorage {
  let last: string | null = null;
  return {
    getItem: (name) => localStorage.getItem(name),
    setItem: (name, value) => {
      if (value === last && localStorage.getItem(name) === value) return;
      last = value;
      localStorage.setItem(name, value);
    },
    removeItem: (name) => {
      last = null;
      localStorage.removeItem(name);
    },
  };
}

/** The one store. Middleware wraps only the combined store, never a slice. */
export const useAppStore = create<AppState>()(
  persist(
    (...args) => ({
      ...createPassageSlice(...args),
      ...createEntityTypesSlice(...args),
      ...createSettingsSlice(...args),
      ...createModelSlice(...args),
      ...createRunSlice(...args),
      ...createShareSlice(...args),
      ...createReviewSlice(...args),
      ...createCorpusSlice(...args),
    }),
    {
      name: STORAGE_KEY,
      version: 1,
      storage: createJSONStorage(dedupedLocalStorage),
      partialize: persistedPart,
    },
  ),
);

/** The initial state (for tests and "reset"). */
export const initialAppState: AppState = useAppStore.getInitialState();
