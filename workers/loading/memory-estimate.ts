/**
 * Will this model fit? An estimate of a causal LM's memory need from its config.json (and, when
 * known, its file sizes), checked against what the device allows, before anything is downloaded.
 *
 * Why: a 7B model that cannot fit fails late (after gigabytes of download) and poisons the worker.
 * The limits that matter (README, Limits): WASM memory tops out at 4 GiB; every file is read into one
 * ArrayBuffer (keep files under 2 GB); on WebGPU a tensor larger than the adapter's `maxBufferSize`
 * cannot be created and one larger than `maxStorageBufferBindingSize` cannot be bound to a shader.
 * WebGPU does not report how much GPU memory exists, so there the total is advisory only.
 *
 * Pure functions (no DOM, no transformers.js); `fetchFileSizes` takes the fetch to use.
 */
import { formatBytes } from '../bytes';
import { APP_CONTEXT_TOKENS, PREFILL_PIECE_TOKENS } from '../limits';
import type { Dtype } from '../protocol';

const GIB = 1024 ** 3;

/** The WASM heap ceiling (memory32). */
export const WASM_MAX_BYTES = 4 * GIB;
/** No single model file may reach this (one ArrayBuffer per file in the browser). */
export const MAX_FILE_BYTES = 2e9;
/** The WebGPU default for both buffer limits when an adapter reports nothing larger. */
export const WEBGPU_DEFAULT_LIMIT = 256 * 1024 * 1024;
/** onnxruntime's own code, arenas and the small graph tensors: a rough allowance. */
export const RUNTIME_OVERHEAD_BYTES = 150e6;

