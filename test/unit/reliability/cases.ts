/**
 * Shared settings of the reliability (property/fuzz) tests: one seed for every run so failures
 * reproduce, and the number of cases each property tries (the README lists these figures).
 */

/** fast-check seed used by every property in this folder. */
export const SEED = 20_250_611;

/** Cases per property; test names include the figure so a run's output documents it. */
export const RUNS = {
  parserValidLists: 5_000,
  parserGarbage: 5_000,
  parserGarbageAroundList: 3_000,
  alignmentBounds: 4_000,
  alignmentFindsSubstrings: 3_000,
  alignmentNormalization: 2_000,
  entityTypes: 5_000,
  promptInjectionUniner: 1_000,
  promptInjectionChat: 500,
  constraintWalks: 1_500,
} as const;
