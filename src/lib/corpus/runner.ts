/**
 * The corpus run: a queue on the page side that sends one ordinary `extract` request per document
 * through the engine client (so prefix reuse, chunking of long documents, the constraint and scores are
 * exactly those of a single passage), and stores each document's spans in one transaction when its
 * request finishes. Stop interrupts the current request; that document goes back to `pending` and is
 * run again from the start next time, while finished ones stay done.
 */
import { modelSpansFromEntities, type CorpusSpan } from '../../../workers/corpus/document';
import type { ExtractOptions, WorkerError } from '../../../workers/protocol';
import { SupersededError, type EngineClient } from '../engine-client';
import type { CorpusDb, DocumentSummary } from './db';

/** The part of the engine client a run uses (tests pass a client over a fake worker). */
export type CorpusRunEngine = Pick<EngineClient, 'extract' | 'interrupt' | 'on'>;

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
  /** Throughput of this run so far; null before the first document finished. */
  readonly docsPerMinute: number | null;
  /** Estimated time left; null before the first document finished. */
  readonly etaMs: number | null;
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

function plainError(error: unknown): WorkerError {
  if (error && typeof error === 'object' && 'workerError' in error)
    return (error as { workerError: WorkerError }).workerError;
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** Runs documents one at a time; one runner per page. */
export class CorpusRunner {
  private stopRequested = false;
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
    if (!this.active) return;
    this.stopRequested = true;
    this.engine.interrupt();
  }

  /** Runs the current types over every document not yet run for them. Resolves when the run ends. */
  async run(params: CorpusRunParams): Promise<CorpusRunOutcome> {
    if (this.active) throw new Error('A corpus run is already in progress.');
    this.active = true;
    this.stopRequested = false;
    try {
      return await this.runQueue(params);
    } finally {
      this.active = false;
    }
  }

  private async runQueue(params: CorpusRunParams): Promise<CorpusRunOutcome> {
    const now = params.now ?? (() => performance.now());
    const queue = (await this.db.listDocuments()).filter((doc) => TO_RUN.has(doc.status)).map((d) => d.id);
    const started = now();
    let finished = 0;
    const progress = (
      currentId: string | null,
      typesDone = 0,
      chunks: CorpusRunProgress['currentChunks'] = null,
    ) => {
      const elapsed = now() - started;
      const rate = finished > 0 && elapsed > 0 ? (finished / elapsed) * 60_000 : null;
      params.onProgress?.({
        finished,
        total: queue.length,
        currentId,
        currentTypesDone: typesDone,
        currentChunks: chunks,
        docsPerMinute: rate,
        etaMs: rate ? ((queue.length - finished) / rate) * 60_000 : null,
      });
    };
    progress(null);
    for (const id of queue) {
      if (this.stopRequested) return { outcome: 'stopped' };
      if (params.prepare && !(await params.prepare())) return { outcome: 'stopped' };
      if (this.stopRequested) return { outcome: 'stopped' };
      const document = await this.db.getDocument(id);
      if (!document) continue; // deleted while queued
      const running = await this.db.setStatus(id, 'running');
      if (running) params.onDocument?.(running);
      const ended = await this.runDocument(id, document.text, params, (typesDone, chunks) =>
        progress(id, typesDone, chunks),
      );
      if (ended.outcome === 'done') finished++;
      else if (ended.outcome === 'failed') finished++;
      if (ended.summary) params.onDocument?.(ended.summary);
      progress(null);
      if (ended.outcome === 'stopped') return { outcome: 'stopped' };
      if (ended.outcome === 'failed' && ended.fatal) return { outcome: 'error', error: ended.error };
    }
    return { outcome: 'finished' };
  }

  /** One document: one extract request; its spans are written in one transaction when it finishes. */
  private async runDocument(
    id: string,
    text: string,
    params: CorpusRunParams,
    onStep: (typesDone: number, chunks: CorpusRunProgress['currentChunks']) => void,
  ): Promise<
    | { outcome: 'done' | 'stopped'; summary: DocumentSummary | undefined }
    | { outcome: 'failed'; summary: DocumentSummary | undefined; error: WorkerError; fatal: boolean }
  > {
    const spans: CorpusSpan[] = [];
    let typesDone = 0;
    let chunks: CorpusRunProgress['currentChunks'] = null;
    let requestId = '';
    const offDone = this.engine.on('type-done', (event) => {
      if (event.requestId !== requestId) return;
      spans.push(...modelSpansFromEntities(event.entityType, event.entities, params.model));
      onStep(++typesDone, chunks);
    });
    const offChunk = this.engine.on('chunk-progress', (event) => {
      if (event.requestId !== requestId) return;
      chunks = { done: event.done, total: event.total };
      onStep(typesDone, chunks);
    });
    try {
      const request = this.engine.extract({
        passage: text,
        entityTypes: params.types,
        options: params.options,
      });
      requestId = request.requestId;
      const done = await request.promise;
      if (done.interrupted || this.stopRequested) {
        return { outcome: 'stopped', summary: await this.db.setStatus(id, 'pending') };
      }
      return { outcome: 'done', summary: await this.db.writeResults(id, params.types, spans) };
    } catch (error) {
      // Another request (an Extract of the editor's passage) replaced this one: not the document's fault.
      if (error instanceof SupersededError) {
        this.stopRequested = true;
        return { outcome: 'stopped', summary: await this.db.setStatus(id, 'pending') };
      }
      const plain = plainError(error);
      // A bad input fails this document only; anything else may have broken the engine: end the run.
      const fatal = plain.name !== 'InputError';
      return {
        outcome: 'failed',
        summary: await this.db.setStatus(id, 'failed', plain.message),
        error: plain,
        fatal,
      };
    } finally {
      offDone();
      offChunk();
    }
  }
}
