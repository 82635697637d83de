/**
 * The engine's named errors.
 *
 * Every error the engine throws on purpose is one of these classes, so callers can branch on `name`
 * (which, unlike the class, survives `postMessage`: see {@link toWorkerError}). Each message says
 * what went wrong *and what to do next*, because it is shown to the person as is.
 *
 * To add an error: add its name to {@link EngineErrorName}, add a class below with a TSDoc saying
 * when it is thrown, and keep the message actionable.
 */

import type { WorkerError } from './protocol';

/** The `name` of every engine error; the page switches on these after structured clone. */
export type EngineErrorName = 'InputError' | 'ModelLoadError' | 'DeviceError' | 'ServerError';

/** Base class of the engine's errors. Not thrown itself. */
export abstract class EngineError extends Error {
  abstract override readonly name: EngineErrorName;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * The request itself is unusable: an empty passage, an empty or overlong entity type, too many
 * types, an impossible token budget. Retrying the same request will fail the same way; the person
 * has to change the input.
 */
export class InputError extends EngineError {
  override readonly name = 'InputError' as const;
}

/**
 * A model could not be loaded: a missing or unreadable file, an unsupported architecture or dtype,
 * not enough memory. The message names the model and the file where known.
 */
export class ModelLoadError extends EngineError {
  override readonly name = 'ModelLoadError' as const;
}

/**
 * The compute device failed or is unavailable (no WebGPU adapter, a lost device, an out-of-memory
 * during inference). The client answers this by retrying on WASM in a fresh worker.
 */
export class DeviceError extends EngineError {
  override readonly name = 'DeviceError' as const;
}

/**
 * An inference server (the server engine, `workers/server-engine/`) could not be used: it is
 * unreachable, it kept failing after the bounded retries (429, 5xx, timeouts), it refused the request
 * (a wrong key, an unknown model), or it answered something that is not the OpenAI-compatible API.
 * The message names the URL (never the key) and what to check. A run stops on it; what finished is kept.
 */
export class ServerError extends EngineError {
  override readonly name = 'ServerError' as const;
}

/**
 * A plain `{ name, message }` for the `error` event. Engine errors keep their name; anything else is
 * reported as the `name` it carries (`TypeError`, …) or `Error`, with its message or its string form.
 */
export function toWorkerError(value: unknown): WorkerError {
  if (value instanceof Error) return { name: value.name || 'Error', message: value.message };
  return { name: 'Error', message: typeof value === 'string' ? value : String(value) };
}
