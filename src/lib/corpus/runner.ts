/**
 * The page's corpus run: the shared runner (`workers/corpus/corpus-runner.ts`, the same one the CLI
 * uses) over the page's worker engine, with documents read from IndexedDB and each document's spans
 * written back in one transaction when its request finishes. Stop interrupts the current request;
 * that document goes back to `pending` and runs again from the start next time, while finished ones
 * stay done. This file only decides the page's side: which documents to run, and what to store.
 */
import { CorpusRun } from '../../../workers/corpus/corpus-runner';
import { ThroughputEstimate } from '../../../workers/corpus/throughput';
import type { Engine } from '../../../workers/engine';
import type { ExtractOptions, WorkerError } from '../../../workers/protocol';
import type { CorpusDb, DocumentSummary, StoredDocument } from './db';

/** The part of an engine a run uses (the page passes its worker engine; tests a client over a fake worker). */
export type CorpusRunEngine = Pick<Engine, 'extract' | 'interrupt'>;

/** Statuses a run picks up: never run, run for another type list, or failed last time. */
const TO_RUN = new Set(['pending', 'stale', 'failed']);

/** Where a run stands (sent after every change). */
export interface CorpusRunProgress {
  /** Documents of this run finished (done or failed). */
  readonly finished: number;
  /** Documents this run set out to do. */
  readonly total: number;
  /** The document being run now, or null between documents. */
  readonly currentId: string | null;
  /** Types answered of the current document. */
  readonly currentTypesDone: number;
  /** Chunks of the current document (long documents), when the engine reported them. */
  readonly currentChunks: { readonly done: number; readonly total: number } | null;
  /** Throughput of this run, smoothed (workers/corpus/throughput.ts); null before the first document finished. */
  readonly docsPerMinute: number | null;
  /** Estimated time left, smoothed; null until the rate has settled (a few documents). */
  readonly etaMs: number | null;
  /** Time since the run started (for "Finished N documents in T"). */
  readonly elapsedMs: number;
}

/** How a run ended. */
export type CorpusRunOutcome =
  | { readonly outcome: 'finished' }
  | { readonly outcome: 'stopped' }
  | { readonly outcome: 'error'; readonly error: WorkerError };

/** What one run needs. */
export interface CorpusRunParams {
  readonly types: readonly string[];
  readonly options: ExtractOptions;
  /** The loaded model's source, stored on every model span. */
  readonly model: string;
  /** Called before each document: loads the model when needed; false ends the run (the error is the caller's). */
  readonly prepare?: () => Promise<boolean>;
  /** A document's stored state changed (running, done, failed, back to pending). */
  readonly onDocument?: (summary: DocumentSummary) => void;
  readonly onProgress?: (progress: CorpusRunProgress) => void;
  /** Clock (tests). */
  readonly now?: () => number;
}

/** Runs documents one at a time; one runner per page. */
export class CorpusRunner {
  private current: CorpusRun<StoredDocument> | null = null;
  private active = false;

  constructor(
    private readonly db: CorpusDb,
    private readonly engine: CorpusRunEngine,
  ) {}

  /** True while a run is in progress. */
  get running(): boolean {
    return this.active;
  }

  /** Ends the run: interrupts the current document (it restarts next time); finished ones are kept. */
  stop(): void {
    this.current?.stop();
  }

  /** Runs the current types over every document not yet run for them. Resolves when the run ends. */
  async run(params: CorpusRunParams): Promise<CorpusRunOutcome> {
    if (this.active) throw new Error('A corpus run is already in progress.');
    this.active = true;
    try {
      return await this.runQueue(params);
    } finally {
      this.active = false;
      this.current = null;
    }
  }

  private async runQueue(params: CorpusRunParams): Promise<CorpusRunOutcome> {
    const { db } = this;
    const now = params.now ?? (() => performance.now());
    const queue = (await db.listDocuments()).filter((doc) => TO_RUN.has(doc.status)).map((d) => d.id);
    // The same smoothing as the CLI's bar: a time left that does not jump between documents of very
    // different cost, shown once the rate has settled.
    const throughput = new ThroughputEstimate();
    const started = now();
    throughput.start(started);
    let recorded = 0;
    const tell = (summary: DocumentSummary | undefined) => {
      if (summary) params.onDocument?.(summary);
    };
    const run: CorpusRun<StoredDocument> = new CorpusRun<StoredDocument>({
      engine: this.engine,
      documents: (async function* () {
        for (const id of queue) {
          const document = await db.getDocument(id);
          if (document) yield document; // else deleted while queued
        }
      })(),
      types: params.types,
      options: params.options,
      model: params.model,
      hooks: {
        begin: async (document) => {
          if (params.prepare && !(await params.prepare())) {
            run.stop();
            return false;
          }
          tell(await db.setStatus(document.id, 'running'));
        },
        done: async (document, spans) => tell(await db.writeResults(document.id, params.types, spans)),
        failed: async (document, error) => tell(await db.setStatus(document.id, 'failed', error.message)),
        stopped: async (document) => tell(await db.setStatus(document.id, 'pending')),
      },
      onProgress: (progress) => {
        const finished = progress.done + progress.failed;
        if (finished > recorded) throughput.record(now(), finished - recorded);
        recorded = finished;
        const current = progress.running[0] ?? null;
        params.onProgress?.({
          finished,
          total: queue.length,
          currentId: current?.id ?? null,
          currentTypesDone: current?.typesDone ?? 0,
          currentChunks: current?.chunks ?? null,
          docsPerMinute: throughput.perMinute(),
          etaMs: throughput.etaMs(queue.length - finished),
          elapsedMs: now() - started,
        });
      },
    });
    this.current = run;
    const result = await run.run();
    if (result.outcome === 'error') return { outcome: 'error', error: result.error };
    return result;
  }
}
