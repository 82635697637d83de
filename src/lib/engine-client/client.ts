/**
 * `createEngineClient`: the page's side of the worker boundary. It wires the parts together — the
 * worker ({@link WorkerLifecycle}), the requests ({@link RequestTracker}), the WebGPU → WASM fallback
 * and the Stop safety net — and routes each worker event of a current request to its subscribers and
 * its request's promise.
 */
import type {
  DoneEvent,
  FromWorker,
  ReadyEvent,
  SelfTestResultEvent,
  WorkerError,
} from '../../../workers/protocol';
import type { ClientCore } from './core';
import { EngineRequestError, SupersededError } from './errors';
import { deferred, kindOf, RequestTracker, type RequestKind } from './request-tracker';
import { EMPTY_STATS, StopSafetyNet } from './stop-safety-net';
import type { ClientEvent, ClientEventOf, ClientOptions, EngineClient, WorkerFactory } from './types';
import { INPUT_ERROR, restartOnWasm, shouldRetryOnWasm, WORKER_CRASHED } from './wasm-fallback';
import { createDefaultWorker, WorkerLifecycle } from './worker-lifecycle';

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
  const listeners = new Set<(event: ClientEvent) => void>();
  const requests = new RequestTracker();
  const worker = new WorkerLifecycle(factory, { onMessage: handle, onCrash: crashed });
  const core: ClientCore = { worker, requests, emit };
  const safetyNet = new StopSafetyNet(core, options);

  function emit(event: ClientEvent): void {
    for (const listener of [...listeners]) listener(event);
  }

  /** An uncaught worker error: report it as an error of whatever is pending. */
  function crashed(message: string): void {
    const error: WorkerError = { name: WORKER_CRASHED, message };
    // Read each slot only when its turn comes: handling one error may settle or replace the next.
    if (requests.load) handle({ type: 'error', requestId: requests.load.requestId, error, during: 'load' });
    if (requests.extract && !requests.extract.held)
      handle({ type: 'error', requestId: requests.extract.requestId, error, during: 'extract' });
    if (requests.selftest)
      handle({ type: 'error', requestId: requests.selftest.requestId, error, during: 'selftest' });
  }

  function handle(event: FromWorker): void {
    if (requests.isStale(event)) return; // a newer request of this kind replaced it
    switch (event.type) {
      case 'type-done': {
        const pending = requests.extract;
        if (pending?.requestId === event.requestId) {
          pending.seen.typesAnswered += 1;
          pending.seen.decodeTokens += event.decodeTokens;
        }
        emit(event);
        return;
      }
      case 'load-progress':
      case 'type-started':
      case 'type-partial':
      case 'chunk-progress':
        emit(event);
        return;
      case 'ready': {
        worker.loadedModel = event.model;
        emit(event);
        const pending = requests.load;
        requests.load = null;
        pending?.resolve(event);
        const extract = requests.extract;
        if (extract?.held) {
          extract.held = false;
          worker.post({ type: 'extract', requestId: extract.requestId, ...extract.params });
        }
        return;
      }
      case 'done': {
        emit(event);
        const pending = requests.extract;
        requests.extract = null;
        pending?.resolve(event);
        return;
      }
      case 'selftest-result': {
        emit(event);
        const pending = requests.selftest;
        requests.selftest = null;
        pending?.resolve(event);
        return;
      }
      case 'error':
        onError(event, kindOf(event));
        return;
    }
  }

  function onError(event: Extract<FromWorker, { type: 'error' }>, kind: RequestKind): void {
    const reason = `${event.error.name}: ${event.error.message}`;
    const retry = shouldRetryOnWasm(event.error, event.device, {
      requested: kind === 'load' ? requests.load?.params.device : undefined,
      loadedDevice: kind === 'load' ? undefined : worker.loadedModel?.device,
    });
    // A bad request fails the same way anywhere and leaves the worker healthy; anything else may not.
    const inputError = event.error.name === INPUT_ERROR;
    if (kind === 'load' && requests.load && retry && !requests.load.fallbackReason) {
      restartOnWasm(core, reason, event.requestId, 'load');
      return;
    }
    const extract = requests.extract;
    if (kind === 'extract' && extract && retry && !extract.retried) {
      extract.retried = true;
      extract.held = true;
      extract.seen = { typesAnswered: 0, decodeTokens: 0 };
      restartOnWasm(core, reason, event.requestId, 'extract');
      return;
    }
    if (!inputError) {
      worker.poisoned = true;
      worker.loadedModel = null;
    }
    emit(event);
    const failure = new EngineRequestError(event.error, event.during);
    if (kind === 'load' && requests.load) {
      const pending = requests.load;
      requests.load = null;
      pending.reject(failure);
      // The extraction waiting for this load cannot run any more.
      if (requests.extract?.held) failHeldExtract(event.error);
    } else if (kind === 'extract' && requests.extract) {
      const pending = requests.extract;
      requests.extract = null;
      pending.reject(failure);
    } else if (kind === 'selftest' && requests.selftest) {
      const pending = requests.selftest;
      requests.selftest = null;
      pending.reject(failure);
      if (retry) restartOnWasm(core, reason, event.requestId, 'selftest');
    }
  }

  function failHeldExtract(error: WorkerError): void {
    const pending = requests.extract;
    if (!pending) return;
    requests.extract = null;
    emit({ type: 'error', requestId: pending.requestId, error, during: 'extract' });
    pending.reject(new EngineRequestError(error, 'extract'));
  }

  const client: EngineClient = {
    load(params) {
      requests.load?.reject(new SupersededError('A newer load replaced this one.'));
      const requestId = requests.nextId('load');
      const d = deferred<ReadyEvent>();
      requests.load = { requestId, params, resolve: d.resolve, reject: d.reject };
      requests.current.load = requestId;
      requests.lastLoad = params;
      // Loading on WASM in a worker that holds a WebGPU session is fine; the reverse after a failure is not,
      // but a user choosing WebGPU again deserves a fresh attempt in a fresh worker.
      // A worker whose load or generate failed keeps failing: never reuse it.
      if (worker.poisoned || (params.device !== 'wasm' && worker.loadedModel?.device === 'wasm')) {
        worker.terminate();
        worker.poisoned = false;
      }
      worker.loadedModel = null;
      worker.post({ type: 'load', requestId, model: params.model, device: params.device });
      return { requestId, promise: d.promise };
    },

    extract(params) {
      const previous = requests.extract;
      previous?.reject(new SupersededError('A newer extraction replaced this one.'));
      if (previous && !previous.held) worker.post({ type: 'interrupt', requestId: previous.requestId });
      const requestId = requests.nextId('extract');
      const d = deferred<DoneEvent>();
      // While a WASM restart is loading, hold the request until `ready`.
      const held = requests.load?.fallbackReason !== undefined;
      requests.extract = {
        requestId,
        params,
        retried: false,
        held,
        startedAt: performance.now(),
        seen: { typesAnswered: 0, decodeTokens: 0 },
        resolve: d.resolve,
        reject: d.reject,
      };
      requests.current.extract = requestId;
      if (!held) worker.post({ type: 'extract', requestId, ...params });
      return { requestId, promise: d.promise };
    },

    interrupt() {
      const pending = requests.extract;
      if (!pending) return;
      if (pending.held) {
        // Never reached the worker: end it here, as the worker would.
        requests.extract = null;
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
      worker.post({ type: 'interrupt', requestId: pending.requestId });
      safetyNet.arm(pending);
    },

    selftest(prompt, maxNewTokens = 16) {
      requests.selftest?.reject(new SupersededError('A newer self-test replaced this one.'));
      const requestId = requests.nextId('selftest');
      const d = deferred<SelfTestResultEvent>();
      requests.selftest = { requestId, resolve: d.resolve, reject: d.reject };
      requests.current.selftest = requestId;
      worker.post({ type: 'selftest', requestId, prompt, maxNewTokens });
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
      return worker.loadedModel;
    },

    get workerGeneration() {
      return worker.generation;
    },

    dispose() {
      safetyNet.cancel();
      worker.terminate();
      requests.rejectAll(new SupersededError('The engine client was disposed.'));
      listeners.clear();
    },
  };
  return client;
}
