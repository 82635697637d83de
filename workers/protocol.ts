/**
 * The typed messages between the page and the inference worker.
 *
 * One discriminated union per direction, discriminated by `type`. Every message carries the
 * `requestId` of the request it belongs to; the client drops events of any request but the current
 * one. Errors travel as plain `{ name, message }` because class instances do not survive structured
 * clone. `src/` may import only *types* from this file.
 */

/** Where the user wants inference to run. `auto` probes WebGPU and falls back to WASM. */
export type DevicePreference = 'auto' | 'webgpu' | 'wasm';

/** Where inference actually runs. `cpu` is onnxruntime-node (CLI, tests). */
export type Device = 'webgpu' | 'wasm' | 'cpu';

/** Weight formats of transformers.js ONNX exports that this app knows how to choose between. */
export type Dtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';

/**
 * How questions are put to the model. `uniner` is the exact UniNER conversation (byte for byte);
 * `chat` renders the same conversation through the model's own chat template (generic instruct models).
 */
export type PromptStyle = 'uniner' | 'chat';

/** What to load: a preset id, a Hugging Face Hub id, a URL of a model folder, or (Node) a local folder. */
export interface ModelSource {
  /** Preset id, Hub id (`owner/name`), `https://…` folder URL, or a local path (Node only). */
  readonly source: string;
  /** Weight format; omitted means "the best for the chosen device" (see the model registry). */
  readonly dtype?: Dtype;
  /** Prompt style; omitted means "Automatic" (workers/loading/prompt-style-choice.ts). */
  readonly promptStyle?: PromptStyle;
  /**
   * The page's base URL, against which a preset that lives next to the app (the bundled model,
   * `./models/…`) is resolved; the worker's own URL says nothing about where index.html is.
   */
  readonly appBaseUrl?: string;
}

/** Options of one extraction request. */
export interface ExtractOptions {
  /** Constrained decoding: answers are valid JSON lists of distinct passage substrings. Default true. */
  readonly constrain: boolean;
  /**
   * With `constrain`: the length caps on each entity (at most `MAX_ENTITY_WORDS` words and
   * `MAX_ENTITY_BYTES` bytes, never the whole passage; workers/limits.ts). Default true; false only to
   * measure what the caps cost (`npm run eval -- --no-length-cap`).
   */
  readonly lengthCap?: boolean;
  /** Optional dataset name for the supervised UniNER checkpoints (`Dataset: {name} \n`). */
  readonly datasetName?: string;
  /** Upper bound of generated tokens per entity type (UniNER uses 256). */
  readonly maxNewTokens: number;
  /**
   * Encode the passage once and answer every type from its cache (default true). `false` re-encodes
   * the whole prompt per type, as the official UniNER code does: for benchmarks and equality checks.
   */
  readonly reusePrefix?: boolean;
  /**
   * Entity types decoded together in one batch from the shared prefix (default 1). On a GPU a step
   * of batch K costs about one of batch 1. Needs a model graph that honours arbitrary attention
   * masks (standard optimum exports; GroupQueryAttention-fused exports may not), hence opt-in.
   */
  readonly batchSize?: number;
  /**
   * Evaluation only: stop an answer once its first line fixes what UniNER's official parser reads
   * (text before the list, the list's first `]`, or a line break inside it), instead of letting a
   * free-running model fill the budget with prose nobody scores. One type at a time only (ignored
   * for batches). Default false: the app reads lists out of chatter, so it lets answers run.
   */
  readonly stopWhenListDecided?: boolean;
}

/** A half-open `[start, end)` range of UTF-16 code units in the passage. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** One entity string the model gave for one type, with every place it occurs in the passage. */
export interface FoundEntity {
  /** The string exactly as the model wrote it. */
  readonly text: string;
  /** Every occurrence in the passage; empty when the string is not in the passage ("not found in text"). */
  readonly spans: readonly Span[];
  /** How the spans were matched: exactly, or tolerating case and whitespace differences. */
  readonly match: 'exact' | 'tolerant' | 'none';
  /**
   * How sure the model was of this string, 0..1, from its own token probabilities while it decoded
   * greedily (never from the constraint's renormalised distribution). Absent where no score exists
   * (e.g. results from an older engine or a run that did not record token probabilities). When one
   * string is found in several chunks of a long passage, the highest score is kept.
   */
  readonly score?: number;
}

