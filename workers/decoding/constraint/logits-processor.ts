/**
 * transformers.js adapter: a `LogitsProcessor` that applies one {@link JsonListConstraint} per batch
 * row.
 *
 * How transformers.js 4.3.1 calls it (models/modeling_utils.js `generate`):
 * - pass it as `model.generate({ ..., max_new_tokens, logits_processor: list })` where `list` is a
 *   `LogitsProcessorList` (or a plain array: `generate` spreads it into its own list); it runs after
 *   the built-in processors (repetition penalty, ...), so its -Infinity entries are final;
 * - every step it gets `(input_ids, logits)`: `input_ids` is `bigint[][]`, one array per row holding
 *   everything passed as `inputs` plus every token generated so far (so only the *new* ids when a
 *   `past_key_values` cache is passed with the new ids only); `logits` is a float32 `Tensor` of dims
 *   `[batch, vocab]` (already sliced to the last position) which the processor edits in place and
 *   must return;
 * - rows that hit EOS keep being sampled until every row is done; they stay "done" only while they
 *   keep producing EOS, which the constraint enforces.
 */

import { LogitsProcessor, type Tensor } from '@huggingface/transformers';
import { JsonListConstraint, type JsonListConstraintOptions } from './json-list-constraint';
import { PassageAutomaton } from './passage-automaton';
import type { TokenTable } from './token-table';

/** One row's constraint and how many of its ids it has consumed. */
interface RowState {
  readonly constraint: JsonListConstraint;
  /** Length of the row's ids at the first call: the prompt part, never fed to the constraint. */
  readonly promptLength: number;
}

/** Options of {@link JsonListLogitsProcessor}. */
export interface JsonListProcessorOptions extends JsonListConstraintOptions {
  /**
   * Length of each row's ids before generation (what `generate` received as `inputs`). Default: the
   * row length seen at the first call, which is the same thing as long as the processor is fresh.
   */
  readonly promptLength?: number;
  /**
   * Set when decoding is greedy (`do_sample: false`): a row whose best token is already allowed is
   * left untouched, since masking would not change the argmax. Skips the trie walk on most steps of
   * a well-behaved model. Leave unset when sampling, where every logit matters (the best token is
   * still what decides whether an item is let go).
   */
  readonly greedy?: boolean;
}

/** Index of the largest value (first one on ties, like the transformers.js greedy sampler). */
function argmax(row: Float32Array): number {
  let best = 0;
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) {
    const v = row[i] as number;
    if (v > max) {
      max = v;
      best = i;
    }
  }
  return best;
}

/**
 * Masks the logits of every batch row to the tokens its answer may take next.
 *
 * All rows answer about the same passage (one automaton, shared); each has its own grammar state.
 * Create one processor per `generate` call: it remembers where each row's prompt ends.
 */
export class JsonListLogitsProcessor extends LogitsProcessor {
  private readonly automaton: PassageAutomaton;
  private readonly rows: RowState[] = [];

  constructor(
    private readonly table: TokenTable,
    passage: string | PassageAutomaton,
    private readonly options: JsonListProcessorOptions,
  ) {
    super();
    this.automaton = typeof passage === 'string' ? new PassageAutomaton(passage) : passage;
  }

  /** The per-row constraints (after the first call), e.g. to stream or check each row's state. */
  get constraints(): readonly JsonListConstraint[] {
    return this.rows.map((r) => r.constraint);
  }

  /** Called by `generate` once per step. Edits `logits.data` in place and returns `logits`. */
  override _call(input_ids: bigint[][], logits: Tensor): Tensor {
    const data = logits.data as Float32Array;
    const vocab = logits.dims.at(-1) ?? data.length;
    for (let r = 0; r < input_ids.length; r++) {
      const ids = input_ids[r] as bigint[];
      let row = this.rows[r];
      if (!row) {
        row = {
          constraint: new JsonListConstraint(this.table, this.automaton, this.options),
          promptLength: this.options.promptLength ?? ids.length,
        };
        this.rows[r] = row;
      }
      const c = row.constraint;
      // Feed whatever this row generated since the last call (one token per step in practice).
      for (let i = row.promptLength + c.generated; i < ids.length; i++) c.advance(Number(ids[i]));
      const logitsRow = data.subarray(r * vocab, (r + 1) * vocab);
      // The model's own choice first: inside a string the constraint lets an item go rather than
      // overrule it (see JsonListConstraint.review).
      if (c.review(argmax(logitsRow)) && this.options.greedy) continue;
      c.maskLogits(logitsRow);
    }
    return logits;
  }
}
