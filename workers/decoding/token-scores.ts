/**
 * Confidence scores for entities, from the model's own token probabilities.
 *
 * Three pieces, each with one job:
 *
 * - {@link TokenLogProbRecorder}: a logits processor placed first in our list, so it sees each step's
 *   logits before constrained decoding masks them. It keeps the log-normaliser of every row and a copy
 *   of the row (one reused buffer, overwritten every step), so that once the token is chosen its
 *   log-probability under the model's own distribution can be read. Scoring from the constraint's
 *   renormalised distribution would inflate it: a forced token would look certain.
 * - {@link TokenCharRanges}: which characters of the answer text each generated token produced.
 * - {@link entityScore}: which tokens belong to an entity occurrence, and how their probabilities are
 *   combined into one number.
 */
import { LogitsProcessor, type Tensor } from '@huggingface/transformers';
import type { FoundEntity } from '../protocol';

/**
 * Records, per step and batch row, what is needed to read log p(token) under the model's distribution.
 *
 * transformers.js runs its built-in processors first (none under the engine's greedy settings unless a
 * model's generation_config asks for suppressed tokens or a minimum length), then our list in order:
 * put the recorder before the constraint. Memory: one `[batch, vocab]` float32 buffer, reused.
 */
export class TokenLogProbRecorder extends LogitsProcessor {
  private raw = new Float32Array(0);
  private logNormalisers: number[] = [];
  private vocab = 0;

  /** Called by `generate` once per step; leaves `logits` untouched and returns it. */
  override _call(inputIds: bigint[][], logits: Tensor): Tensor {
    const data = logits.data as Float32Array;
    const rows = logits.dims[0] ?? inputIds.length;
    const vocab = logits.dims.at(-1) ?? data.length;
    if (this.raw.length !== rows * vocab) this.raw = new Float32Array(rows * vocab);
    this.raw.set(data.subarray(0, rows * vocab));
    this.vocab = vocab;
    this.logNormalisers = [];
    for (let r = 0; r < rows; r++) this.logNormalisers.push(logSumExp(data, r * vocab, (r + 1) * vocab));
    return logits;
  }

  /**
   * log p(`id`) in `row` under the model's distribution at the last recorded step. Read it after
   * sampling and before the next step (the streamer's `put` is the place).
   */
  logProb(row: number, id: number): number {
    const normaliser = this.logNormalisers[row];
    if (normaliser === undefined || id < 0 || id >= this.vocab) return Number.NaN;
    const logit = this.raw[row * this.vocab + id] as number;
    // -Infinity logits (a model that masks its own vocabulary) give probability 0, not NaN.
    return logit === -Infinity ? -Infinity : logit - normaliser;
  }
}

/** log Σ exp(x) over `data[from, to)` in one pass (running maximum, rescaled sum). */
export function logSumExp(data: Float32Array, from: number, to: number): number {
  let max = -Infinity;
  let sum = 0;
  for (let i = from; i < to; i++) {
    const x = data[i] as number;
    if (x > max) {
      sum = sum * Math.exp(max - x) + 1;
      max = x;
    } else if (x !== -Infinity) {
      // NaN lands here too and makes the result NaN, as it should.
      sum += Math.exp(x - max);
    }
  }
  return max + Math.log(sum);
}

/** A half-open range `[start, end)` of answer-text characters (UTF-16 units). */
export interface CharRange {
  readonly start: number;
  readonly end: number;
}

const REPLACEMENT = '\uFFFD';

/**
 * The characters of the answer text each generated token produced, built from the decoded text after
 * each token. A token that ends in the middle of a multi-byte character decodes to a trailing U+FFFD:
 * it is counted as having begun that character; the tokens completing it add no new character and
 * are assigned to it (the character before their position). Ranges never move backwards, so a decode
 * that rewrites earlier text (rare) cannot make them overlap.
 */
export class TokenCharRanges {
  private readonly ends: number[] = [];

  /** Adds the next token, given the decoded answer text including it. */
  push(decodedSoFar: string): void {
    let pending = 0;
    while (decodedSoFar.endsWith(REPLACEMENT.repeat(pending + 1))) pending++;
    const stable = decodedSoFar.length - pending + (pending > 0 ? 1 : 0);
    this.ends.push(Math.max(this.ends.at(-1) ?? 0, stable));
  }

  get length(): number {
    return this.ends.length;
  }

  /** The characters token `index` covers; an empty range stands for the character before it. */
  range(index: number): CharRange {
    const start = index === 0 ? 0 : (this.ends[index - 1] as number);
    const end = this.ends[index] as number;
    return end > start ? { start, end } : { start: Math.max(0, start - 1), end: start };
  }

  /** Indices of the tokens whose characters overlap `[start, end)`. */
  overlapping(start: number, end: number): number[] {
    const indices: number[] = [];
    for (let i = 0; i < this.ends.length; i++) {
      const range = this.range(i);
      if (range.start < end && range.end > start) indices.push(i);
    }
    return indices;
  }
}

/** Where one entity string sits in the answer text: its quotes, by character index. */
export interface EntityOccurrence {
  readonly text: string;
  /** Index of the opening quote. */
  readonly open: number;
  /** Index of the closing quote. */
  readonly close: number;
}

/**
 * The score of one occurrence: the joint probability of the tokens that spell its content plus the
 * one holding its closing quote, i.e. the model's probability of writing exactly this string and
 * ending it there. The opening quote alone is left out: a token such as `["` or `, "` says that
 * another entity follows, not which one. Why the joint probability: on SmolLM2-135M answers it
 * separated right from wrong strings best (AUROC 0.85, vs 0.72 for the weakest token and 0.56 for the
 * geometric mean, 24 strings); wrong strings are often too long, and each extra token adds doubt.
 * `undefined` when a token has no probability.
 */
export function entityScore(
  occurrence: EntityOccurrence,
  ranges: TokenCharRanges,
  logProbs: readonly (number | undefined)[],
): number | undefined {
  const tokens = ranges.overlapping(occurrence.open + 1, occurrence.close + 1);
  if (tokens.length === 0) return undefined;
  let joint = 0;
  for (const index of tokens) {
    const logProb = logProbs[index];
    if (logProb === undefined || Number.isNaN(logProb)) return undefined;
    joint += logProb;
  }
  return Math.exp(joint);
}

/**
 * The index of the opening quote that matches the closing quote at `close` in `text`: the nearest
 * earlier quote of the same kind that no backslash escapes. `-1` when there is none.
 */
export function openingQuote(text: string, close: number): number {
  const quote = text.charAt(close);
  for (let i = close - 1; i >= 0; i--) {
    if (text.charAt(i) !== quote) continue;
    let backslashes = 0;
    while (i - 1 - backslashes >= 0 && text.charAt(i - 1 - backslashes) === '\\') backslashes++;
    if (backslashes % 2 === 0) return i;
  }
  return -1;
}

/**
 * Entities with the scores of `scores` attached (by text); entities without a score stay as they are.
 */
export function withScores(
  entities: readonly FoundEntity[],
  scores: ReadonlyMap<string, number>,
): FoundEntity[] {
  return entities.map((entity) => {
    const score = scores.get(entity.text);
    return score === undefined ? entity : { ...entity, score };
  });
}
