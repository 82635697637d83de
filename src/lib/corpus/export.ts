/**
 * The corpus export from the page, in every format the CLI writes (workers/corpus/formats): read from
 * IndexedDB a batch at a time and written to a sink a document at a time, so 10,000 documents never
 * become one string. The sink is a file the person picked (the File System Access API, written as it
 * goes) or, where the browser has no such API, a Blob assembled from the parts (the browser keeps a
 * Blob's parts as they are, without copying them into one string).
 */
import { FORMAT_EXTENSION, formatWriter, type ExportFormat } from '../../../workers/corpus/formats';
import type { CorpusDb, DocumentSummary } from './db';

/** Which documents an export takes. */
export type ExportScope = 'all' | 'reviewed' | 'filtered';

/** Where an export's text goes, part by part. */
export interface ExportSink {
  append(part: string): Promise<void>;
  /** The export finished: the file is complete. */
  close(): Promise<void>;
  /** The export failed or was cancelled: no partial file is left as if complete. */
  abort(reason: unknown): Promise<void>;
}

/** How an export ended. */
export interface ExportResult {
  readonly documents: number;
  /** What the format could not hold (CoNLL: overlapping spans…), one line each. */
  readonly problems: readonly string[];
}

/** The MIME type of each format's file. */
export const FORMAT_MIME: Readonly<Record<ExportFormat, string>> = {
  jsonl: 'application/x-ndjson',
  'spacy-jsonl': 'application/x-ndjson',
  conll: 'text/plain',
  'label-studio': 'application/json',
};

/** What the page calls each format. */
export const FORMAT_LABEL: Readonly<Record<ExportFormat, string>> = {
  jsonl: 'JSONL (sources and decisions)',
  'spacy-jsonl': 'spaCy JSONL',
  conll: 'CoNLL',
  'label-studio': 'Label Studio tasks',
};

/** The file name of an export: `corpus-reviewed.conll`, `corpus.spacy.jsonl`… */
export function exportFileName(format: ExportFormat, scope: ExportScope): string {
  const base = scope === 'all' ? 'corpus' : `corpus-${scope}`;
  return format === 'spacy-jsonl' ? `${base}.spacy.jsonl` : `${base}${FORMAT_EXTENSION[format]}`;
}

/**
 * Writes the documents `keep` picks, in import order, to `sink` in `format`. `onProgress` gets the
 * documents written so far; `signal` cancels (the sink is aborted). Any error aborts the sink and
 * rejects; the stored corpus is only read.
 */
export async function exportCorpus(
  db: Pick<CorpusDb, 'documentsWithSpans'>,
  format: ExportFormat,
  keep: (doc: DocumentSummary) => boolean,
  sink: ExportSink,
  options: { readonly onProgress?: (written: number) => void; readonly signal?: AbortSignal } = {},
): Promise<ExportResult> {
  const writer = formatWriter(format);
  let written = 0;
  try {
    await sink.append(writer.header());
    for await (const batch of db.documentsWithSpans(keep)) {
      for (const doc of batch) {
        options.signal?.throwIfAborted();
        await sink.append(writer.item(doc));
        written++;
      }
      options.onProgress?.(written);
    }
    await sink.append(writer.footer());
    await sink.close();
  } catch (error) {
    await sink.abort(error).catch(() => undefined);
    throw error;
  }
  return {
    documents: written,
    problems: writer.problems.map((p) => `${p.document}: ${p.message}`),
  };
}

/** A sink that collects parts for one Blob (no single giant string: the Blob keeps the parts). */
export class BlobSink implements ExportSink {
  readonly #parts: string[] = [];
  #blob: Blob | null = null;
  constructor(private readonly mime: string) {}
  async append(part: string): Promise<void> {
    if (part) this.#parts.push(part);
  }
  async close(): Promise<void> {
    this.#blob = new Blob(this.#parts, { type: `${this.mime};charset=utf-8` });
    this.#parts.length = 0;
  }
  async abort(): Promise<void> {
    this.#parts.length = 0;
  }
  /** The finished file (after `close`). */
  get blob(): Blob | null {
    return this.#blob;
  }
}

/** The part of a `FileSystemWritableFileStream` a sink uses. */
export interface WritableFile {
  write(data: string): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}

/**
 * A sink that writes to a file the person picked, as it goes. The browser writes to a temporary file
 * and swaps it in on `close`, so a tab closed mid-export (or an abort) leaves no half file under the
 * chosen name.
 */
export class FileSink implements ExportSink {
  constructor(private readonly file: WritableFile) {}
  append(part: string): Promise<void> {
    // A file stream's write (FileSystemWritableFileStream), not document.write: no HTML is involved.
    // eslint-disable-next-line no-restricted-syntax
    return part ? this.file.write(part) : Promise.resolve();
  }
  close(): Promise<void> {
    return this.file.close();
  }
  abort(reason: unknown): Promise<void> {
    return this.file.abort(reason);
  }
}