/** Token counts and timings of one request. */
export interface RunStats {
  /** Tokens run through the model in prefill passes (passage prefixes and questions). */
  readonly prefillTokens: number;
  /** Tokens generated one step at a time. */
  readonly decodeTokens: number;
  readonly prefillMs: number;
  readonly decodeMs: number;
  /** Wall time of the whole request. */
  readonly ms: number;
  /** Number of passage chunks (long passages are split at sentence boundaries). */
  readonly chunks: number;
  /**
   * Set when the page ended the run itself because the worker did not answer a Stop (a step slower
   * than the deadline): the worker's counts are lost, so only the generated tokens of the types
   * answered before the Stop are counted, and no prompt tokens.
   */
  readonly forcedStop?: boolean;
}

/** A model that is loaded and ready to answer. */
export interface LoadedModelInfo {
  /** What the user asked for (preset id, Hub id or URL). */
  readonly source: string;
  /** A human-readable name of the model. */
  readonly displayName: string;
  /** True only for UniNER checkpoints; generic instruct models are prompted the same way but are not UniNER. */
  readonly isUniner: boolean;
  /** The question format every request to this model sends. */
  readonly promptStyle: PromptStyle;
  /** Why that format (the settings' choice, or what "Automatic" measured), in a few words. */
  readonly promptStyleReason?: string;
  /** `server`: an OpenAI-compatible inference server (workers/server-engine/) runs it. */
  readonly device: Device | 'server';
  /** The weight format; `unknown` for a model on an inference server (the server does not say). */
  readonly dtype: Dtype | 'unknown';
  /** Tokens the model can attend to (prompt + answer). */
  readonly contextLength: number;
  /**
   * Set when the device is the one asked for but a poor choice: WebGPU chosen by name on a software
   * (fallback) adapter, which is far slower than WASM.
   */
  readonly deviceWarning?: string;
  /** Set when the browser refused to store some of its files (a failed Cache.put): it will download again. */
  readonly cacheWarning?: string;
}

/** A model the engine runs itself (Web Worker or Node): its device and weight format are known. */
export interface LocalModelInfo extends LoadedModelInfo {
  readonly device: Device;
  readonly dtype: Dtype;
}

// ---------------------------------------------------------------------------------------------
// Page → worker

/** Load (or switch to) a model. Answered by `load-progress`*, then `ready` or `error`. */
export interface LoadRequest {
  readonly type: 'load';
  readonly requestId: string;
  readonly model: ModelSource;
  readonly device: DevicePreference;
  /**
   * Set by the client when this load is a retry on WASM after WebGPU failed in an earlier worker
   * (a failed WebGPU session poisons its worker); echoed back in `ready.fallbackReason`.
   */
  readonly fallbackReason?: string;
}

/** Find entities of each type in a passage. Answered by per-type events and one `done` (or `error`). */
export interface ExtractRequest {
  readonly type: 'extract';
  readonly requestId: string;
  readonly passage: string;
  readonly entityTypes: readonly string[];
  readonly options: ExtractOptions;
}

/** Stop a running extraction within one decode step; it still ends with `done` (`interrupted: true`). */
export interface InterruptRequest {
  readonly type: 'interrupt';
  readonly requestId: string;
}

/**
 * Greedy-decode a raw prompt (no UniNER wrapping) and return the token ids: a diagnostic that proves
 * the model runs on this device, and the check tests use to compare devices.
 */
export interface SelfTestRequest {
  readonly type: 'selftest';
  readonly requestId: string;
  readonly prompt: string;
  readonly maxNewTokens: number;
}

/** Every message the page sends to the worker. */
export type ToWorker = LoadRequest | ExtractRequest | InterruptRequest | SelfTestRequest;

// ---------------------------------------------------------------------------------------------
// Worker → page

