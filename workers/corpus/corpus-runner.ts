/**
 * The one corpus runner: every document of a corpus is one ordinary extraction through an
 * {@link Engine} (the page's worker, Node, or an inference server), so prefix reuse, chunking, the
 * constraint and scores are those of a single passage. The page (documents from IndexedDB, results
 * written back there) and the CLI (documents streamed from files, results appended to a file) differ
 * only in where documents come from and where results go: the hooks.
 *
 * The rules, in one place:
 * - Results reach the hooks in input order, also with several documents in flight (a server engine),
 *   so an output file is the same whatever the concurrency, and a resume sees a prefix of the input.
 * - An `InputError` fails that document only (its `failed` hook runs) and the run goes on; any other
 *   engine error may mean the engine is broken: the run ends with it, and documents still in flight
 *   are finished (kept when complete) or handed back through `stopped`.
 * - A hook that throws (an output that cannot be written: a full disk, a closed database) ends the run
 *   at once with that error: results that cannot be kept are not worth computing.
 * - `stop()` interrupts the engine; an interrupted document goes to `stopped` (it runs again next
 *   time, from the start); documents that finished are kept. An interruption the runner did not ask
 *   for (another request replaced this one) ends the run the same way.
 *
 * Pure: no DOM, no Node, no engine code (only its types), so the page and the CLI share it.
 */
import type { Engine, EngineError, EngineEvent } from '../engine';
import { engineErrorOf } from '../engine';
import type { ExtractOptions } from '../protocol';
import { compareSpans, modelSpansFromEntities, type CorpusSpan } from './document';

/** What the runner needs of a document (the page and the CLI pass their own richer records). */
export interface RunnerDocument {
  readonly id: string;
  /** For notes ("news.jsonl · row 3: malformed answer…"). */
  readonly name: string;
  readonly text: string;
}

/** Where documents' outcomes go, called in input order. A throw from any hook ends the run. */
export interface CorpusRunHooks<D extends RunnerDocument> {
  /** Just before the document's request is sent (the page marks it `running`). False skips it. */
  begin?(document: D): Promise<boolean | void>;
  /** Every type was answered: keep the spans (sorted by position, then label). */
  done(document: D, spans: readonly CorpusSpan[]): Promise<void>;
  /** The engine refused or failed this document. */
  failed(document: D, error: EngineError): Promise<void>;
  /** The document was interrupted before it finished (stop, or the run ended on another error). */
  stopped?(document: D): Promise<void>;
}

/** One document in flight. */
export interface RunningDocument {
  readonly id: string;
  /** Entity types answered so far. */
  readonly typesDone: number;
  /** Chunks of a long document, when the engine reported them. */
  readonly chunks: { readonly done: number; readonly total: number } | null;
}

/** Where a run stands; sent after every change. */
export interface CorpusRunnerProgress {
  /** Documents whose outcome reached the hooks as done. */
  readonly done: number;
  /** Documents whose outcome reached the hooks as failed. */
  readonly failed: number;
  /** Documents started and not yet handed to a hook, oldest first. */
  readonly running: readonly RunningDocument[];
}

/** How a run ended. `during: 'output'` means a hook threw (the results could not be kept). */
export type CorpusRunResult =
  | { readonly outcome: 'finished' }
  | { readonly outcome: 'stopped' }
  | { readonly outcome: 'error'; readonly error: EngineError; readonly during: 'engine' | 'output' };

/** What one run needs. */
export interface CorpusRunParams<D extends RunnerDocument> {
  readonly engine: Pick<Engine, 'extract' | 'interrupt' | 'concurrency'>;
  /** The documents to run, in order (a stream: a 100,000-document file never sits in memory). */
  readonly documents: AsyncIterable<D> | Iterable<D>;
  readonly types: readonly string[];
  readonly options?: Partial<ExtractOptions>;
  /** The model's name as every model span records it. */
  readonly model: string;
  /**
   * Documents in flight at once (default 1). Clamped to the engine's own `concurrency` (absent = 1:
   * a local model answers one request at a time, and a new request interrupts the running one).
   */
  readonly concurrency?: number;
  readonly hooks: CorpusRunHooks<D>;
  readonly onProgress?: (progress: CorpusRunnerProgress) => void;
  /** Something worth telling about one document that does not fail it (a malformed answer). */
  readonly onNote?: (document: D, message: string) => void;
}

type Ended =
  | { readonly kind: 'done'; readonly spans: CorpusSpan[] }
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'failed'; readonly error: EngineError };

interface InFlight<D> {
  readonly document: D;
  readonly state: { typesDone: number; chunks: RunningDocument['chunks'] };
  readonly ended: Promise<Ended>;
}

/** The name of the error a document's own bad input raises; every other error may be the engine's. */
const INPUT_ERROR = 'InputError';

/** One corpus run. Create one per run; `stop()` may be called from anywhere while it runs. */
export class CorpusRun<D extends RunnerDocument> {
  private stopRequested = false;
  private done = 0;
  private failed = 0;
  private readonly inFlight: InFlight<D>[] = [];

