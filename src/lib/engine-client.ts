/**
 * The page's side of the worker boundary: owns the inference worker, numbers requests, drops stale
 * events and recovers from WebGPU failures by restarting on WASM.
 *
 * Only *types* come from the protocol (the engine itself must stay out of the main bundle).
 */
import type {
  Device,
  DevicePreference,
  DoneEvent,
  ExtractOptions,
  FromWorker,
  LoadedModelInfo,
  ModelSource,
  ReadyEvent,
  SelfTestResultEvent,
  ToWorker,
  WorkerError,
} from '../../workers/protocol';

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

/** Rejection reason of a request's promise when a newer request of the same kind replaced it. */
export class SupersededError extends Error {
  override readonly name = 'SupersededError';
}

/** Rejection reason of a request's promise when the worker answered with an `error` event. */
export class EngineRequestError extends Error {
  constructor(
    readonly workerError: WorkerError,
    readonly during: ToWorker['type'],
  ) {
    super(workerError.message);
    this.name = workerError.name;
  }
}

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

/** The production factory: the engine's module worker, bundled separately by Vite. */
export function createDefaultWorker(): WorkerPort {
  return new Worker(new URL('../../workers/worker.ts', import.meta.url), {
    type: 'module',
  }) as unknown as WorkerPort;
}

interface Deferred<T> {
  resolve(value: T): void;
  reject(reason: unknown): void;
}

