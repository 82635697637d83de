/**
 * Micro-averaged strict and partial-match precision/recall/F1 over (passage, type) questions, the
 * way the UniNER paper scores zero-shot NER.
 *
 * Strict (the official `NEREvaluator.evaluate`): the prediction goes through {@link parseOfficialOutput}
 * (the official `get_response` then `parser`) and the gold answer through {@link parseOfficialAnswer}
 * (`parser` alone), both normalised and deduplicated; per question `tp = |pred ∩ gold|`; sums over
 * all questions give `precision = Σtp / Σ|pred|`, `recall = Σtp / Σ|gold|`, `F1 = 2PR / (P + R)`.
 *
 * 0/0: the official code divides by `n + 1e-10`, so no predictions at all gives precision 0, no gold
 * gives recall 0, and P = R = 0 gives F1 0. We use exact ratios with those same limits (0 for 0/0),
 * so a perfect run scores exactly 1 instead of 0.9999999999.
 *
 * Partial match (the paper's relaxed variant): within one question, a prediction that is not an exact
 * match but shares at least one normalised word with a gold entity counts one half.
 * - Exact matches are taken first; a gold entity matched exactly is not available for partial credit.
 * - Each gold entity gives credit at most once and each prediction takes at most one gold entity.
 * - Among the remaining predictions and golds, the number of half-credits is a MAXIMUM matching of the
 *   "shares a word" graph (so it does not depend on answer order).
 * - Words are the space-separated pieces of the normalised strings, so articles and punctuation never
 *   make a match; an empty normalised string has no words and can only match exactly.
 * - `partialTp = tp + 0.5 × partial matches`; partial P/R/F1 use the same denominators as strict.
 */

import { answerWords } from './normalize';
import { parseOfficialAnswer, parseOfficialOutput } from './official-parser';

/** One question to score: the raw model output (or `undefined` when there is none) and raw gold. */
export interface ScoredQuestion {
  readonly id: string;
  readonly entityType: string;
  /** Raw answer text of the model; `undefined` (a missing prediction) counts as `[]`. */
  readonly output: string | undefined;
  /** Raw gold answer text (a JSON list of strings), parsed with the official parser too. */
  readonly goldAnswer: string;
  /** Optional grouping key (e.g. the data file) for a per-dataset breakdown. */
  readonly dataset?: string;
}

/** Counts and scores of a set of questions. All scores are fractions in [0, 1]. */
export interface Scores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly partialPrecision: number;
  readonly partialRecall: number;
  readonly partialF1: number;
  /** Number of (passage, type) questions. */
  readonly questions: number;
  /** Exact matches, summed over questions. */
  readonly tp: number;
  /** Predictions that share a word with an unmatched gold entity (each worth one half). */
  readonly partialMatches: number;
  /** Distinct normalised predictions, summed over questions. */
  readonly predicted: number;
  /** Distinct normalised gold entities, summed over questions. */
  readonly gold: number;
}

/** Overall scores plus breakdowns. */
export interface ScoreReport extends Scores {
  /** Per entity type (the type string as asked), in first-seen order. */
  readonly byType: Readonly<Record<string, Scores>>;
  /** Per dataset, present only when the questions carry a `dataset`. */
  readonly byDataset: Readonly<Record<string, Scores>>;
  /** Questions with no prediction at all (scored as `[]`). */
  readonly missing: number;
}

/** The per-question counts that are summed into {@link Scores}. */
export interface QuestionCounts {
  readonly tp: number;
  readonly partialMatches: number;
  readonly predicted: number;
  readonly gold: number;
}

/** Count exact and partial matches between two normalised, deduplicated lists of one question. */
export function countMatches(predictions: readonly string[], golds: readonly string[]): QuestionCounts {
  const goldSet = new Set(golds);
  const exactPreds = new Set(predictions.filter((p) => goldSet.has(p)));
  const remainingPreds = predictions.filter((p) => !exactPreds.has(p));
  const remainingGolds = golds.filter((g) => !exactPreds.has(g));
  return {
    tp: exactPreds.size,
    partialMatches: maxWordOverlapMatching(remainingPreds, remainingGolds),
    predicted: predictions.length,
    gold: golds.length,
  };
}

