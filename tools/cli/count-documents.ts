/**
 * How many documents a corpus holds, counted in a cheap first pass over the bytes so the progress bar
 * can show documents (not bytes: a few PDFs dominated the byte count, and a small file read in one
 * chunk sat at 0 %). JSONL: one document per non-blank line. CSV: one per non-blank line after the
 * header, an estimate when the file has quoted fields (a quoted field may hold line breaks). Text,
 * Markdown and PDF files are one document each. Lines end in LF, CRLF or a lone CR.
 */
import { importFormatOf, type ImportSource } from '../../workers/corpus/import';

/** The count, and whether it is exact. */
export interface DocumentCount {
  readonly total: number;
  readonly exact: boolean;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/** Non-blank lines of a byte stream, and whether a double quote occurs (CSV: counts may be high). */
async function countLines(chunks: AsyncIterable<Uint8Array>): Promise<{ lines: number; quoted: boolean }> {
  let lines = 0;
  let quoted = false;
  let content = false; // the current line has a non-blank byte
  let afterCr = false;
  for await (const chunk of chunks) {
    for (const byte of chunk) {
      if (byte === LF || byte === CR) {
        if (!(byte === LF && afterCr) && content) lines += 1;
        if (!(byte === LF && afterCr)) content = false;
        afterCr = byte === CR;
        continue;
      }
      afterCr = false;
      if (byte === QUOTE) quoted = true;
      if (byte !== 0x20 && byte !== 0x09) content = true;
    }
  }
  if (content) lines += 1;
  return { lines, quoted };
}

/** Counts the documents of `sources` (reads JSONL and CSV files once, quickly; others count one). */
export async function countDocuments(sources: readonly ImportSource[]): Promise<DocumentCount> {
  let total = 0;
  let exact = true;
  for (const source of sources) {
    switch (importFormatOf(source.name)) {
      case 'jsonl':
        total += (await countLines(source.chunks())).lines;
        break;
      case 'csv': {
        const { lines, quoted } = await countLines(source.chunks());
        total += Math.max(0, lines - 1);
        if (quoted) exact = false;
        break;
      }
      default:
        total += 1;
    }
  }
  return { total, exact };
}
