/**
 * `--sample <n>`: a fixed, stratified subset of the evaluation data, small enough to run a real model
 * in several configurations on a laptop-class CPU.
 *
 * The rule (no randomness, no dependence on run order or on other flags):
 * - Strata are the datasets (data files). Within one, a passage is a distinct passage text, numbered
 *   0..N-1 in order of first appearance (a sentence that occurs twice is one passage, as in
 *   {@link groupByPassage}).
 * - From a dataset of N passages, n are taken at the centres of n equal slices of 0..N-1:
 *   position `floor((2i + 1) · N / (2n))` for i = 0..n-1. These are distinct, increasing, spread over
 *   the whole file, and depend only on n and N. n ≥ N takes every passage.
 * - Every question about a chosen passage comes along (all its entity types), so each dataset keeps
 *   its own types and each type its share within its dataset.
 * Questions keep data order, so a sampled run answers in the same order as a full run would.
 */

import type { EvalQuestion } from './question';

/** What was taken from one dataset. */
export interface SampledDataset {
  /** Passages taken. */
  readonly passages: number;
  /** Distinct passages in the dataset. */
  readonly ofPassages: number;
  /** Questions taken (all questions of the passages taken). */
  readonly questions: number;
  /** Questions in the dataset. */
  readonly ofQuestions: number;
  /** 0-based positions of the passages taken, in the dataset's order of distinct passages. */
  readonly positions: readonly number[];
}

/** The subset used: the rule's parameter and what it gave per dataset. */
export interface SampleInfo {
  /** Passages asked for per dataset (`--sample`). */
  readonly perDataset: number;
  readonly passages: number;
  readonly questions: number;
  readonly datasets: Readonly<Record<string, SampledDataset>>;
}

/** `n` evenly spaced positions out of `0..count-1` (the centres of n equal slices); all when n ≥ count. */
export function evenlySpacedPositions(count: number, n: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`sample size must be a positive integer, got ${n}`);
  if (n >= count) return Array.from({ length: count }, (_, i) => i);
  return Array.from({ length: n }, (_, i) => Math.floor(((2 * i + 1) * count) / (2 * n)));
}

/** The stratified subset of `questions` (see the module comment) and a description of it. */
export function stratifiedSample(
  questions: readonly EvalQuestion[],
  perDataset: number,
): { questions: EvalQuestion[]; info: SampleInfo } {
  // Per dataset: distinct passages in first-seen order, and question counts.
  const passagesByDataset = new Map<string, Map<string, number>>();
  const questionsByDataset = new Map<string, number>();
  for (const q of questions) {
    let passages = passagesByDataset.get(q.dataset);
    if (passages === undefined) passagesByDataset.set(q.dataset, (passages = new Map()));
    if (!passages.has(q.passage)) passages.set(q.passage, passages.size);
    questionsByDataset.set(q.dataset, (questionsByDataset.get(q.dataset) ?? 0) + 1);
  }
  const chosen = new Map<string, Set<number>>();
  for (const [dataset, passages] of passagesByDataset) {
    chosen.set(dataset, new Set(evenlySpacedPositions(passages.size, perDataset)));
  }
  const taken = questions.filter((q) => {
    const position = passagesByDataset.get(q.dataset)?.get(q.passage);
    return position !== undefined && (chosen.get(q.dataset)?.has(position) ?? false);
  });
  const datasets: Record<string, SampledDataset> = {};
  for (const [dataset, passages] of passagesByDataset) {
    const positions = [...(chosen.get(dataset) ?? [])];
    datasets[dataset] = {
      passages: positions.length,
      ofPassages: passages.size,
      questions: taken.filter((q) => q.dataset === dataset).length,
      ofQuestions: questionsByDataset.get(dataset) ?? 0,
      positions,
    };
  }
  const info: SampleInfo = {
    perDataset,
    passages: Object.values(datasets).reduce((sum, d) => sum + d.passages, 0),
    questions: taken.length,
    datasets,
  };
  return { questions: taken, info };
}
