/**
 * The importer's public types: one byte source in, documents and problems out. Shared by the page
 * (a `File`) and the CLI (a file on disk); see `index.ts` for the entry point.
 */
import type { CorpusDocument, ImportProblem } from '../document';

/** One input file, read either as a stream of chunks (text, JSONL, CSV) or whole (PDF). */
export interface ImportSource {
  /** The file name, or its path relative to the folder the person chose. */
  readonly name: string;
  /** Size in bytes (for progress). */
  readonly size: number;
  /** Streaming read: `File.stream()` in the page, `fs.createReadStream` in Node. */
  chunks(): AsyncIterable<Uint8Array>;
  /** The whole file at once (PDF only: pdf.js needs random access). */
  bytes(): Promise<Uint8Array>;
}

/** The part of a pdf.js page the importer reads. */
export interface PdfPageLike {
  getTextContent(): Promise<{ readonly items: readonly unknown[] }>;
}

/** The part of a pdf.js document the importer reads. */
export interface PdfDocumentLike {
  readonly numPages: number;
  getPage(pageNumber: number): Promise<PdfPageLike>;
  destroy(): Promise<void>;
}

/**
 * The part of the pdf.js module the importer calls. The page passes the browser build, Node the
 * legacy build (`pdfjs-dist/legacy/build/pdf.mjs`); both fit this shape.
 */
export interface PdfJsLike {
  getDocument(params: {
    data: Uint8Array;
    isEvalSupported?: boolean;
    verbosity?: number;
    stopAtErrors?: boolean;
  }): { readonly promise: Promise<PdfDocumentLike>; destroy(): Promise<void> };
}

/** How to read the input. */
export interface ImportOptions {
  /**
   * JSONL key / CSV column holding the text. Default: the first present of
   * {@link DEFAULT_TEXT_FIELDS}.
   */
  readonly textField?: string;
  /** Loads pdf.js (injected so this module stays free of a build choice); without it PDFs are a problem. */
  readonly loadPdfJs?: () => Promise<PdfJsLike>;
  readonly signal?: AbortSignal;
  /** Refuse (as a problem) single documents longer than this many UTF-16 code units. Default 5,000,000. */
  readonly maxDocumentChars?: number;
  /**
   * Refuse (as a problem) a PDF whose streams decode to more than this many bytes in all, before
   * pdf.js reads it (a decompression bomb). Default 256 MiB.
   */
  readonly maxPdfDecodedBytes?: number;
  /** Refuse (as a problem) a PDF of more pages than this. Default 10,000. */
  readonly maxPdfPages?: number;
}

/** What the importer yields, in file order. */
export type ImportItem =
  /** A new document: status 'pending', types [], reviewed false. */
  | { readonly kind: 'document'; readonly document: CorpusDocument }
  /** A record that could not be imported; the rest of the file goes on. */
  | { readonly kind: 'problem'; readonly problem: ImportProblem }
  /** How far the reading is (after each chunk, and once at the end). */
  | { readonly kind: 'progress'; readonly bytesRead: number; readonly totalBytes: number };

/** The formats the importer reads. */
export type ImportFormat = 'text' | 'jsonl' | 'csv' | 'pdf';

/** Field names tried, in order, when no `textField` is given. */
export const DEFAULT_TEXT_FIELDS: readonly string[] = [
  'text',
  'content',
  'body',
  'passage',
  'document',
  'sentence',
];

/** The default `maxDocumentChars`. */
export const DEFAULT_MAX_DOCUMENT_CHARS = 5_000_000;
