import type { FoundEntity, LoadedModelInfo, RunStats, WorkerError } from '../../../workers/protocol';
import type { AppStateCreator } from '../app-state';

/** Progress of one entity type within a run. `stopped`: the run was interrupted before it finished. */
export type TypeStatus = 'queued' | 'streaming' | 'done' | 'stopped';

/** Per-type state of a run. */
export interface TypeRun {
  readonly status: TypeStatus;
  /** Entities found in the passage so far (strings with at least one span). */
  readonly count: number;
  /** Strings the model gave that do not occur in the passage. */
  readonly notFound: number;
  /** Time the type took (when done). */
  readonly ms: number | null;
  readonly decodeTokens: number;
  /** Set when the model's answer was not a well-formed JSON list. */
  readonly malformed: string | null;
  readonly rawAnswers: readonly string[];
}

/** Where the extraction stands. */
export type RunStatus = 'idle' | 'running' | 'done' | 'interrupted' | 'error';

/** The current (or last) extraction. Not persisted. */
export interface RunSlice {
  readonly runStatus: RunStatus;
  readonly runRequestId: string | null;
  /** The passage as it was when the run started: all offsets refer to this text. */
  readonly runPassage: string;
  /** The types asked, in order. */
  readonly runTypes: readonly string[];
  readonly typeRuns: Readonly<Record<string, TypeRun>>;
  /** Entities per type (while streaming: the list so far). */
  readonly results: Readonly<Record<string, readonly FoundEntity[]>>;
  readonly runStats: RunStats | null;
  /** Chunks done of all; `estimated` while the total is the engine's estimate (long passages). */
  readonly chunkProgress: {
    readonly done: number;
    readonly total: number;
    readonly estimated: boolean;
  } | null;
  /** Something the user should know about this run (e.g. it was restarted on WASM). */
  readonly runNotice: string | null;
  readonly runError: WorkerError | null;
  /** The model that produced the results (set when the run starts and updated after a fallback). */
  readonly answeredBy: LoadedModelInfo | null;
}

export const createRunSlice: AppStateCreator<RunSlice> = () => ({
  runStatus: 'idle',
  runRequestId: null,
  runPassage: '',
  runTypes: [],
  typeRuns: {},
  results: {},
  runStats: null,
  chunkProgress: null,
  runNotice: null,
  runError: null,
  answeredBy: null,
});

/** A type's state before the model reaches it. */
export const QUEUED: TypeRun = {
  status: 'queued',
  count: 0,
  notFound: 0,
  ms: null,
  decodeTokens: 0,
  malformed: null,
  rawAnswers: [],
};
