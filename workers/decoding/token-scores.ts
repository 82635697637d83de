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
 *
 * The last two are pure and live in `entity-score.ts` (the server engine scores with them too without
 * loading transformers.js); they are re-exported here.
 */
import { LogitsProcessor, type Tensor } from '@huggingface/transformers';

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

export {
  TokenCharRanges,
  entityScore,
  openingQuote,
  withScores,
  type CharRange,
  type EntityOccurrence,
} from './entity-score';
