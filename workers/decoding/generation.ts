/**
 * Greedy generation with passage-prefix reuse.
 *
 * The passage prefix (`BOS + system + passage + "I've read this text.</s>"`) is run through the model
 * once; its key/value cache is kept as plain CPU tensors, and every entity-type question starts from
 * a fresh cache object over those tensors. Why CPU copies: `generate` replaces the cache entries it is
 * given and, on WebGPU, destroys replaced GPU tensors, so sharing GPU tensors between questions fails
 * with "The tensor is disposed". A CPU snapshot is never disposed by transformers.js (it only disposes
 * `gpu-buffer` tensors) and is uploaded once per question.
 *
 * We drive `model.generate` (the library's loop) and add four hooks of our own: a streamer that sees
 * each new token, a stopping criterion for interruption, a recorder of each token's log-probability
 * under the model's own distribution (for confidence scores), and an optional logits processor
 * (constrained decoding), which runs after the recorder so that its mask never reaches the scores.
 */
import type { LogitsProcessor } from '@huggingface/transformers';
import { DynamicCache, StoppingCriteria, Tensor } from '@huggingface/transformers';
import { PREFILL_PIECE_TOKENS } from '../limits';
import type { CausalLm } from '../runtime/causal-lm';
import { TokenLogProbRecorder } from './token-scores';

/** The key/value cache of a prompt prefix, kept on the CPU so it can seed many questions. */
export interface PrefixCache {
  readonly ids: readonly number[];
  readonly entries: Readonly<Record<string, Tensor>>;
  /** Milliseconds spent running the prefix through the model. */
  readonly ms: number;
}

function int64(ids: readonly number[]): Tensor {
  return new Tensor(
    'int64',
    BigInt64Array.from(ids, (id) => BigInt(id)),
    [1, ids.length],
  );
}

function ones(length: number): Tensor {
  return new Tensor('int64', new BigInt64Array(length).fill(1n), [1, length]);
}

/** Output name `present.{i}.key` → input name `past_key_values.{i}.key`. */
function pastName(outputName: string): string {
  return outputName.replace(/^present/, 'past_key_values');
}

/** Copies a tensor to the CPU (downloading it if it lives on the GPU). */
async function toCpu(tensor: Tensor): Promise<Tensor> {
  if (tensor.location !== 'gpu-buffer') return tensor;
  const data = await tensor.ort_tensor.getData(true);
  return new Tensor(tensor.type as 'float32', data as Float32Array, tensor.dims);
}

/** Runs `ids` through the model (in pieces) and keeps the resulting key/value cache on the CPU. */
export async function encodePrefix(lm: CausalLm, ids: readonly number[]): Promise<PrefixCache> {
  const started = performance.now();
  const cache = new DynamicCache();
  for (let done = 0; done < ids.length; done += PREFILL_PIECE_TOKENS) {
    const piece = ids.slice(done, done + PREFILL_PIECE_TOKENS);
    const outputs = (await lm.model.forward({
      input_ids: int64(piece),
      attention_mask: ones(done + piece.length),
      past_key_values: cache,
      // Only the cache is wanted: graphs with this input (ours, some Hub exports) then skip the
      // vocabulary projection of every position but the last; others ignore it.
      num_logits_to_keep: new Tensor('int64', BigInt64Array.of(1n), []),
    })) as Record<string, Tensor>;
    const present: Record<string, Tensor> = {};
    for (const [name, tensor] of Object.entries(outputs)) {
      if (name.startsWith('present')) present[pastName(name)] = tensor;
      else tensor.dispose();
    }
    cache.update(present);
  }
  const entries: Record<string, Tensor> = {};
  for (const [name, tensor] of Object.entries(cache)) entries[name] = await toCpu(tensor as Tensor);
  return { ids: [...ids], entries, ms: performance.now() - started };
}

/**
 * Collects generated tokens as `generate` produces them (the first `put` is the prompt itself), each
 * row's token with its log-probability, read from the recorder right after sampling.
 */
class TokenStreamer {
  private sawPrompt = false;
  constructor(
    private readonly recorder: TokenLogProbRecorder,
    private readonly onToken: (row: number, id: number, logProb: number) => void,
  ) {}
  put(value: bigint[][]): void {
    if (!this.sawPrompt) {
      this.sawPrompt = true;
      return;
    }
    value.forEach((tokens, row) => {
      const token = tokens[0];
      if (token === undefined) return;
      const id = Number(token);
      this.onToken(row, id, this.recorder.logProb(row, id));
    });
  }
  end(): void {}
}

