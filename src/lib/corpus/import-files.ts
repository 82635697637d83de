/**
 * Files the person dropped or picked → documents in IndexedDB, through the shared importer
 * (`workers/corpus/import`). Documents are written in batches (one transaction each), so memory stays
 * flat however large the file; a full quota stops the import with a message naming the file, and
 * every batch written before it stays.
 */
import type { CorpusDocument, CorpusSpan, ImportProblem } from '../../../workers/corpus/document';
import { importJsonl as readOurJsonl } from '../../../workers/corpus/formats';
import { IdAssigner, type StoredIdPolicy } from '../../../workers/corpus/ids';
import {
  CorpusQuotaError,
  type CorpusDb,
  type ImportBatchResult,
  type ImportedDocument,
  type StoredConflicts,
} from './db';
import type { ImportItem, ImportOptions, ImportSource } from './importer';

/** Documents per transaction: big enough to be fast, small enough that a batch is a small part of memory. */
const BATCH = 200;

/** The shared importer's signature (injected, so tests and the bench can pass their own). */
export type Importer = (source: ImportSource, options?: ImportOptions) => AsyncGenerator<ImportItem>;

/** A browser `File` as the importer's source (read as a stream; PDFs as bytes). */
export function fileSource(file: File): ImportSource {
  return {
    name: file.name,
    size: file.size,
    chunks: () => streamChunks(file.stream()),
    bytes: async () => new Uint8Array(await file.arrayBuffer()),
  };
}

async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** What an import reports while it runs. */
export interface ImportCallbacks {
  /** Bytes read of the current file. */
  readonly onProgress?: (file: string, bytesRead: number, totalBytes: number) => void;
  readonly onProblem?: (problem: ImportProblem) => void;
  /** A batch of documents was stored. */
  readonly onStored?: (result: ImportBatchResult) => void;
  /**
   * A file being imported again has ids already stored: what to do with them. Asked once per import
   * (the answer holds for every later batch and file); without it, they are skipped.
   */
  readonly askStoredIds?: (question: StoredIdQuestion) => Promise<StoredIdPolicy>;
}

/** The question about stored ids: the file and how many of the current batch it concerns. */
export interface StoredIdQuestion extends StoredConflicts {
  readonly file: string;
}

/** What an import did with ids already stored, over all files. */
export interface ImportTally {
  readonly skipped: number;
  readonly skippedReviewed: number;
  readonly renamed: number;
  readonly replaced: number;
  /** The person's answer to the stored-ids question, when it was asked. */
  readonly policy?: StoredIdPolicy;
}

/**
 * The name the list shows: `news.jsonl · line 3` for a JSONL record (its line in the file),
 * `people.csv · row 1` for a CSV record (`row`: the data row, the header not counted), the file name
 * for single-document files. Ids are not touched.
 */
export function documentName(file: string, importerName: string, csvRow: number | undefined): string {
  const line = / #(\d+)$/.exec(importerName);
  if (!line) return importerName;
  if (csvRow !== undefined) return `${file} · row ${csvRow}`;
  return `${file} · line ${line[1]}`;
}

/**
 * A JSONL record of our own export (it has a `spans` array): read with its spans, decisions, types and
 * reviewed flag through the export format's reader (workers/corpus/formats), so a corpus exported from
 * one browser imports into another as it was. Undefined for any other record (a plain document).
 */
