import type { AppStateCreator } from '../app-state';

/** The entity types to ask for, in the user's order. Persisted. */
export interface EntityTypesSlice {
  /** Distinct (case-insensitively) entity types, e.g. `["person", "drug"]`. */
  readonly entityTypes: readonly string[];
  /** A transient message about the last edit (e.g. "“Person” is already in the list"). Not persisted. */
  readonly typesNotice: string | null;
}

export const createEntityTypesSlice: AppStateCreator<EntityTypesSlice> = () => ({
  entityTypes: ['person', 'organization', 'location'],
  typesNotice: null,
});