/** Size of a maximum matching of predictions to golds where an edge means "share a word" (Kuhn). */
function maxWordOverlapMatching(predictions: readonly string[], golds: readonly string[]): number {
  if (predictions.length === 0 || golds.length === 0) return 0;
  const goldWords = golds.map((g) => new Set(answerWords(g)));
  const edges = predictions.map((p) => {
    const words = answerWords(p);
    return goldWords.flatMap((set, gi) => (words.some((w) => set.has(w)) ? [gi] : []));
  });
  const goldOwner: (number | undefined)[] = golds.map(() => undefined);
  const augment = (pi: number, visited: boolean[]): boolean => {
    for (const gi of edges[pi] ?? []) {
      if (visited[gi]) continue;
      visited[gi] = true;
      const owner = goldOwner[gi];
      if (owner === undefined || augment(owner, visited)) {
        goldOwner[gi] = pi;
        return true;
      }
    }
    return false;
  };
  let matched = 0;
  for (let pi = 0; pi < predictions.length; pi++) {
    if (
      augment(
        pi,
        golds.map(() => false),
      )
    )
      matched++;
  }
  return matched;
}

/** Turn summed counts into scores (0 for every 0/0, like the official code's epsilon). */
export function scoresFromCounts(questions: number, counts: QuestionCounts): Scores {
  const ratio = (num: number, den: number): number => (den === 0 ? 0 : num / den);
  const harmonic = (p: number, r: number): number => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
  const precision = ratio(counts.tp, counts.predicted);
  const recall = ratio(counts.tp, counts.gold);
  const partialTp = counts.tp + 0.5 * counts.partialMatches;
  const partialPrecision = ratio(partialTp, counts.predicted);
  const partialRecall = ratio(partialTp, counts.gold);
  return {
    precision,
    recall,
    f1: harmonic(precision, recall),
    partialPrecision,
    partialRecall,
    partialF1: harmonic(partialPrecision, partialRecall),
    questions,
    tp: counts.tp,
    partialMatches: counts.partialMatches,
    predicted: counts.predicted,
    gold: counts.gold,
  };
}

/** Mutable running sums of one group. */
interface Tally {
  questions: number;
  tp: number;
  partialMatches: number;
  predicted: number;
  gold: number;
}

function addTo(groups: Map<string, Tally>, key: string, counts: QuestionCounts): void {
  let tally = groups.get(key);
  if (tally === undefined) {
    tally = { questions: 0, tp: 0, partialMatches: 0, predicted: 0, gold: 0 };
    groups.set(key, tally);
  }
  tally.questions++;
  tally.tp += counts.tp;
  tally.partialMatches += counts.partialMatches;
  tally.predicted += counts.predicted;
  tally.gold += counts.gold;
}

function finish(groups: Map<string, Tally>): Record<string, Scores> {
  const out: Record<string, Scores> = {};
  for (const [key, tally] of groups) out[key] = scoresFromCounts(tally.questions, tally);
  return out;
}

/** Score questions: overall micro-averaged scores plus per-type and per-dataset breakdowns. */
export function score(questions: Iterable<ScoredQuestion>): ScoreReport {
  const overall = new Map<string, Tally>();
  const byType = new Map<string, Tally>();
  const byDataset = new Map<string, Tally>();
  let missing = 0;
  for (const q of questions) {
    if (q.output === undefined) missing++;
    const counts = countMatches(parseOfficialOutput(q.output ?? '[]'), parseOfficialAnswer(q.goldAnswer));
    addTo(overall, '', counts);
    addTo(byType, q.entityType, counts);
    if (q.dataset !== undefined) addTo(byDataset, q.dataset, counts);
  }
  const total = overall.get('') ?? { questions: 0, tp: 0, partialMatches: 0, predicted: 0, gold: 0 };
  return {
    ...scoresFromCounts(total.questions, total),
    byType: finish(byType),
    byDataset: finish(byDataset),
    missing,
  };
}