function ourExportRecord(
  document: CorpusDocument,
  file: string,
  line: number,
  onProblem: (problem: ImportProblem) => void,
): ImportedDocument | undefined {
  if (!Array.isArray(document.meta.spans)) return undefined;
  const record: Record<string, unknown> = { ...document.meta, text: document.text };
  // Every label the record uses is allowed: a person may have added a type the run did not ask.
  const labels = new Set<string>(Array.isArray(record.types) ? record.types.map(String) : []);
  for (const key of ['spans', 'rejected_spans'])
    for (const span of Array.isArray(record[key]) ? (record[key] as unknown[]) : [])
      if (span && typeof (span as { label?: unknown }).label === 'string')
        labels.add((span as { label: string }).label);
  const read = readOurJsonl([JSON.stringify(record)], file, { labels: [...labels] });
  for (const problem of read.problems) onProblem({ ...problem, line });
  const parsed = read.documents[0];
  if (!parsed) return undefined;
  const spans: readonly CorpusSpan[] = parsed.spans;
  return {
    ...parsed.document,
    id: document.id,
    // A document that was run keeps its status; its types say what it was run for.
    status: parsed.document.types.length > 0 ? 'done' : parsed.document.status,
    spans,
  };
}

/** How an import ended. `quota`: the storage is full; `message` names the file. */
export type ImportOutcome =
  | { readonly outcome: 'done'; readonly documents: number; readonly tally: ImportTally }
  | {
      readonly outcome: 'quota' | 'aborted';
      readonly documents: number;
      readonly message: string;
      readonly tally: ImportTally;
    };

/** Imports files one after the other into `db`. */
export async function importFiles(
  sources: readonly ImportSource[],
  db: CorpusDb,
  importer: Importer,
  callbacks: ImportCallbacks = {},
  options: Omit<ImportOptions, 'signal'> & { readonly signal?: AbortSignal } = {},
): Promise<ImportOutcome> {
  let stored = 0;
  let skipped = 0;
  let skippedReviewed = 0;
  let renamed = 0;
  let replaced = 0;
  let policy: StoredIdPolicy | undefined;
  // One id rule across every file of this import (workers/corpus/ids.ts).
  const assigner = new IdAssigner();
  const tally = (): ImportTally => ({
    skipped,
    skippedReviewed,
    renamed,
    replaced,
    ...(policy ? { policy } : {}),
  });
  for (const source of sources) {
    let batch: ImportedDocument[] = [];
    const csv = /\.csv$/i.test(source.name);
    let csvRows = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      if (policy === undefined && callbacks.askStoredIds) {
        const conflicts = await db.storedConflicts(batch, source.name, assigner);
        if (conflicts.count > 0) policy = await callbacks.askStoredIds({ file: source.name, ...conflicts });
      }
      const result = await db.addDocuments(batch, source.name, policy, assigner);
      stored += result.stored.length;
      skipped += result.skipped;
      skippedReviewed += result.skippedReviewed;
      renamed += result.renamed;
      replaced += result.replaced.length;
      batch = [];
      callbacks.onStored?.(result);
    };
    try {
      for await (const item of importer(source, options)) {
        if (item.kind === 'document') {
          if (csv) csvRows++;
          const { document } = item;
          const line = / #(\d+)$/.exec(document.name)?.[1];
          const ours =
            !csv && line !== undefined
              ? ourExportRecord(document, source.name, Number(line), (p) => callbacks.onProblem?.(p))
              : undefined;
          batch.push(
            ours ?? {
              ...document,
              name: documentName(source.name, document.name, csv ? csvRows : undefined),
            },
          );
          if (batch.length >= BATCH) await flush();
        } else if (item.kind === 'problem') {
          // A CSV record that could not be read is still a row: the next ones keep their numbers.
          if (csv && item.problem.line !== undefined) csvRows++;
          callbacks.onProblem?.(item.problem);
        } else callbacks.onProgress?.(source.name, item.bytesRead, item.totalBytes);
      }
      await flush();
    } catch (error) {
      if (error instanceof CorpusQuotaError)
        return { outcome: 'quota', documents: stored, message: error.message, tally: tally() };
      if (options.signal?.aborted) {
        return {
          outcome: 'aborted',
          documents: stored,
          message: `The import of ${source.name} was cancelled.`,
          tally: tally(),
        };
      }
      // Anything else is a problem with this file; the next files still import.
      callbacks.onProblem?.({
        file: source.name,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { outcome: 'done', documents: stored, tally: tally() };
}