  constructor(private readonly params: CorpusRunParams<D>) {}

  /** Ends the run: interrupts what is in flight (those documents run again next time); finished ones are kept. */
  stop(): void {
    if (this.stopRequested) return;
    this.stopRequested = true;
    this.params.engine.interrupt();
  }

  /** Runs every document; resolves when the run ends. */
  async run(): Promise<CorpusRunResult> {
    const { params } = this;
    const width = Math.max(1, Math.min(params.concurrency ?? 1, params.engine.concurrency ?? 1));
    const source = toAsyncIterator(params.documents);
    let exhausted = false;
    let ending: CorpusRunResult | null = null;
    this.report();
    try {
      for (;;) {
        // Fill the window: start documents until `width` are in flight.
        while (!exhausted && ending === null && !this.stopRequested && this.inFlight.length < width) {
          const next = await source.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          if (this.stopRequested) break;
          const document = next.value;
          if ((await params.hooks.begin?.(document)) === false) continue;
          this.inFlight.push(this.start(document));
          this.report();
        }
        const head = this.inFlight[0];
        if (!head) break;
        const ended = await head.ended;
        this.inFlight.shift();
        const result = await this.settle(head.document, ended, ending !== null);
        ending ??= result;
        if (ending !== null && !this.stopRequested) {
          // An engine error or an unasked interruption: stop the rest, keep what completes.
          this.stopRequested = true;
          params.engine.interrupt();
        }
        this.report();
      }
    } catch (error) {
      // A hook could not keep a result: nothing more is worth computing. Documents still in flight are
      // interrupted and left as they were (their `stopped` hook may fail the same way, so it is not called).
      this.stopRequested = true;
      params.engine.interrupt();
      await Promise.allSettled(this.inFlight.map((item) => item.ended));
      this.inFlight.length = 0;
      this.report();
      return { outcome: 'error', error: engineErrorOf(error), during: 'output' };
    } finally {
      await source.return?.();
    }
    if (ending) return ending;
    return this.stopRequested ? { outcome: 'stopped' } : { outcome: 'finished' };
  }

  /** Sends one document's request; its events update the in-flight state. */
  private start(document: D): InFlight<D> {
    const { params } = this;
    const state: InFlight<D>['state'] = { typesDone: 0, chunks: null };
    const spans: CorpusSpan[] = [];
    const onEvent = (event: EngineEvent) => {
      if (event.type === 'type-done') {
        spans.push(...modelSpansFromEntities(event.entityType, event.entities, params.model));
        if (event.malformed)
          params.onNote?.(document, `malformed answer (${event.entityType}): ${event.malformed}`);
        state.typesDone += 1;
        this.report();
      } else if (event.type === 'chunk-progress') {
        state.chunks = { done: event.done, total: event.total };
        this.report();
      }
    };
    const ended = params.engine
      .extract({ passage: document.text, entityTypes: params.types, options: params.options ?? {} }, onEvent)
      .then(
        (done): Ended =>
          done.interrupted ? { kind: 'interrupted' } : { kind: 'done', spans: spans.sort(compareSpans) },
        (error: unknown): Ended => ({ kind: 'failed', error: engineErrorOf(error) }),
      );
    return { document, state, ended };
  }

  /**
   * Hands one outcome to the hooks. Returns how the run must end because of it, or null to go on.
   * `ending`: the run is already ending, so a failure here is this document's, not a new reason.
   */
  private async settle(document: D, ended: Ended, ending: boolean): Promise<CorpusRunResult | null> {
    const { hooks } = this.params;
    switch (ended.kind) {
      case 'done':
        await hooks.done(document, ended.spans);
        this.done += 1;
        return null;
      case 'interrupted':
        await hooks.stopped?.(document);
        // Nobody asked the runner to stop: another request replaced this one. End the run too.
        return this.stopRequested || ending ? null : { outcome: 'stopped' };
      case 'failed':
        if (ended.error.name !== INPUT_ERROR && (this.stopRequested || ending)) {
          // The run is ending anyway; an engine that broke meanwhile leaves this document to run again.
          await hooks.stopped?.(document);
          return null;
        }
        await hooks.failed(document, ended.error);
        this.failed += 1;
        return ended.error.name === INPUT_ERROR
          ? null
          : { outcome: 'error', error: ended.error, during: 'engine' };
    }
  }

  private report(): void {
    this.params.onProgress?.({
      done: this.done,
      failed: this.failed,
      running: this.inFlight.map(({ document, state }) => ({
        id: document.id,
        typesDone: state.typesDone,
        chunks: state.chunks,
      })),
    });
  }
}

function toAsyncIterator<T>(items: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in items) return items[Symbol.asyncIterator]();
  const iterator = items[Symbol.iterator]();
  return {
    next: () => Promise.resolve(iterator.next()),
    return: (value?: unknown) => Promise.resolve(iterator.return?.(value) ?? { done: true, value }),
  };
}