function deferred<T>(): Deferred<T> & { promise: Promise<T> } {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Callers that only use events must not see "unhandled rejection" noise.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

interface PendingLoad extends Deferred<ReadyEvent> {
  readonly requestId: string;
  readonly params: LoadParams;
  /** Set once this load is the WASM retry; a retry never retries again. */
  fallbackReason?: string;
}

interface PendingExtract extends Deferred<DoneEvent> {
  readonly requestId: string;
  readonly params: ExtractParams;
  /** True once re-run on WASM after a WebGPU failure (never re-run twice). */
  retried: boolean;
  /** Not yet sent because the worker is being restarted. */
  held: boolean;
  /** `performance.now()` when the request was made (for the stats of a forced stop). */
  readonly startedAt: number;
}

interface PendingSelftest extends Deferred<SelfTestResultEvent> {
  readonly requestId: string;
}

/** Which request kind an event belongs to. */
function kindOf(event: FromWorker): 'load' | 'extract' | 'selftest' {
  switch (event.type) {
    case 'load-progress':
    case 'ready':
      return 'load';
    case 'type-started':
    case 'type-partial':
    case 'type-done':
    case 'chunk-progress':
    case 'done':
      return 'extract';
    case 'selftest-result':
      return 'selftest';
    case 'error':
      return event.during === 'interrupt' ? 'extract' : event.during;
  }
}

/** The engine's error name for unusable requests (see workers/errors.ts): no retry, no restart. */
const INPUT_ERROR = 'InputError';

/** The client's own error name for a worker that died (`onerror`): the worker cannot say where. */
const WORKER_CRASHED = 'WorkerCrashed';

/**
 * Whether a failed request is worth a restart on WASM in a fresh worker.
 *
 * - `InputError`: never (the request itself is bad; it fails the same way anywhere).
 * - The error names its device (`ErrorEvent.device`): only `webgpu` — a failure on WASM (a missing
 *   file, a 404, out of memory) would fail the same way again.
 * - No device: the request failed before a device was chosen (an unusable source, or a model that
 *   needs WebGPU where there is none), so WASM cannot help either. The one exception is a worker
 *   crash, which the client reports itself and which carries no device: it is retried when the
 *   request may have been on WebGPU (a load that asked for `webgpu`/`auto`, or a model running there).
 */
export function shouldRetryOnWasm(
  error: WorkerError,
  device: Device | undefined,
  context: { requested: DevicePreference | undefined; loadedDevice: Device | undefined },
): boolean {
  if (error.name === INPUT_ERROR) return false;
  if (device !== undefined) return device === 'webgpu';
  if (error.name !== WORKER_CRASHED) return false;
  if (context.loadedDevice !== undefined) return context.loadedDevice === 'webgpu';
  return context.requested !== undefined && context.requested !== 'wasm';
}

const EMPTY_STATS = {
  prefillTokens: 0,
  decodeTokens: 0,
  prefillMs: 0,
  decodeMs: 0,
  ms: 0,
  chunks: 0,
} as const;

/**
 * Creates the client. The worker is created lazily, so constructing a client costs nothing.
 *
 * Fallback: a failed WebGPU session poisons its worker, so when a request fails *on WebGPU* the
 * client terminates the worker, starts a fresh one and loads the same model with `device: 'wasm'` and
 * `fallbackReason` (see {@link shouldRetryOnWasm} for what counts). An extraction that failed that
 * way is re-run on WASM under the same request id once the model is ready. It first emits a
 * `fallback` notice. Each request falls back at most once; after any other final error the worker
 * counts as poisoned and the next `load` starts a fresh one (and the loaded model is forgotten, so
 * the page reloads before the next extraction).
 */
export function createEngineClient(
  factory: WorkerFactory = createDefaultWorker,
  options: ClientOptions = {},
): EngineClient {
  const stopDeadlineMs = options.stopDeadlineMs ?? 5000;
  /** The forced-stop timer of the extraction `stopFor`, while a Stop waits for its `done`. */
  let stopTimer: ReturnType<typeof setTimeout> | null = null;
  let stopFor: PendingExtract | null = null;
  let worker: WorkerPort | null = null;
  let generation = 0;
  let counter = 0;
  let loadedModel: LoadedModelInfo | null = null;
  /** Set after a failure that may have broken the worker's session; the next load starts a fresh worker. */
  let poisoned = false;
  let lastLoad: LoadParams | null = null;
  let load: PendingLoad | null = null;
  let extract: PendingExtract | null = null;
  let selftest: PendingSelftest | null = null;
  /** The current load/extract/selftest ids; events of any other id are dropped. */
  const current = { load: '', extract: '', selftest: '' };
  const listeners = new Set<(event: ClientEvent) => void>();

  const nextId = (kind: string) => `${kind}-${++counter}`;

  function emit(event: ClientEvent): void {
    for (const listener of [...listeners]) listener(event);
  }

  function ensureWorker(): WorkerPort {
    if (worker) return worker;
    const created = factory();
    generation++;
    created.onmessage = (message) => {
      if (worker === created) handle(message.data);
    };
    created.onerror = (event) => {
      if (worker === created) crashed(event.message || 'The inference worker failed to start or crashed.');
    };
    worker = created;
    return created;
  }

  function post(message: ToWorker): void {
    ensureWorker().postMessage(message);
  }

  /** An uncaught worker error: report it as an error of whatever is pending. */
  function crashed(message: string): void {
    const error: WorkerError = { name: WORKER_CRASHED, message };
    if (load) handle({ type: 'error', requestId: load.requestId, error, during: 'load' });
    if (extract && !extract.held)
      handle({ type: 'error', requestId: extract.requestId, error, during: 'extract' });
    if (selftest) handle({ type: 'error', requestId: selftest.requestId, error, during: 'selftest' });
  }

  function restartOnWasm(reason: string, requestId: string, during: FallbackNotice['during']): void {
    const params = lastLoad;
    if (!params) return;
    worker?.terminate();
    worker = null;
    loadedModel = null;
    const previous = load;
    const retry: PendingLoad = {
      requestId: current.load || nextId('load'),
      params: { ...params, device: 'wasm' },
      fallbackReason: reason,
      resolve: previous?.resolve ?? (() => undefined),
      reject: previous?.reject ?? (() => undefined),
    };
    load = retry;
    current.load = retry.requestId;
    emit({ type: 'fallback', requestId, during, reason });
    post({
      type: 'load',
      requestId: retry.requestId,
      model: params.model,
      device: 'wasm',
      fallbackReason: reason,
    });
  }

  function handle(event: FromWorker): void {
    const kind = kindOf(event);
    if (event.requestId !== current[kind]) return; // stale: a newer request of this kind replaced it
    switch (event.type) {
      case 'load-progress':
      case 'type-started':
      case 'type-partial':
      case 'type-done':
      case 'chunk-progress':
        emit(event);
        return;
      case 'ready': {
        loadedModel = event.model;
        emit(event);
        const pending = load;
        load = null;
        pending?.resolve(event);
        if (extract?.held) {
          extract.held = false;
          post({ type: 'extract', requestId: extract.requestId, ...extract.params });
        }
        return;
      }
      case 'done': {
        emit(event);
        const pending = extract;
        extract = null;
        pending?.resolve(event);
        return;
      }
      case 'selftest-result': {
        emit(event);
        const pending = selftest;
        selftest = null;
        pending?.resolve(event);
        return;
      }
      case 'error':
        onError(event, kind);
        return;
    }
  }

  function onError(
    event: Extract<FromWorker, { type: 'error' }>,
    kind: 'load' | 'extract' | 'selftest',
  ): void {
    const reason = `${event.error.name}: ${event.error.message}`;
    const retry = shouldRetryOnWasm(event.error, event.device, {
      requested: kind === 'load' ? load?.params.device : undefined,
      loadedDevice: kind === 'load' ? undefined : loadedModel?.device,
    });
    // A bad request fails the same way anywhere and leaves the worker healthy; anything else may not.
    const inputError = event.error.name === INPUT_ERROR;
    if (kind === 'load' && load && retry && !load.fallbackReason) {
      restartOnWasm(reason, event.requestId, 'load');
      return;
    }
    if (kind === 'extract' && extract && retry && !extract.retried) {
      extract.retried = true;
      extract.held = true;
      restartOnWasm(reason, event.requestId, 'extract');
      return;
    }
    if (!inputError) {
      poisoned = true;
      loadedModel = null;
    }
    emit(event);
    const failure = new EngineRequestError(event.error, event.during);
    if (kind === 'load' && load) {
      const pending = load;
      load = null;
      pending.reject(failure);
      // The extraction waiting for this load cannot run any more.
      if (extract?.held) failHeldExtract(event.error);
    } else if (kind === 'extract' && extract) {
      const pending = extract;
      extract = null;
      pending.reject(failure);
    } else if (kind === 'selftest' && selftest) {
      const pending = selftest;
      selftest = null;
      pending.reject(failure);
      if (retry) restartOnWasm(reason, event.requestId, 'selftest');
    }
  }

  /** After a Stop: if the run has not ended by the deadline, terminate the worker and end it here. */
  function armStopDeadline(pending: PendingExtract): void {
    if (stopTimer !== null && stopFor === pending) return; // a second Stop does not extend the wait
    if (stopTimer !== null) clearTimeout(stopTimer);
    stopFor = pending;
    const pressed = performance.now();
    stopTimer = setTimeout(() => {
      stopTimer = null;
      stopFor = null;
      if (extract !== pending) return; // it ended (or was replaced) in time
      worker?.terminate();
      worker = null;
      loadedModel = null;
      poisoned = false;
      extract = null;
      // Requests queued behind the stuck run: a load goes to the fresh worker, a self-test fails.
      if (load) {
        post({
          type: 'load',
          requestId: load.requestId,
          model: load.params.model,
          device: load.params.device,
          ...(load.fallbackReason ? { fallbackReason: load.fallbackReason } : {}),
        });
      }
      if (selftest) {
        const test = selftest;
        selftest = null;
        test.reject(new SupersededError('The engine was restarted after a Stop that did not answer.'));
      }
      emit({ type: 'stop-timeout', requestId: pending.requestId, waitedMs: performance.now() - pressed });
      const done: DoneEvent = {
        type: 'done',
        requestId: pending.requestId,
        interrupted: true,
        stats: { ...EMPTY_STATS, ms: performance.now() - pending.startedAt },
      };
      emit(done);
      pending.resolve(done);
    }, stopDeadlineMs);
  }

  function failHeldExtract(error: WorkerError): void {
    if (!extract) return;
    const pending = extract;
    extract = null;
    emit({ type: 'error', requestId: pending.requestId, error, during: 'extract' });
    pending.reject(new EngineRequestError(error, 'extract'));
  }

  const client: EngineClient = {
    load(params) {
      load?.reject(new SupersededError('A newer load replaced this one.'));
      const requestId = nextId('load');
      const d = deferred<ReadyEvent>();
      load = { requestId, params, resolve: d.resolve, reject: d.reject };
      current.load = requestId;
      lastLoad = params;
      // Loading on WASM in a worker that holds a WebGPU session is fine; the reverse after a failure is not,
      // but a user choosing WebGPU again deserves a fresh attempt in a fresh worker.
      // A worker whose load or generate failed keeps failing: never reuse it.
      if (poisoned || (params.device !== 'wasm' && loadedModel?.device === 'wasm')) {
        worker?.terminate();
        worker = null;
        poisoned = false;
      }
      loadedModel = null;
      post({ type: 'load', requestId, model: params.model, device: params.device });
      return { requestId, promise: d.promise };
    },

    extract(params) {
      extract?.reject(new SupersededError('A newer extraction replaced this one.'));
      if (extract && !extract.held) post({ type: 'interrupt', requestId: extract.requestId });
      const requestId = nextId('extract');
      const d = deferred<DoneEvent>();
      // While a WASM restart is loading, hold the request until `ready`.
      const held = load?.fallbackReason !== undefined;
      extract = {
        requestId,
        params,
        retried: false,
        held,
        startedAt: performance.now(),
        resolve: d.resolve,
        reject: d.reject,
      };
      current.extract = requestId;
      if (!held) post({ type: 'extract', requestId, ...params });
      return { requestId, promise: d.promise };
    },

    interrupt() {
      if (!extract) return;
      if (extract.held) {
        // Never reached the worker: end it here, as the worker would.
        const pending = extract;
        extract = null;
        const done: DoneEvent = {
          type: 'done',
          requestId: pending.requestId,
          interrupted: true,
          stats: EMPTY_STATS,
        };
        emit(done);
        pending.resolve(done);
        return;
      }
      post({ type: 'interrupt', requestId: extract.requestId });
      armStopDeadline(extract);
    },

    selftest(prompt, maxNewTokens = 16) {
      selftest?.reject(new SupersededError('A newer self-test replaced this one.'));
      const requestId = nextId('selftest');
      const d = deferred<SelfTestResultEvent>();
      selftest = { requestId, resolve: d.resolve, reject: d.reject };
      current.selftest = requestId;
      post({ type: 'selftest', requestId, prompt, maxNewTokens });
      return { requestId, promise: d.promise };
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    on(type, listener) {
      return client.subscribe((event) => {
        if (event.type === type) listener(event as ClientEventOf<typeof type>);
      });
    },

    get loadedModel() {
      return loadedModel;
    },

    get workerGeneration() {
      return generation;
    },

    dispose() {
      if (stopTimer !== null) clearTimeout(stopTimer);
      stopTimer = null;
      worker?.terminate();
      worker = null;
      const gone = new SupersededError('The engine client was disposed.');
      load?.reject(gone);
      extract?.reject(gone);
      selftest?.reject(gone);
      load = null;
      extract = null;
      selftest = null;
      listeners.clear();
    },
  };
  return client;
}
