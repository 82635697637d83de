/**
 * The importer the page uses. STAND-IN until the shared importer (`workers/corpus/import`, branch
 * corpus-io) is merged: same interface, plain text files only (one file = one document).
 */
import type { CorpusDocument, ImportProblem } from '../../../workers/corpus/document';

/** A file to import, however the caller reads it (browser `File`, Node file, test bytes). */
export interface ImportSource {
  readonly name: string;
  readonly size: number;
  chunks(): AsyncIterable<Uint8Array>;
  bytes(): Promise<Uint8Array>;
}

/** Options of an import. */
export interface ImportOptions {
  readonly textField?: string;
  readonly signal?: AbortSignal;
  readonly maxDocumentChars?: number;
}

/** What an import yields: documents, problems of single records, progress. */
export type ImportItem =
  | { kind: 'document'; document: CorpusDocument }
  | { kind: 'problem'; problem: ImportProblem }
  | { kind: 'progress'; bytesRead: number; totalBytes: number };

/** One document per text file. */
export async function* importDocuments(source: ImportSource): AsyncGenerator<ImportItem> {
  const text = new TextDecoder().decode(await source.bytes());
  yield { kind: 'progress', bytesRead: source.size, totalBytes: source.size };
  if (!text.trim()) {
    yield { kind: 'problem', problem: { file: source.name, message: 'The file is empty.' } };
    return;
  }
  yield {
    kind: 'document',
    document: {
      id: source.name,
      name: source.name,
      text,
      meta: {},
      types: [],
      status: 'pending',
      reviewed: false,
    },
  };
}

/** The page's importer with the browser's options filled in. */
export const pageImporter = importDocuments;
