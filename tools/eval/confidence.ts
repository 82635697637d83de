/**
 * How useful the engine's confidence scores (`FoundEntity.score`, 0..1) are: does a higher score mean
 * a correct prediction, and what precision/recall does dropping low-scored predictions give?
 *
 * The unit is the strict scorer's: one distinct normalised prediction of one question (read with the
 * official parser, as {@link score} reads it). Its score is the highest score among the raw strings
 * of that question that normalise to it (`U.S.` and `US` are one prediction); a prediction none of
 * whose raw strings has a score is counted in `unscoredPredictions` and left out of everything below.
 * It is correct when the normalised string is one of its question's normalised gold entities (the
 * strict sense, no partial credit).
 *
 * - AUROC: the probability that a random correct prediction outscores a random wrong one, ties
 *   counting one half (the Mann-Whitney U statistic over P·N pairs, computed with average ranks).
 *   `null` when either class is empty.
 * - By threshold t: keep the scored predictions with score ≥ t; precision = correct kept / kept,
 *   recall = correct kept / all gold entities of the questions (every gold, as in the strict score),
 *   F1 their harmonic mean; 0 for 0/0 like the scorer. With every prediction scored, t = 0 gives
 *   exactly the strict P/R/F1.
 */

import { normalizeAnswer } from './normalize';
import { officialResponse, parseOfficialAnswer, parseOfficialRaw } from './official-parser';

/** One question as the confidence metrics need it. */
export interface ConfidenceInput {
  /** Raw model output; `undefined` counts as `[]`. */
  readonly output: string | undefined;
  /** Raw gold answer (a JSON list of strings). */
  readonly goldAnswer: string;
  /** Score per raw predicted string, as the engine reported it; strings not here are unscored. */
  readonly scores?: Readonly<Record<string, number>>;
}

/** One distinct normalised prediction with its score and whether it is a gold entity. */
export interface ScoredPrediction {
  readonly score: number;
  readonly correct: boolean;
}

/** The scored predictions of a run and the counts around them. */
export interface ScoredPredictions {
  readonly items: readonly ScoredPrediction[];
  /** Distinct normalised predictions with no score (excluded from `items`). */
  readonly unscored: number;
  /** Gold entities over all questions (the recall denominator). */
  readonly gold: number;
}

/** Precision, recall and F1 of the predictions kept at one threshold. */
export interface ThresholdPoint {
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Correct predictions kept. */
  readonly tp: number;
  /** Predictions kept. */
  readonly predicted: number;
}

/** The thresholds of `byThreshold`: 0, 0.1, …, 0.9. */
export const THRESHOLDS: readonly number[] = Array.from({ length: 10 }, (_, i) => i / 10);

/** Collect the scored predictions of all questions (see the module comment). */
export function collectScoredPredictions(questions: Iterable<ConfidenceInput>): ScoredPredictions {
  const items: ScoredPrediction[] = [];
  let unscored = 0;
  let gold = 0;
  for (const q of questions) {
    const golds = new Set(parseOfficialAnswer(q.goldAnswer));
    gold += golds.size;
    // Best score per normalised prediction; `undefined` while none of its raw strings has one.
    const best = new Map<string, number | undefined>();
    for (const raw of parseOfficialRaw(officialResponse(q.output ?? '[]'))) {
      const normalized = normalizeAnswer(raw);
      const own = q.scores !== undefined && Object.hasOwn(q.scores, raw) ? q.scores[raw] : undefined;
      const previous = best.get(normalized);
      best.set(normalized, own === undefined ? previous : Math.max(own, previous ?? -Infinity));
    }
    for (const [normalized, value] of best) {
      if (value === undefined) unscored++;
      else items.push({ score: value, correct: golds.has(normalized) });
    }
  }
  return { items, unscored, gold };
}

/**
 * Area under the ROC curve of `score` separating correct from wrong predictions, ties counting
 * one half (Mann-Whitney U / (P·N)); `null` when there are no correct or no wrong predictions.
 */
