/**
 * What the parts of one client share: its worker, its requests and a way to tell subscribers.
 * The WASM fallback and the Stop safety net act on all three, so they take this instead of the client.
 */
import type { RequestTracker } from './request-tracker';
import type { ClientEvent } from './types';
import type { WorkerLifecycle } from './worker-lifecycle';

export interface ClientCore {
  readonly worker: WorkerLifecycle;
  readonly requests: RequestTracker;
  emit(event: ClientEvent): void;
}
