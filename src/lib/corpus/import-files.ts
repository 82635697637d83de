/**
 * Files the person dropped or picked → documents in IndexedDB, through the shared importer
 * (`workers/corpus/import`). Documents are written in batches (one transaction each), so memory stays
 * flat however large the file; a full quota stops the import with a message naming the file, and
 * every batch written before it stays.
 */
import type { ImportProblem } from '../../../workers/corpus/document';
import { CorpusQuotaError, type CorpusDb, type DocumentSummary } from './db';
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
  readonly onStored?: (documents: readonly DocumentSummary[]) => void;
}

/** How an import ended. `quota`: the storage is full; `message` names the file. */
export type ImportOutcome =
  | { readonly outcome: 'done'; readonly documents: number }
  | { readonly outcome: 'quota' | 'aborted'; readonly documents: number; readonly message: string };

/** Imports files one after the other into `db`. */
export async function importFiles(
  sources: readonly ImportSource[],
  db: CorpusDb,
  importer: Importer,
  callbacks: ImportCallbacks = {},
  options: Omit<ImportOptions, 'signal'> & { readonly signal?: AbortSignal } = {},
): Promise<ImportOutcome> {
  let stored = 0;
  for (const source of sources) {
    let batch: Parameters<CorpusDb['addDocuments']>[0][number][] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const summaries = await db.addDocuments(batch, source.name);
      stored += summaries.length;
      batch = [];
      callbacks.onStored?.(summaries);
    };
    try {
      for await (const item of importer(source, options)) {
        if (item.kind === 'document') {
          batch.push(item.document);
          if (batch.length >= BATCH) await flush();
        } else if (item.kind === 'problem') callbacks.onProblem?.(item.problem);
        else callbacks.onProgress?.(source.name, item.bytesRead, item.totalBytes);
      }
      await flush();
    } catch (error) {
      if (error instanceof CorpusQuotaError)
        return { outcome: 'quota', documents: stored, message: error.message };
      if (options.signal?.aborted) {
        return {
          outcome: 'aborted',
          documents: stored,
          message: `The import of ${source.name} was cancelled.`,
        };
      }
      // Anything else is a problem with this file; the next files still import.
      callbacks.onProblem?.({
        file: source.name,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { outcome: 'done', documents: stored };
}
