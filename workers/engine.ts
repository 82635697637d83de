/**
 * The one face every engine shows: the page's Web Worker (`src/lib/engine-client/worker-engine.ts`),
 * in-process Node (`workers/node-engine.ts`) and an OpenAI-compatible inference server. The corpus
 * runner (`workers/corpus/corpus-runner.ts`), the CLI, eval and bench drive an `Engine` and never ask
 * which one it is, so a corpus rule, a prompt rule or a parsing rule has one home whatever runs the model.
 *
 * Pure (types and one helper): the page imports this file, and it must not pull any engine into the main
 * bundle.
 */
import type {
  ChunkProgressEvent,
  DoneEvent,
  ExtractOptions,
  LoadedModelInfo,
  TypeDoneEvent,
  TypePartialEvent,
  TypeStartedEvent,
  WorkerError,
} from './protocol';

/** What one extraction streams while it runs (every event carries the request's id). */
export type EngineEvent = TypeStartedEvent | TypePartialEvent | TypeDoneEvent | ChunkProgressEvent;

/** One extraction: a passage and the entity types to ask about it. */
export interface ExtractJob {
  readonly passage: string;
  readonly entityTypes: readonly string[];
  /** Missing options take `DEFAULT_EXTRACT_OPTIONS`. */
  readonly options?: Partial<ExtractOptions>;
}

/**
 * A model ready to answer, wherever it runs.
 *
 * - `load` is idempotent: it loads (or, for a server, checks) the model the engine was made for, and
 *   every later call resolves with the same info. `extract` loads first when needed.
 * - `extract` streams this request's events to `onEvent` only, and resolves with its `done`
 *   (`interrupted: true` after `interrupt`). It rejects with an Error whose `name` is one of the
 *   engine's error names (`InputError`, `ModelLoadError`, `GenerationError`, `ServerError`…): an
 *   `InputError` is the passage's fault; anything else may mean the engine itself is broken.
 * - `interrupt` ends the running extraction between steps (a no-op when none runs).
 * - `dispose` frees the model; the engine is unusable afterwards.
 */
export interface Engine {
  /** Which model answers, where and in which format; null until `load` has resolved. */
  readonly model: LoadedModelInfo | null;
  /**
   * Extractions this engine answers at once. Absent = 1: a local model runs one request at a time, and
   * a new request interrupts the running one. A server engine keeps several in flight (it batches them).
   */
  readonly concurrency?: number;
  load(): Promise<LoadedModelInfo>;
  extract(job: ExtractJob, onEvent?: (event: EngineEvent) => void): Promise<DoneEvent>;
  interrupt(): void;
  dispose(): Promise<void>;
}

/** An error as every engine reports it (plain, so it survives structured clone and JSON). */
export type EngineError = WorkerError;

/** Turns whatever an engine threw into `{ name, message }` (the name decides whether a run goes on). */
export function engineErrorOf(error: unknown): EngineError {
  if (error && typeof error === 'object' && 'workerError' in error)
    return (error as { workerError: EngineError }).workerError;
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
