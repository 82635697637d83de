/**
 * Request bookkeeping: numbers requests (`load-1`, `extract-2`, …), remembers the one current
 * request of each kind with the promise it owes its caller, and tells which worker events are stale.
 * At most one load, one extraction and one self-test are current; a newer one of a kind replaces the
 * older, whose late events must not reach the page.
 */
import type { DoneEvent, FromWorker, ReadyEvent, SelfTestResultEvent } from '../../../workers/protocol';
import type { ExtractParams, LoadParams } from './types';

export interface Deferred<T> {
  resolve(value: T): void;
  reject(reason: unknown): void;
}

/** A promise with its settle functions exposed. */
export function deferred<T>(): Deferred<T> & { promise: Promise<T> } {
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

export interface PendingLoad extends Deferred<ReadyEvent> {
  readonly requestId: string;
  readonly params: LoadParams;
  /** Set once this load is the WASM retry; a retry never retries again. */
  fallbackReason?: string;
}

export interface PendingExtract extends Deferred<DoneEvent> {
  readonly requestId: string;
  readonly params: ExtractParams;
  /** True once re-run on WASM after a WebGPU failure (never re-run twice). */
  retried: boolean;
  /** Not yet sent because the worker is being restarted. */
  held: boolean;
  /** `performance.now()` when the request was made (for the stats of a forced stop). */
  readonly startedAt: number;
  /**
   * What the page has seen of the run so far (types answered, their generated tokens), so that a
   * forced stop reports what the run had done instead of zeros. Reset when the run is re-run on WASM.
   */
  seen: { typesAnswered: number; decodeTokens: number };
}

export interface PendingSelftest extends Deferred<SelfTestResultEvent> {
  readonly requestId: string;
}

export type RequestKind = 'load' | 'extract' | 'selftest';

/** Which request kind an event belongs to. */
export function kindOf(event: FromWorker): RequestKind {
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

export class RequestTracker {
  /** The pending request of each kind (null once it settled). */
  load: PendingLoad | null = null;
  extract: PendingExtract | null = null;
  selftest: PendingSelftest | null = null;
  /** The params of the last `load` call: what a WASM restart reloads. */
  lastLoad: LoadParams | null = null;
  /** The current load/extract/selftest ids; events of any other id are dropped. */
  readonly current: Record<RequestKind, string> = { load: '', extract: '', selftest: '' };
  private counter = 0;

  /** A fresh request id, unique within this client. */
  nextId(kind: string): string {
    return `${kind}-${++this.counter}`;
  }

  /** True when a newer request of the event's kind replaced the one it belongs to. */
  isStale(event: FromWorker): boolean {
    return event.requestId !== this.current[kindOf(event)];
  }

  /** Rejects every pending request with `reason` and forgets them. */
  rejectAll(reason: unknown): void {
    this.load?.reject(reason);
    this.extract?.reject(reason);
    this.selftest?.reject(reason);
    this.load = null;
    this.extract = null;
    this.selftest = null;
  }
}
