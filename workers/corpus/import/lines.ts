/**
 * Splits a byte stream into lines (JSONL) or CSV records (newlines inside quoted fields do not end
 * a record), holding only the current line in memory, so a 100,000-line file streams. Each decoded
 * piece is scanned once and kept as a part until its line ends (no repeated concatenation), so a
 * giant line costs linear time and is dropped once it passes the limit.
 */
import type { ImportSource } from './types';

/** One line or record, or how far the reading is. */
export type LineItem =
  /** `line`: 1-based number of the physical line where it starts. `text`: without the line break. */
  | { readonly kind: 'line'; readonly line: number; readonly text: string }
  /** A line longer than the limit: skipped whole, never held in memory. */
  | { readonly kind: 'too-long'; readonly line: number; readonly chars: number }
  | { readonly kind: 'progress'; readonly bytesRead: number };

/** How to split. */
export interface SplitOptions {
  /** CSV: a newline inside a quoted field belongs to the record. */
  readonly quoted: boolean;
  /** Lines longer than this are reported as `too-long` and dropped. */
  readonly maxLineChars: number;
  readonly signal?: AbortSignal;
}

export async function* splitLines(source: ImportSource, options: SplitOptions): AsyncGenerator<LineItem> {
  // Not fatal: a stray invalid byte becomes U+FFFD in one record, and the parser of that record
  // says what is wrong with it; the rest of the file still reads.
  const decoder = new TextDecoder('utf-8');
  let parts: string[] = []; // the current line so far
  let partsChars = 0;
  let dropped = false; // the current line passed the limit: its parts are no longer kept
  let inQuotes = false;
  let line = 1; // the physical line the current record starts on
  let newlinesInRecord = 0; // quoted newlines inside the current record
  let bytesRead = 0;

  /** Where the record in `piece` ends at or after `from` (-1: not in this piece). */
  function findEnd(piece: string, from: number): number {
    if (!options.quoted) return piece.indexOf('\n', from);
    for (let i = from; i < piece.length; i += 1) {
      const char = piece.charCodeAt(i);
      if (char === 34 /* " */) inQuotes = !inQuotes;
      else if (char === 10 /* \n */) {
        if (!inQuotes) return i;
        newlinesInRecord += 1;
      }
    }
    return -1;
  }

  function append(text: string): void {
    partsChars += text.length;
    if (dropped) return;
    if (partsChars > options.maxLineChars) {
      dropped = true;
      parts = [];
    } else parts.push(text);
  }

  function finishRecord(): LineItem {
    const item: LineItem = dropped
      ? { kind: 'too-long', line, chars: partsChars }
      : { kind: 'line', line, text: parts.join('').replace(/\r$/, '') };
    line += newlinesInRecord + 1;
    newlinesInRecord = 0;
    parts = [];
    partsChars = 0;
    dropped = false;
    return item;
  }

  function* split(piece: string): Generator<LineItem> {
    let from = 0;
    for (;;) {
      const end = findEnd(piece, from);
      if (end === -1) {
        if (from < piece.length) append(piece.slice(from));
        return;
      }
      append(piece.slice(from, end));
      yield finishRecord();
      from = end + 1;
    }
  }

  for await (const chunk of source.chunks()) {
    options.signal?.throwIfAborted();
    bytesRead += chunk.byteLength;
    yield* split(decoder.decode(chunk, { stream: true }));
    yield { kind: 'progress', bytesRead };
  }
  yield* split(decoder.decode());
  if (partsChars > 0) yield finishRecord();
}
