/**
 * Corpus import: one input file in, documents and problems out, as a stream. The page feeds it
 * `File`s, the CLI files on disk; both get the same documents, ids and messages.
 *
 * - `.txt`, `.md`: one document per file (id and name: the file name).
 * - `.jsonl`: one document per line; `.csv`: one per row after the header. The text field/column is
 *   `textField` or the first present of `DEFAULT_TEXT_FIELDS`; every other field is kept in `meta`.
 *   Id: the record's `id` where present and unique in the file, else `<file>:<line>`; name `<file> #<line>`.
 * - `.pdf`: the text layer through pdf.js (injected), pages joined with "\n", `pages` set.
 *
 * A bad record is a `problem` naming the file and line (or page), never an exception: the rest of
 * the file still imports. Only an abort (`signal`) ends the stream with an error.
 * Pure: no Node, no DOM beyond TextDecoder (see eslint.config.js).
 */
import { importCsv } from './csv';
import { importJsonl } from './jsonl';
import { importPdf } from './pdf';
import { importText } from './text';
import {
  DEFAULT_MAX_DOCUMENT_CHARS,
  type ImportFormat,
  type ImportItem,
  type ImportOptions,
  type ImportSource,
} from './types';

export * from './types';
export { pageText } from './pdf';
export { DEFAULT_MAX_PDF_DECODED_BYTES, DEFAULT_MAX_PDF_PAGES } from './pdf-limits';

const FORMAT_BY_EXTENSION: Readonly<Record<string, ImportFormat>> = {
  txt: 'text',
  text: 'text',
  md: 'text',
  markdown: 'text',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  csv: 'csv',
  pdf: 'pdf',
};

/** The format a file name says (by its extension, any case), or undefined for one we do not read. */
export function importFormatOf(name: string): ImportFormat | undefined {
  const match = /\.([^./\\]+)$/.exec(name);
  return match ? FORMAT_BY_EXTENSION[match[1]!.toLowerCase()] : undefined;
}

/** Reads one file as documents and problems, streaming (see the module comment). */
export async function* importDocuments(
  source: ImportSource,
  options: ImportOptions = {},
): AsyncGenerator<ImportItem> {
  const maxChars = options.maxDocumentChars ?? DEFAULT_MAX_DOCUMENT_CHARS;
  const { signal, textField } = options;
  signal?.throwIfAborted();
  const format = importFormatOf(source.name);
  switch (format) {
    case 'text':
      yield* importText(source, maxChars, signal);
      return;
    case 'jsonl':
      yield* importJsonl(source, textField, maxChars, signal);
      return;
    case 'csv':
      yield* importCsv(source, textField, maxChars, signal);
      return;
    case 'pdf':
      yield* importPdf(
        source,
        options.loadPdfJs,
        maxChars,
        signal,
        options.maxPdfDecodedBytes,
        options.maxPdfPages,
      );
      return;
    case undefined:
      yield {
        kind: 'problem',
        problem: {
          file: source.name,
          message: `not a format the importer reads (${Object.keys(FORMAT_BY_EXTENSION)
            .map((ext) => `.${ext}`)
            .join(', ')})`,
        },
      };
  }
}