/** Download progress of one model file. */
export interface LoadProgressEvent {
  readonly type: 'load-progress';
  readonly requestId: string;
  readonly file: string;
  readonly loadedBytes: number;
  /** 0 when the size is not known yet. */
  readonly totalBytes: number;
  /** `download` while bytes arrive, `cached` when served from the browser cache, `done` when complete. */
  readonly stage: 'download' | 'cached' | 'done';
}

/** The model is loaded and warmed up. */
export interface ReadyEvent {
  readonly type: 'ready';
  readonly requestId: string;
  readonly model: LocalModelInfo;
  /** Why the preferred device was not used (no WebGPU adapter, WebGPU failed…); absent if it was. */
  readonly fallbackReason?: string;
  readonly loadMs: number;
}

/** The model started answering one entity type. */
export interface TypeStartedEvent {
  readonly type: 'type-started';
  readonly requestId: string;
  readonly entityType: string;
  /** Passage chunk this answer belongs to (0 for short passages). */
  readonly chunk: number;
}

/** The list of entities for one type grew while the answer streams. Carries the whole list so far. */
export interface TypePartialEvent {
  readonly type: 'type-partial';
  readonly requestId: string;
  readonly entityType: string;
  readonly entities: readonly FoundEntity[];
}

/** One entity type is answered (over all chunks). */
export interface TypeDoneEvent {
  readonly type: 'type-done';
  readonly requestId: string;
  readonly entityType: string;
  readonly entities: readonly FoundEntity[];
  /** The raw answer text(s) of the model, for display and export. */
  readonly rawAnswers: readonly string[];
  /** Set when the answer was not a well-formed JSON list of strings; says what was salvaged. */
  readonly malformed?: string;
  readonly decodeTokens: number;
  readonly ms: number;
}

/** Progress through the chunks of a long passage. */
export interface ChunkProgressEvent {
  readonly type: 'chunk-progress';
  readonly requestId: string;
  /** Chunks finished so far. */
  readonly done: number;
  readonly total: number;
  /**
   * True while `total` is an estimate: chunks are found as the run goes (so a long passage starts at
   * once), and the exact count is known only when the last chunk is reached.
   */
  readonly estimated?: boolean;
}

/** The extraction request is over (all types answered, or interrupted). */
export interface DoneEvent {
  readonly type: 'done';
  readonly requestId: string;
  readonly interrupted: boolean;
  readonly stats: RunStats;
}

/** The answer of a `selftest` request. */
export interface SelfTestResultEvent {
  readonly type: 'selftest-result';
  readonly requestId: string;
  readonly device: Device;
  readonly dtype: Dtype;
  /** Prompt token ids (with BOS) followed by nothing: kept separate from the generated ones. */
  readonly promptIds: readonly number[];
  readonly generatedIds: readonly number[];
  readonly text: string;
}

/** A plain, cloneable error. `name` is one of the engine's error names (see workers/errors.ts). */
export interface WorkerError {
  readonly name: string;
  readonly message: string;
}

/** A request failed. For a `load` on WebGPU, the client retries on WASM in a fresh worker. */
export interface ErrorEvent {
  readonly type: 'error';
  readonly requestId: string;
  readonly error: WorkerError;
  /** Which request kind failed. */
  readonly during: ToWorker['type'];
  /**
   * The device the failed request ran (or was about to run) on, when one was chosen. Only a
   * `webgpu` failure is worth a WASM retry in a fresh worker.
   */
  readonly device?: Device;
}

/** Every message the worker sends to the page. */
export type FromWorker =
  | LoadProgressEvent
  | ReadyEvent
  | TypeStartedEvent
  | TypePartialEvent
  | TypeDoneEvent
  | ChunkProgressEvent
  | DoneEvent
  | SelfTestResultEvent
  | ErrorEvent;

/** Default extraction options (they live with the other shared rules, where the page may read them). */
export { DEFAULT_EXTRACT_OPTIONS } from './limits';

/** Compile-time exhaustiveness check for `switch` over the unions above. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected message: ${JSON.stringify(value)}`);
}
