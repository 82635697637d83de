import type { ImportProblem } from '../../../workers/corpus/document';
import type { WorkerError } from '../../../workers/protocol';
import type { DocumentSummary } from '../../lib/corpus/db';
import type { StoredIdQuestion } from '../../lib/corpus/import-files';
import type { StatusFilter } from '../../lib/corpus/list-view';
import type { CorpusRunProgress } from '../../lib/corpus/runner';
import type { AppStateCreator } from '../app-state';

/** An import in progress: the file being read and how far. */
export interface CorpusImportState {
  readonly file: string;
  readonly bytesRead: number;
  readonly totalBytes: number;
  /** Documents stored so far by this import (all files). */
  readonly stored: number;
}

/** Where the corpus run stands. `stopping`: Stop was pressed, the current document is being interrupted. */
export type CorpusRunStatus = 'idle' | 'running' | 'stopping';

/**
 * The corpus beside the editor. Not persisted here: the documents live in IndexedDB (see
 * `src/lib/corpus/db.ts`); this slice mirrors what the list shows (no document texts).
 */
export interface CorpusSlice {
  /** False until the database is open and the list loaded (or IndexedDB is unavailable: see `corpusNotice`). */
  readonly corpusReady: boolean;
  /** Every document without its text, in import order. */
  readonly corpusDocuments: readonly DocumentSummary[];
  /** The list's filter (matches names, case-insensitive; `status:done` style terms match the status). */
  readonly corpusFilter: string;
  /** The list's status filter ("all", or one status; `reviewed` is the reviewed flag). */
  readonly corpusStatusFilter: StatusFilter;
  /** The document shown in the editor, or null for a free passage. */
  readonly corpusOpenId: string | null;
  readonly corpusImport: CorpusImportState | null;
  /** An import waits for the person: ids of a re-imported file are already stored (the dialog). */
  readonly corpusImportQuestion: StoredIdQuestion | null;
  /** What the last import did with ids already stored ("12 kept as they were"), or null. */
  readonly corpusImportSummary: string | null;
  /** A corpus export in progress: documents written so far. */
  readonly corpusExport: { readonly format: string; readonly written: number } | null;
  /** How the last corpus export ended (a message), or null. */
  readonly corpusExportMessage: string | null;
  /** Records that could not be imported (the rest of each file was). */
  readonly corpusProblems: readonly ImportProblem[];
  /** Something the person must know (storage full, database unavailable). */
  readonly corpusNotice: string | null;
  readonly corpusRunStatus: CorpusRunStatus;
  readonly corpusProgress: CorpusRunProgress | null;
  /** Why the last corpus run ended early. */
  readonly corpusRunError: WorkerError | null;
  /** "Finished 20 documents in 4 min 10 s", shown for a few seconds after a run, then cleared. */
  readonly corpusRunSummary: string | null;
  /** Bytes this origin stores, when the browser says. */
  readonly corpusStorage: { readonly usage: number; readonly quota: number } | null;
}

export const createCorpusSlice: AppStateCreator<CorpusSlice> = () => ({
  corpusReady: false,
  corpusDocuments: [],
  corpusFilter: '',
  corpusStatusFilter: 'all',
  corpusOpenId: null,
  corpusImport: null,
  corpusImportQuestion: null,
  corpusImportSummary: null,
  corpusExport: null,
  corpusExportMessage: null,
  corpusProblems: [],
  corpusNotice: null,
  corpusRunStatus: 'idle',
  corpusProgress: null,
  corpusRunError: null,
  corpusRunSummary: null,
  corpusStorage: null,
});
