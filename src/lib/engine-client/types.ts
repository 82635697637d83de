/**
 * The client's public types: the worker port it drives, the notices it sends itself, and the
 * `EngineClient` interface the page uses. Types only, so every other module of the client (and the
 * page) can import them without pulling in any behaviour.
 */
import type {
  DevicePreference,
  DoneEvent,
  ExtractOptions,
  FromWorker,
  LoadedModelInfo,
  ModelSource,
  ReadyEvent,
  SelfTestResultEvent,
  ToWorker,
} from '../../../workers/protocol';

/** The part of `Worker` the client uses; unit tests pass a fake with the same shape. */
export interface WorkerPort {
  postMessage(message: ToWorker): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
}

/** Creates a fresh worker. Called lazily on the first request and again after every restart. */
export type WorkerFactory = () => WorkerPort;

/**
 * Sent by the client itself (not the worker) when WebGPU failed and the client restarted the worker on
 * WASM. `during: 'extract'` means the running extraction is re-run from scratch on WASM under the same
 * request id: everything streamed so far for it should be thrown away.
 */
export interface FallbackNotice {
  readonly type: 'fallback';
  readonly requestId: string;
  readonly during: 'load' | 'extract' | 'selftest';
  /** The WebGPU error message; also sent to the worker as `fallbackReason`. */
  readonly reason: string;
}

/**
 * Sent by the client itself when a Stop was not answered within {@link ClientOptions.stopDeadlineMs}:
 * the worker was terminated (its model is gone; the next load starts a fresh worker). A `done`
 * (`interrupted: true`) for the same request follows at once.
 */
export interface StopTimeoutNotice {
  readonly type: 'stop-timeout';
  readonly requestId: string;
  /** How long the client waited for the worker to stop. */
  readonly waitedMs: number;
  /** Entity types the run had answered before the Stop (their results stand). */
  readonly typesAnswered: number;
}

/** Everything a subscriber can receive: worker events of current requests, plus the client's own notices. */
export type ClientEvent = FromWorker | FallbackNotice | StopTimeoutNotice;

/** Tuning of the client (tests shorten the deadline). */
export interface ClientOptions {
  /**
   * How long a Stop may take before the client gives up on the worker and terminates it. The engine
   * stops within one decode step; a worker that does not answer is stuck (a step that never ends, or
   * a run that never yields to its message queue), and a Stop that does nothing is worse than
   * reloading the model. Default 5 s: longer than a long prefill step of a 7B model on a slow GPU.
   */
  readonly stopDeadlineMs?: number;
}

/** A listener for one kind of event. */
export type ClientEventOf<K extends ClientEvent['type']> = Extract<ClientEvent, { type: K }>;

/** What `load` needs: a model and where to run it. */
export interface LoadParams {
  readonly model: ModelSource;
  readonly device: DevicePreference;
}

/** What `extract` needs. */
export interface ExtractParams {
  readonly passage: string;
  readonly entityTypes: readonly string[];
  readonly options: ExtractOptions;
}

/** The public face of the client (also exposed as `window.uninerDebug.client`). */
export interface EngineClient {
  /** Loads a model; resolves with the final `ready` (after any WASM fallback), rejects on error or when superseded. */
  load(params: LoadParams): { requestId: string; promise: Promise<ReadyEvent> };
  /** Runs an extraction; resolves with its `done` (also when interrupted), rejects on error or when superseded. */
  extract(params: ExtractParams): { requestId: string; promise: Promise<DoneEvent> };
  /** Stops the current extraction; it still ends with `done` (`interrupted: true`). No-op when none runs. */
  interrupt(): void;
  /** Greedy-decodes a raw prompt on the loaded model (diagnostic). */
  selftest(
    prompt: string,
    maxNewTokens?: number,
  ): { requestId: string; promise: Promise<SelfTestResultEvent> };
  /** Every event of current requests. Returns an unsubscribe function. */
  subscribe(listener: (event: ClientEvent) => void): () => void;
  /** Events of one type only. Returns an unsubscribe function. */
  on<K extends ClientEvent['type']>(type: K, listener: (event: ClientEventOf<K>) => void): () => void;
  /** The model of the last `ready`, or null. */
  readonly loadedModel: LoadedModelInfo | null;
  /** Number of workers created so far (diagnostics and tests). */
  readonly workerGeneration: number;
  /** Terminates the worker and rejects all pending requests. */
  dispose(): void;
}