/** Stops generation at the next step boundary once `shouldStop` says so. */
class InterruptCriterion extends StoppingCriteria {
  constructor(private readonly shouldStop: () => boolean) {
    super();
  }
  override _call(inputIds: unknown[]): boolean[] {
    const stop = this.shouldStop();
    return inputIds.map(() => stop);
  }
}

/** Marks rows done once they produced EOS (tracked by the batch streamer). */
class RowsEndedCriterion extends StoppingCriteria {
  constructor(private readonly ended: readonly boolean[]) {
    super();
  }
  override _call(inputIds: unknown[]): boolean[] {
    return inputIds.map((_, row) => this.ended[row] ?? false);
  }
}

/**
 * UniNER decoding: greedy, a fixed answer budget, stop at EOS. Spelled out because a model's own
 * generation_config.json may ask for sampling or penalties, and the library default length is 20.
 */
function greedySettings(
  lm: CausalLm,
  request: { maxNewTokens: number; logitsProcessor?: LogitsProcessor },
  recorder: TokenLogProbRecorder,
) {
  return {
    max_new_tokens: request.maxNewTokens,
    do_sample: false,
    num_beams: 1,
    repetition_penalty: 1.0,
    no_repeat_ngram_size: 0,
    eos_token_id: [...lm.eosTokenIds],
    // Applied in this order: the recorder sees the logits before the constraint masks them.
    logits_processor: request.logitsProcessor ? [recorder, request.logitsProcessor] : [recorder],
  };
}

/** What one question needs. */
export interface AnswerRequest {
  /** The whole prompt (prefix ids included when a prefix cache is given). */
  readonly promptIds: readonly number[];
  /** A cache of the first `prefix.ids.length` prompt ids, or none for a full re-encode. */
  readonly prefix?: PrefixCache;
  readonly maxNewTokens: number;
  readonly logitsProcessor?: LogitsProcessor;
  /** Polled after every step; `true` ends the answer early. */
  readonly shouldStop?: () => boolean;
  /**
   * Called with each generated token id (EOS included) and its log-probability under the model's own
   * distribution (before any constraint).
   */
  readonly onToken?: (id: number, logProb: number) => void;
}

/** The outcome of one question. */
export interface AnswerResult {
  /** Generated ids without the prompt, EOS excluded. */
  readonly generatedIds: number[];
  /** log p of each of `generatedIds` under the model's own distribution (before any constraint). */
  readonly logProbs: number[];
  /** Prompt tokens run through the model for this question (not counting a reused prefix). */
  readonly prefillTokens: number;
  /** Time until the first generated token (the question's prefill). */
  readonly prefillMs: number;
  readonly decodeMs: number;
  readonly stoppedByEos: boolean;
}

/** Greedily answers one prompt, from a reused prefix cache when one is given. */
export async function answer(lm: CausalLm, request: AnswerRequest): Promise<AnswerResult> {
  const { promptIds, prefix } = request;
  if (prefix) {
    const sharesPrefix =
      prefix.ids.length < promptIds.length && prefix.ids.every((id, i) => promptIds[i] === id);
    if (!sharesPrefix) throw new Error('The prompt does not start with the cached prefix.');
  }
  const started = performance.now();
  let firstTokenAt = 0;
  const generatedIds: number[] = [];
  const logProbs: number[] = [];
  let stoppedByEos = false;
  const recorder = new TokenLogProbRecorder();
  const streamer = new TokenStreamer(recorder, (_row, id, logProb) => {
    if (generatedIds.length === 0 && !stoppedByEos) firstTokenAt = performance.now();
    if (lm.eosTokenIds.includes(id)) stoppedByEos = true;
    else if (!stoppedByEos) {
      generatedIds.push(id);
      logProbs.push(logProb);
    }
    request.onToken?.(id, logProb);
  });
  // A fresh cache object over the shared CPU tensors: generate replaces its entries, never ours.
  const cache = prefix ? new DynamicCache({ ...prefix.entries }) : undefined;
  try {
    await lm.model.generate({
      inputs: int64(promptIds),
      attention_mask: ones(promptIds.length),
      ...(cache ? { past_key_values: cache } : {}),
      ...greedySettings(lm, request, recorder),
      stopping_criteria: [new InterruptCriterion(request.shouldStop ?? (() => false))],
      streamer: streamer as never,
    } as never);
  } finally {
    await cache?.dispose();
  }
  const ended = performance.now();
  const firstAt = firstTokenAt || ended;
  return {
    generatedIds,
    logProbs,
    prefillTokens: promptIds.length - (prefix?.ids.length ?? 0),
    prefillMs: firstAt - started,
    decodeMs: ended - firstAt,
    stoppedByEos,
  };
}

