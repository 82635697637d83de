/**
 * The page's side of the worker boundary: owns the inference worker, numbers requests, drops stale
 * events, recovers from WebGPU failures by restarting on WASM, and ends a Stop the worker does not
 * answer. This file is the public API; the jobs live in their own modules:
 *
 * - `client.ts`           `createEngineClient`: wires the parts and routes worker events
 * - `worker-lifecycle.ts` the worker itself: lazy start, restart, what it has loaded
 * - `request-tracker.ts`  request ids, the current request of each kind, stale events, promises
 * - `wasm-fallback.ts`    when and how a WebGPU failure restarts the worker on WASM
 * - `stop-safety-net.ts`  a Stop unanswered within 5 s terminates the worker
 * - `types.ts`, `errors.ts`, `core.ts`  public types, rejection reasons, shared state
 *
 * Only *types* come from the protocol (the engine itself must stay out of the main bundle).
 */
export { createEngineClient } from './client';
export { EngineRequestError, SupersededError } from './errors';
export type {
  ClientEvent,
  ClientEventOf,
  ClientOptions,
  EngineClient,
  ExtractParams,
  FallbackNotice,
  LoadParams,
  StopTimeoutNotice,
  WorkerFactory,
  WorkerPort,
} from './types';
export { shouldRetryOnWasm } from './wasm-fallback';
export { createDefaultWorker } from './worker-lifecycle';
