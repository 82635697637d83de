/**
 * The WebGPU → WASM fallback: which failures deserve a restart on WASM, and the restart itself.
 * A failed WebGPU session poisons its worker, so the client terminates it, starts a fresh one and
 * reloads the same model with `device: 'wasm'` and `fallbackReason`, telling subscribers with a
 * `fallback` notice first. The failed request keeps its promise: the retry settles it.
 */
import type { Device, DevicePreference, WorkerError } from '../../../workers/protocol';
import type { ClientCore } from './core';
import type { PendingLoad } from './request-tracker';
import type { FallbackNotice } from './types';

/** The engine's error name for unusable requests (see workers/errors.ts): no retry, no restart. */
export const INPUT_ERROR = 'InputError';

/** The client's own error name for a worker that died (`onerror`): the worker cannot say where. */
export const WORKER_CRASHED = 'WorkerCrashed';

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

/**
 * Restarts the worker and reloads the last model on WASM. The retry load takes over the pending
 * load's promise (if any) and id; `requestId` and `during` name the request that failed.
 * Does nothing when no model was ever requested.
 */
export function restartOnWasm(
  core: ClientCore,
  reason: string,
  requestId: string,
  during: FallbackNotice['during'],
): void {
  const { worker, requests } = core;
  const params = requests.lastLoad;
  if (!params) return;
  worker.terminate();
  worker.loadedModel = null;
  const previous = requests.load;
  const retry: PendingLoad = {
    requestId: requests.current.load || requests.nextId('load'),
    params: { ...params, device: 'wasm' },
    fallbackReason: reason,
    resolve: previous?.resolve ?? (() => undefined),
    reject: previous?.reject ?? (() => undefined),
  };
  requests.load = retry;
  requests.current.load = retry.requestId;
  core.emit({ type: 'fallback', requestId, during, reason });
  worker.post({
    type: 'load',
    requestId: retry.requestId,
    model: params.model,
    device: 'wasm',
    fallbackReason: reason,
  });
}