/** What a batch of questions over one prefix needs. */
export interface BatchRequest {
  /** Whole prompts (each starting with the prefix ids). */
  readonly prompts: readonly (readonly number[])[];
  readonly prefix: PrefixCache;
  readonly maxNewTokens: number;
  /** One processor for the whole batch (it keeps per-row state). */
  readonly logitsProcessor?: LogitsProcessor;
  readonly shouldStop?: () => boolean;
  /** Called with each row's generated token id and its log-probability, until that row's EOS. */
  readonly onToken?: (row: number, id: number, logProb: number) => void;
}

/** Id used under attention-mask zeros: never attended to, so any valid id does. */
const PAD_ID = 0;

/** Repeats a `[1, …]` CPU tensor `rows` times along the batch dimension. */
function repeatRows(tensor: Tensor, rows: number): Tensor {
  const data = tensor.data as Float32Array;
  const out = new (data.constructor as Float32ArrayConstructor)(data.length * rows);
  for (let r = 0; r < rows; r++) out.set(data, r * data.length);
  return new Tensor(tensor.type as 'float32', out, [rows, ...tensor.dims.slice(1)]);
}

/**
 * Answers several questions about one prefix in one batch: every decode step runs all rows at once,
 * which on a GPU costs about the same as one row. Question parts of different lengths are padded
 * between prefix and question with attention-mask zeros (positions come from the mask's cumulative
 * sum, so each row sees exactly its own prompt). Needs a graph that honours arbitrary attention
 * masks (standard optimum exports do; GroupQueryAttention-fused exports may not), hence opt-in.
 */
export async function answerBatch(lm: CausalLm, request: BatchRequest): Promise<AnswerResult[]> {
  const { prompts, prefix } = request;
  const rows = prompts.length;
  const prefixLength = prefix.ids.length;
  for (const ids of prompts) {
    if (!(prefixLength < ids.length && prefix.ids.every((id, i) => ids[i] === id))) {
      throw new Error('A prompt of the batch does not start with the cached prefix.');
    }
  }
  const longest = Math.max(...prompts.map((ids) => ids.length));
  const inputIds = new BigInt64Array(rows * longest);
  const mask = new BigInt64Array(rows * longest);
  prompts.forEach((ids, r) => {
    const pad = longest - ids.length;
    for (let i = 0; i < longest; i++) {
      const inPrefix = i < prefixLength;
      const isPad = !inPrefix && i < prefixLength + pad;
      const id = inPrefix ? ids[i]! : isPad ? PAD_ID : ids[i - pad]!;
      inputIds[r * longest + i] = BigInt(id);
      mask[r * longest + i] = isPad ? 0n : 1n;
    }
  });

  const started = performance.now();
  const firstTokenAt: number[] = new Array<number>(rows).fill(0);
  const generated: number[][] = prompts.map(() => []);
  const logProbs: number[][] = prompts.map(() => []);
  const ended: boolean[] = new Array<boolean>(rows).fill(false);
  const recorder = new TokenLogProbRecorder();
  const streamer = new TokenStreamer(recorder, (r, id, logProb) => {
    if (ended[r]) return;
    if (generated[r]!.length === 0) firstTokenAt[r] = performance.now();
    if (lm.eosTokenIds.includes(id)) ended[r] = true;
    else {
      generated[r]!.push(id);
      logProbs[r]!.push(logProb);
    }
    request.onToken?.(r, id, logProb);
  });
  const entries: Record<string, Tensor> = {};
  for (const [name, tensor] of Object.entries(prefix.entries)) entries[name] = repeatRows(tensor, rows);
  const cache = new DynamicCache(entries);
  try {
    await lm.model.generate({
      inputs: new Tensor('int64', inputIds, [rows, longest]),
      attention_mask: new Tensor('int64', mask, [rows, longest]),
      past_key_values: cache,
      ...greedySettings(lm, request, recorder),
      pad_token_id: PAD_ID,
      // A row that generated EOS is done even if it samples more tokens while other rows finish
      // (the library only looks at each row's last token).
      stopping_criteria: [
        new InterruptCriterion(request.shouldStop ?? (() => false)),
        new RowsEndedCriterion(ended),
      ],
      streamer: streamer as never,
    } as never);
  } finally {
    await cache.dispose();
  }
  const finished = performance.now();
  return prompts.map((ids, r) => {
    const firstAt = firstTokenAt[r] || finished;
    return {
      generatedIds: generated[r]!,
      logProbs: logProbs[r]!,
      // Padding is run through the model too: count what the batch really computed for this row.
      prefillTokens: longest - prefixLength,
      prefillMs: firstAt - started,
      decodeMs: finished - firstAt,
      stoppedByEos: ended[r]!,
    };
  });
}