/** The dimensions that decide a decoder-only transformer's memory. */
export interface ModelDims {
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly vocabSize: number;
  readonly intermediateSize: number;
  readonly maxContext: number;
  /** lm_head shares the embedding matrix (then it is stored once). */
  readonly tiedEmbeddings: boolean;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * Reads the dimensions from a Hugging Face config.json (LLaMA, Qwen, Phi, SmolLM... naming; a nested
 * `text_config` is used when the top level has no `hidden_size`). Undefined when something essential
 * is missing: then no estimate is possible and loading should go ahead unchecked.
 */
export function dimsFromConfig(config: unknown): ModelDims | undefined {
  if (typeof config !== 'object' || config === null) return undefined;
  let c = config as Record<string, unknown>;
  if (positive(c.hidden_size) === undefined && typeof c.text_config === 'object' && c.text_config !== null) {
    c = c.text_config as Record<string, unknown>;
  }
  const hiddenSize = positive(c.hidden_size) ?? positive(c.n_embd) ?? positive(c.d_model);
  const numLayers = positive(c.num_hidden_layers) ?? positive(c.n_layer) ?? positive(c.num_layers);
  const numHeads = positive(c.num_attention_heads) ?? positive(c.n_head);
  const vocabSize = positive(c.vocab_size);
  if (!hiddenSize || !numLayers || !numHeads || !vocabSize) return undefined;
  return {
    hiddenSize,
    numLayers,
    numHeads,
    numKvHeads: positive(c.num_key_value_heads) ?? numHeads,
    headDim: positive(c.head_dim) ?? hiddenSize / numHeads,
    vocabSize,
    intermediateSize: positive(c.intermediate_size) ?? positive(c.n_inner) ?? 4 * hiddenSize,
    maxContext: positive(c.max_position_embeddings) ?? positive(c.n_positions) ?? 2048,
    tiedEmbeddings: c.tie_word_embeddings === true,
  };
}

/** Parameter count of a LLaMA-style decoder (gated MLP, RMSNorm, no biases). 6.74e9 for LLaMA-7B. */
export function parameterCount(d: ModelDims): number {
  const embedding = d.vocabSize * d.hiddenSize;
  const attention = d.hiddenSize * d.headDim * (2 * d.numHeads + 2 * d.numKvHeads);
  const mlp = 3 * d.hiddenSize * d.intermediateSize;
  const norms = 2 * d.hiddenSize;
  return embedding * (d.tiedEmbeddings ? 1 : 2) + d.numLayers * (attention + mlp + norms) + d.hiddenSize;
}

/**
 * Bytes per weight of a quantized MatMul (with its scales), of its packed weights alone, and of
 * everything else (embedding, norms), per dtype.
 */
function weightBytesPerParam(dtype: Dtype): {
  readonly matmul: number;
  readonly packed: number;
  readonly other: number;
} {
  switch (dtype) {
    case 'q4': // 4 bits + one fp32 scale per block of 32 (what tools/convert and most exports write)
      return { matmul: 0.5 + 4 / 32, packed: 0.5, other: 4 };
    case 'q4f16':
      return { matmul: 0.5 + 2 / 32, packed: 0.5, other: 2 };
    case 'fp16':
      return { matmul: 2, packed: 2, other: 2 };
    case 'fp32':
      return { matmul: 4, packed: 4, other: 4 };
    case 'q8': // one byte plus small scales, float embedding
      return { matmul: 1.0625, packed: 1, other: 4 };
  }
}

/** Bytes per activation and KV-cache element: fp16 for the f16 formats, else fp32. */
function activationBytes(dtype: Dtype): number {
  return dtype === 'q4f16' || dtype === 'fp16' ? 2 : 4;
}

/**
 * Weights as tools/convert (and onnx-community exports) lay them out: quantized MatMuls (layers and an
 * untied lm_head), a float embedding (a tied one is stored once, unquantized) and float norms.
 */
export function estimateWeights(
  d: ModelDims,
  dtype: Dtype,
): { readonly totalBytes: number; readonly largestTensorBytes: number; readonly largestTensor: string } {
  const per = weightBytesPerParam(dtype);
  const embedding = d.vocabSize * d.hiddenSize;
  const norms = (2 * d.numLayers + 1) * d.hiddenSize;
  const matmulParams = parameterCount(d) - embedding - norms;
  const totalBytes = (embedding + norms) * per.other + matmulParams * per.matmul;
  const candidates: [string, number][] = [
    ['token embedding', embedding * per.other],
    ['lm_head', d.tiedEmbeddings ? 0 : embedding * per.packed],
    ['MLP projection', d.hiddenSize * d.intermediateSize * per.packed],
  ];
  const [largestTensor, largestTensorBytes] = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { totalBytes, largestTensorBytes, largestTensor };
}

/** What to estimate for. */
export interface EstimateOptions {
  readonly dtype: Dtype;
  /** Longest sequence (prompt + answer) the cache must hold; default: what the app runs, capped by the model. */
  readonly contextTokens?: number;
  /** Sequences decoded together (types batched in one pass). Default 1. */
  readonly batch?: number;
  /** Tokens per prefill pass. Default {@link PREFILL_PIECE_TOKENS}. */
  readonly prefillTokens?: number;
  /** The real download size of the ONNX files (sum of the .onnx and its data chunks), when known. */
  readonly weightFileBytes?: number;
  /** The largest single file, when known (must stay under 2 GB). */
  readonly largestFileBytes?: number;
  readonly largestFileName?: string;
}

/** An estimate, in bytes. */
export interface MemoryNeed {
  readonly weightBytes: number;
  readonly kvCacheBytes: number;
  /** Peak transient tensors of one prefill pass (logits, attention scores, MLP). */
  readonly activationBytes: number;
  readonly overheadBytes: number;
  readonly totalBytes: number;
  /** The largest single weight tensor and the largest single activation: both must fit one GPU buffer. */
  readonly largestTensorBytes: number;
  readonly largestTensor: string;
  readonly largestActivationBytes: number;
  readonly largestFileBytes?: number;
  readonly largestFileName?: string;
  readonly contextTokens: number;
  readonly dtype: Dtype;
}

/** Estimates the memory a model needs to answer with the app's context. */
export function estimateMemory(d: ModelDims, options: EstimateOptions): MemoryNeed {
  const batch = options.batch ?? 1;
  const contextTokens = Math.min(options.contextTokens ?? APP_CONTEXT_TOKENS, d.maxContext);
  const prefill = Math.min(options.prefillTokens ?? PREFILL_PIECE_TOKENS, contextTokens);
  const act = activationBytes(options.dtype);
  const weights = estimateWeights(d, options.dtype);
  const weightBytes = options.weightFileBytes ?? weights.totalBytes;
  const kvCacheBytes = 2 * d.numLayers * d.numKvHeads * d.headDim * contextTokens * batch * act;
  // Softmax runs in fp32; scores and probabilities live together for one layer at a time.
  const attentionScores = batch * d.numHeads * prefill * contextTokens * 4;
  const logits = batch * prefill * d.vocabSize * 4;
  const mlp = 3 * batch * prefill * d.intermediateSize * act;
  const hidden = 6 * batch * prefill * d.hiddenSize * act;
  const activationBytes_ = 2 * attentionScores + logits + mlp + hidden;
  const need: MemoryNeed = {
    weightBytes,
    kvCacheBytes,
    activationBytes: activationBytes_,
    overheadBytes: RUNTIME_OVERHEAD_BYTES,
    totalBytes: weightBytes + kvCacheBytes + activationBytes_ + RUNTIME_OVERHEAD_BYTES,
    largestTensorBytes: weights.largestTensorBytes,
    largestTensor: weights.largestTensor,
    largestActivationBytes: Math.max(attentionScores, logits),
    contextTokens,
    dtype: options.dtype,
    ...(options.largestFileBytes !== undefined ? { largestFileBytes: options.largestFileBytes } : {}),
    ...(options.largestFileName !== undefined ? { largestFileName: options.largestFileName } : {}),
  };
  return need;
}

/** What the device allows. */
export type MemoryBudget =
  | {
      readonly device: 'webgpu';
      /** `adapter.limits.maxBufferSize` (onnxruntime-web requests the adapter's limits). */
      readonly maxBufferSize: number;
      /** `adapter.limits.maxStorageBufferBindingSize`. */
      readonly maxStorageBufferBindingSize: number;
      /** `navigator.deviceMemory` in GB if known (a lower bound, capped at 8 by browsers). */
      readonly deviceMemoryGb?: number;
    }
  | {
      readonly device: 'wasm';
      /** Default {@link WASM_MAX_BYTES}. */
      readonly heapLimitBytes?: number;
      readonly deviceMemoryGb?: number;
    }
  /** onnxruntime-node: no browser limits. */
  | { readonly device: 'cpu' };

/** The verdict, with the estimate so callers can show it. */
export type MemoryCheck =
  | { readonly ok: true; readonly need: MemoryNeed; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly reason: string; readonly need: MemoryNeed };

function formatGib(bytes: number): string {
  return `${Number((bytes / GIB).toFixed(2))} GiB`;
}

/** Compares an estimate with the device. `modelName` goes into the messages. */
export function checkMemory(need: MemoryNeed, budget: MemoryBudget, modelName: string): MemoryCheck {
  const warnings: string[] = [];
  if (
    budget.device !== 'cpu' &&
    need.largestFileBytes !== undefined &&
    need.largestFileBytes >= MAX_FILE_BYTES
  ) {
    return {
      ok: false,
      need,
      reason: `${modelName} has a file of ${formatBytes(need.largestFileBytes)}${need.largestFileName ? ` (${need.largestFileName})` : ''}; browsers read each file into one buffer of under 2 GB. Re-convert it with external data in chunks (tools/convert).`,
    };
  }
  switch (budget.device) {
    case 'cpu':
      return { ok: true, need, warnings };
    case 'wasm': {
      const limit = budget.heapLimitBytes ?? WASM_MAX_BYTES;
      if (need.totalBytes > limit) {
        return {
          ok: false,
          need,
          reason: `${modelName} needs about ${formatBytes(need.totalBytes)} (${formatBytes(need.weightBytes)} of weights, ${formatBytes(need.kvCacheBytes)} of cache for ${need.contextTokens} tokens); WASM can use at most ${formatGib(limit)}: use a browser with WebGPU, or pick a smaller model.`,
        };
      }
      break;
    }
    case 'webgpu': {
      const bufferLimit = Math.min(budget.maxBufferSize, budget.maxStorageBufferBindingSize);
      const limitName =
        budget.maxStorageBufferBindingSize <= budget.maxBufferSize
          ? 'maxStorageBufferBindingSize'
          : 'maxBufferSize';
      if (need.largestTensorBytes > bufferLimit) {
        return {
          ok: false,
          need,
          reason: `${modelName} has a weight tensor (${need.largestTensor}, ${formatBytes(need.largestTensorBytes)}) larger than this GPU allows in one buffer (${limitName} ${formatBytes(bufferLimit)}): ${need.dtype === 'q4' ? 'try the q4f16 weights (needs shader-f16), ' : 'try '}a smaller model or another device.`,
        };
      }
      if (need.largestActivationBytes > bufferLimit) {
        return {
          ok: false,
          need,
          reason: `${modelName} needs a ${formatBytes(need.largestActivationBytes)} working buffer for ${need.contextTokens} tokens, more than this GPU allows in one buffer (${limitName} ${formatBytes(bufferLimit)}): use shorter passages or a smaller model.`,
        };
      }
      warnings.push(
        `${modelName} needs about ${formatBytes(need.totalBytes)} of GPU memory (WebGPU cannot tell how much there is).`,
      );
      break;
    }
  }
  // navigator.deviceMemory is rounded down to a power of two and capped at 8: below 8 it is a hint.
  if (
    budget.deviceMemoryGb !== undefined &&
    budget.deviceMemoryGb < 8 &&
    need.totalBytes > budget.deviceMemoryGb * GIB
  ) {
    warnings.push(
      `This device reports about ${budget.deviceMemoryGb} GB of memory and ${modelName} needs about ${formatBytes(need.totalBytes)}: loading may fail or be very slow.`,
    );
  }
  return { ok: true, need, warnings };
}

/**
 * The ONNX files transformers.js 4.3.1 loads for a decoder-only model and dtype: `onnx/model{suffix}.onnx`
 * and its external-data chunks as declared in `transformers.js_config.use_external_data_format`
 * (mirrors `resolveExternalDataFormat` / `getExternalDataChunkNames`; the tests compare with the
 * library's own `ModelRegistry.get_model_files`).
 */
export function onnxFilePaths(config: unknown, dtype: Dtype): string[] {
  const suffix: Record<Dtype, string> = {
    fp32: '',
    fp16: '_fp16',
    q8: '_quantized',
    q4: '_q4',
    q4f16: '_q4f16',
  };
  const fullName = `model${suffix[dtype]}.onnx`;
  const jsConfig =
    typeof config === 'object' && config !== null
      ? ((config as Record<string, unknown>)['transformers.js_config'] as Record<string, unknown> | undefined)
      : undefined;
  const declared = jsConfig?.use_external_data_format;
  let chunks = 0;
  if (typeof declared === 'object' && declared !== null) {
    const table = declared as Record<string, unknown>;
    const value = Object.hasOwn(table, fullName)
      ? table[fullName]
      : Object.hasOwn(table, 'model')
        ? table.model
        : 0;
    chunks = Number(value) || 0;
  } else if (declared !== undefined && declared !== null) {
    chunks = Number(declared) || 0;
  }
  const files = [`onnx/${fullName}`];
  for (let i = 0; i < chunks; i++) files.push(`onnx/${fullName}_data${i === 0 ? '' : `_${i}`}`);
  return files;
}

/** The slice of `fetch` this module needs. */
export type FetchLike = (
  url: string,
  init: { method: 'HEAD' },
) => Promise<{ readonly ok: boolean; readonly headers: { get(name: string): string | null } }>;

/**
 * Sizes of `paths` under `baseUrl` (ending in `/`) from HEAD requests: `Content-Length`, or the Hub's
 * `X-Linked-Size` for LFS files. Undefined for a file whose size could not be learned; never throws.
 */
export async function fetchFileSizes(
  baseUrl: string,
  paths: readonly string[],
  fetchFn: FetchLike,
): Promise<Map<string, number | undefined>> {
  const entries = await Promise.all(
    paths.map(async (path): Promise<[string, number | undefined]> => {
      try {
        const response = await fetchFn(baseUrl + path, { method: 'HEAD' });
        if (!response.ok) return [path, undefined];
        const header = response.headers.get('x-linked-size') ?? response.headers.get('content-length');
        const size = header === null ? NaN : Number(header);
        return [path, Number.isFinite(size) && size > 0 ? size : undefined];
      } catch {
        return [path, undefined];
      }
    }),
  );
  return new Map(entries);
}

/** Sum and largest of known file sizes, as {@link EstimateOptions} wants them; undefined if any is unknown. */
export function summarizeFileSizes(
  sizes: ReadonlyMap<string, number | undefined>,
): Pick<EstimateOptions, 'weightFileBytes' | 'largestFileBytes' | 'largestFileName'> | undefined {
  let total = 0;
  let largest = 0;
  let largestName = '';
  for (const [name, size] of sizes) {
    if (size === undefined) return undefined;
    total += size;
    if (size > largest) {
      largest = size;
      largestName = name;
    }
  }
  return sizes.size === 0
    ? undefined
    : { weightFileBytes: total, largestFileBytes: largest, largestFileName: largestName };
}

/**
 * One call for the handler: estimate from config.json (+ file sizes when known) and check against the
 * budget. No config dims (an unusual architecture): ok, with a warning, so loading is never blocked
 * by a guess.
 */
export function checkModelMemory(
  config: unknown,
  options: EstimateOptions,
  budget: MemoryBudget,
  modelName: string,
): MemoryCheck | { readonly ok: true; readonly need?: undefined; readonly warnings: readonly string[] } {
  const dims = dimsFromConfig(config);
  if (!dims)
    return {
      ok: true,
      warnings: [`Could not estimate the memory ${modelName} needs (unusual config.json).`],
    };
  return checkMemory(estimateMemory(dims, options), budget, modelName);
}
