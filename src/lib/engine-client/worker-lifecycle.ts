/**
 * The one inference worker and what it holds: created lazily on the first message, replaced by a
 * fresh one after a restart, and the facts that decide when a restart is due (the model it has
 * loaded, and whether a failure may have broken its session). Messages and crashes of a worker that
 * was already replaced are ignored here, so the rest of the client only ever hears the current one.
 */
import type { FromWorker, LocalModelInfo, ToWorker } from '../../../workers/protocol';
import type { WorkerFactory, WorkerPort } from './types';

/** The production factory: the engine's module worker, bundled separately by Vite. */
export function createDefaultWorker(): WorkerPort {
  return new Worker(new URL('../../../workers/worker.ts', import.meta.url), {
    type: 'module',
  }) as unknown as WorkerPort;
}

/** Where the current worker's messages and crashes go. */
export interface WorkerHandlers {
  onMessage(event: FromWorker): void;
  /** An uncaught error in the worker (`onerror`), with a message fit to show. */
  onCrash(message: string): void;
}

export class WorkerLifecycle {
  /** The model of the last `ready` in the current worker, or null. */
  loadedModel: LocalModelInfo | null = null;
  /** Set after a failure that may have broken the worker's session; the next load starts a fresh worker. */
  poisoned = false;
  private worker: WorkerPort | null = null;
  private created = 0;
  private readonly factory: WorkerFactory;
  private readonly handlers: WorkerHandlers;

  constructor(factory: WorkerFactory, handlers: WorkerHandlers) {
    this.factory = factory;
    this.handlers = handlers;
  }

  /** Number of workers created so far. */
  get generation(): number {
    return this.created;
  }

  /** Sends a message, starting a worker first when there is none. */
  post(message: ToWorker): void {
    this.ensureWorker().postMessage(message);
  }

  /** Terminates the current worker (if any); the next `post` starts a fresh one. */
  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  private ensureWorker(): WorkerPort {
    if (this.worker) return this.worker;
    const created = this.factory();
    this.created++;
    created.onmessage = (message) => {
      if (this.worker === created) this.handlers.onMessage(message.data);
    };
    created.onerror = (event) => {
      if (this.worker === created)
        this.handlers.onCrash(event.message || 'The inference worker failed to start or crashed.');
    };
    this.worker = created;
    return created;
  }
}
