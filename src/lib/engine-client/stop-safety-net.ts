/**
 * The Stop safety net: after a Stop, the worker has {@link ClientOptions.stopDeadlineMs} (5 s by
 * default) to end the run with its `done`. A worker that does not answer is stuck, and a Stop that
 * does nothing is worse than reloading the model, so the client terminates it, ends the run itself
 * (`stop-timeout` notice, then `done` with `interrupted: true`) and moves any queued load to a fresh
 * worker.
 */
import type { DoneEvent } from '../../../workers/protocol';
import type { ClientCore } from './core';
import { SupersededError } from './errors';
import type { PendingExtract } from './request-tracker';
import type { ClientOptions } from './types';

/** The stats of a run the client ends itself (it never saw the worker's). */
export const EMPTY_STATS = {
  prefillTokens: 0,
  decodeTokens: 0,
  prefillMs: 0,
  decodeMs: 0,
  ms: 0,
  chunks: 0,
} as const;

/** Default of {@link ClientOptions.stopDeadlineMs}. */
export const DEFAULT_STOP_DEADLINE_MS = 5000;

export class StopSafetyNet {
  /** The forced-stop timer of the extraction `stopFor`, while a Stop waits for its `done`. */
  private stopTimer: ReturnType<typeof setTimeout> | null = null;
  private stopFor: PendingExtract | null = null;
  private readonly core: ClientCore;
  private readonly deadlineMs: number;

  constructor(core: ClientCore, options: ClientOptions) {
    this.core = core;
    this.deadlineMs = options.stopDeadlineMs ?? DEFAULT_STOP_DEADLINE_MS;
  }

  /** After a Stop: if the run has not ended by the deadline, terminate the worker and end it here. */
  arm(pending: PendingExtract): void {
    if (this.stopTimer !== null && this.stopFor === pending) return; // a second Stop does not extend the wait
    if (this.stopTimer !== null) clearTimeout(this.stopTimer);
    this.stopFor = pending;
    const pressed = performance.now();
    this.stopTimer = setTimeout(() => {
      this.stopTimer = null;
      this.stopFor = null;
      if (this.core.requests.extract !== pending) return; // it ended (or was replaced) in time
      forceStop(this.core, pending, pressed);
    }, this.deadlineMs);
  }

  /** Cancels a waiting deadline (the client is being disposed). */
  cancel(): void {
    if (this.stopTimer !== null) clearTimeout(this.stopTimer);
    this.stopTimer = null;
  }
}

/** Terminates the stuck worker and ends the run `pending` (Stop pressed at `pressed`) on the page's side. */
function forceStop(core: ClientCore, pending: PendingExtract, pressed: number): void {
  const { worker, requests } = core;
  worker.terminate();
  worker.loadedModel = null;
  worker.poisoned = false;
  requests.extract = null;
  // Requests queued behind the stuck run: a load goes to the fresh worker, a self-test fails.
  const load = requests.load;
  if (load) {
    worker.post({
      type: 'load',
      requestId: load.requestId,
      model: load.params.model,
      device: load.params.device,
      ...(load.fallbackReason ? { fallbackReason: load.fallbackReason } : {}),
    });
  }
  if (requests.selftest) {
    const test = requests.selftest;
    requests.selftest = null;
    test.reject(new SupersededError('The engine was restarted after a Stop that did not answer.'));
  }
  core.emit({
    type: 'stop-timeout',
    requestId: pending.requestId,
    waitedMs: performance.now() - pressed,
    typesAnswered: pending.seen.typesAnswered,
  });
  // The worker's own counts died with it: report what the page saw (answered types' tokens).
  const done: DoneEvent = {
    type: 'done',
    requestId: pending.requestId,
    interrupted: true,
    stats: {
      ...EMPTY_STATS,
      decodeTokens: pending.seen.decodeTokens,
      ms: performance.now() - pending.startedAt,
      forcedStop: true,
    },
  };
  core.emit(done);
  pending.resolve(done);
}
