/**
 * Why a request's promise rejects: replaced by a newer request of its kind, or failed in the worker.
 * Separate classes so callers can tell an expected supersession from a real failure (`instanceof`).
 */
import type { ToWorker, WorkerError } from '../../../workers/protocol';

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