export function auroc(items: readonly ScoredPrediction[]): number | null {
  const positives = items.filter((i) => i.correct).length;
  const negatives = items.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const sorted = [...items].sort((a, b) => a.score - b.score);
  // Sum of the 1-based ranks of the positives, tied scores sharing their average rank.
  let rankSum = 0;
  for (let start = 0; start < sorted.length;) {
    let end = start;
    while (end < sorted.length && sorted[end]?.score === sorted[start]?.score) end++;
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) if (sorted[k]?.correct) rankSum += averageRank;
    start = end;
  }
  const u = rankSum - (positives * (positives + 1)) / 2;
  return u / (positives * negatives);
}

/** Precision, recall and F1 of the predictions with score ≥ `threshold`. */
export function atThreshold(scored: ScoredPredictions, threshold: number): ThresholdPoint {
  let tp = 0;
  let predicted = 0;
  for (const item of scored.items) {
    if (item.score < threshold) continue;
    predicted++;
    if (item.correct) tp++;
  }
  const precision = predicted === 0 ? 0 : tp / predicted;
  const recall = scored.gold === 0 ? 0 : tp / scored.gold;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { threshold, precision, recall, f1, tp, predicted };
}

/** One point per threshold of {@link THRESHOLDS}. */
export function byThreshold(scored: ScoredPredictions): ThresholdPoint[] {
  return THRESHOLDS.map((t) => atThreshold(scored, t));
}

/**
 * The full precision/recall curve: one point per distinct score, highest threshold first (each keeps
 * the predictions scored at least that). Empty when nothing is scored.
 */
export function precisionRecallCurve(scored: ScoredPredictions): ThresholdPoint[] {
  const distinct = [...new Set(scored.items.map((i) => i.score))].sort((a, b) => b - a);
  // One pass over predictions sorted by score, descending, instead of a scan per threshold.
  const sorted = [...scored.items].sort((a, b) => b.score - a.score);
  const points: ThresholdPoint[] = [];
  let tp = 0;
  let k = 0;
  for (const threshold of distinct) {
    while (k < sorted.length && (sorted[k]?.score ?? -Infinity) >= threshold) {
      if (sorted[k]?.correct) tp++;
      k++;
    }
    const precision = tp / k;
    const recall = scored.gold === 0 ? 0 : tp / scored.gold;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    points.push({ threshold, precision, recall, f1, tp, predicted: k });
  }
  return points;
}

/** The point of highest F1 (the highest threshold among ties); `null` for an empty curve. */
export function bestF1(curve: readonly ThresholdPoint[]): ThresholdPoint | null {
  let best: ThresholdPoint | null = null;
  for (const point of curve) if (best === null || point.f1 > best.f1) best = point;
  return best;
}

/** The confidence fields of the JSON report. */
export interface ConfidenceReport {
  readonly scoredPredictions: number;
  readonly unscoredPredictions: number;
  readonly scoreAuroc: number | null;
  /** `null` when no prediction has a score (every point would be 0 and mean nothing). */
  readonly byThreshold: readonly ThresholdPoint[] | null;
  /** The best-F1 point of the full curve (over every distinct score); `null` when nothing is scored. */
  readonly bestThreshold: ThresholdPoint | null;
}

/** Every confidence metric of a run. */
export function confidenceReport(questions: Iterable<ConfidenceInput>): {
  report: ConfidenceReport;
  scored: ScoredPredictions;
  curve: ThresholdPoint[];
} {
  const scored = collectScoredPredictions(questions);
  const curve = precisionRecallCurve(scored);
  const any = scored.items.length > 0;
  return {
    report: {
      scoredPredictions: scored.items.length,
      unscoredPredictions: scored.unscored,
      scoreAuroc: auroc(scored.items),
      byThreshold: any ? byThreshold(scored) : null,
      bestThreshold: bestF1(curve),
    },
    scored,
    curve,
  };
}
