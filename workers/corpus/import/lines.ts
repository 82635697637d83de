/**
 * Splits a byte stream into lines (JSONL) or CSV records (newlines inside quoted fields do not end
 * a record), holding only the current line in memory, so a 100,000-line file streams. Each decoded
 * piece is scanned once and kept as a part until its line ends (no repeated concatenation), so a
 * giant line costs linear time and is dropped once it passes the limit.
 *
 * A line ends at LF, CRLF or a lone CR (old Mac files), counted once each. The encoding comes from
 * the byte order mark: UTF-16 LE or BE with one, UTF-8 otherwise (a UTF-8 BOM is dropped); UTF-16
 * without a BOM is named instead of read as garbage. Invalid UTF-8 becomes U+FFFD, and the line it
 * was on is flagged (`invalidLines`), so its parser can name it rather than import a damaged text.
 */
import type { ImportSource } from './types';

/** One line or record, or how far the reading is. */
export type LineItem =
  /**
   * `line`: 1-based number of the physical line where it starts. `text`: without the line break.
   * `lines`: how many physical lines it spans (more than 1 for a quoted newline in CSV).
   * `unclosed`: a CSV record still inside a quoted field when it passed the length limit: `text`
   * holds what was read up to there, and the rest of that physical line was skipped.
   */
  | {
      readonly kind: 'line';
      readonly line: number;
      readonly lines: number;
      readonly text: string;
      /** Physical lines of the record that hold invalid UTF-8 (absent when none). */
      readonly invalidLines?: readonly number[];
      readonly unclosed?: true;
    }
  /** A line longer than the limit: skipped whole, never held in memory. */
  | { readonly kind: 'too-long'; readonly line: number; readonly chars: number }
  /** The bytes are not text the splitter can decode (UTF-16 without a BOM): nothing more follows. */
  | { readonly kind: 'encoding'; readonly message: string }
  | { readonly kind: 'progress'; readonly bytesRead: number };

/** How to split. */
export interface SplitOptions {
  /** CSV: a newline inside a quoted field belongs to the record. */
  readonly quoted: boolean;
  /** Lines longer than this are reported as `too-long` and dropped. */
  readonly maxLineChars: number;
  readonly signal?: AbortSignal;
}

/** Characters after which a quote opens a quoted field: the usual delimiters and line starts. */
const FIELD_START = new Set([44 /* , */, 59 /* ; */, 9 /* tab */, 124 /* | */, 10 /* \n */, 13 /* \r */]);

const CLOSING_QUOTE = -2;

/** The encoding a file's first bytes say, or a message when they look like UTF-16 without a BOM. */
export function sniffEncoding(
  head: Uint8Array,
): { encoding: 'utf-8' | 'utf-16le' | 'utf-16be' } | { message: string } {
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le' };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be' };
  // Latin text in UTF-16 has a NUL byte beside most characters, on one side only (a binary file
  // has them on both).
  const sample = head.subarray(0, 4096);
  let even = 0;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] !== 0) continue;
    if (i % 2) odd++;
    else even++;
  }
  const half = sample.length / 2;
  if (sample.length >= 4 && Math.max(even, odd) >= 0.4 * half && Math.min(even, odd) <= 0.05 * half) {
    const order = odd > even ? 'LE' : 'BE';
    return {
      message: `looks like UTF-16 ${order} without a byte order mark (NUL bytes between the characters): save it as UTF-8 (or UTF-16 with a BOM)`,
    };
  }
  return { encoding: 'utf-8' };
}

/** How many bytes at the end of `bytes` start a UTF-8 sequence that the next chunk completes. */
function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if (b < 0x80) return 0;
    if (b >= 0xc0) {
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return length > back ? back : 0;
    }
  }
  return 0;
}

/**
 * Finds invalid UTF-8 sequences in a byte stream fed chunk by chunk, and the physical lines (same
 * counting as the splitter: LF, CRLF, lone CR) they are on.
 */
export class Utf8LineChecker {
  /** Lines with an invalid sequence, ascending, not yet claimed by a record. */
  readonly badLines: number[] = [];
  #line = 1;
  #afterCR = false;
  #need = 0; // continuation bytes still expected
  #low = 0x80; // bounds of the next continuation byte (tighter after E0, ED, F0, F4)
  #high = 0xbf;

  readonly #validator = new TextDecoder('utf-8', { fatal: true });

  feed(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.#need > 0) {
      // The rest of a sequence the previous chunk cut: the byte loop, then the fast path.
      const rest = Math.min(this.#need, bytes.length);
      this.#scan(bytes.subarray(0, rest));
      bytes = bytes.subarray(rest);
    }
    // Fast path: a chunk whose whole sequences the native decoder accepts only needs its lines
    // counted (natively too); the byte loop below runs only on what it refuses and on the few bytes
    // of a sequence cut by the chunk's end.
    if (this.#need === 0) {
      const body = bytes.length - incompleteTail(bytes);
      let valid = true;
      try {
        this.#validator.decode(bytes.subarray(0, body));
      } catch {
        valid = false;
      }
      if (valid) {
        this.#countLines(bytes.subarray(0, body));
        this.#scan(bytes.subarray(body));
        return;
      }
    }
    this.#scan(bytes);
  }

  /** Lines in bytes known to be valid UTF-8 (LF, CR, CRLF once, also across chunks). */
  #countLines(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    let lf = 0;
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lf++;
    let cr = 0;
    let crlf = 0;
    for (let i = bytes.indexOf(13); i !== -1; i = bytes.indexOf(13, i + 1)) {
      cr++;
      if (bytes[i + 1] === 10) crlf++;
    }
    if (this.#afterCR && bytes[0] === 10) crlf++;
    this.#line += lf + cr - crlf;
    this.#afterCR = bytes[bytes.length - 1] === 13;
  }

  #scan(bytes: Uint8Array): void {
    // The state in locals for the loop (private fields per byte cost twice the time).
    let need = this.#need;
    let low = this.#low;
    let high = this.#high;
    let line = this.#line;
    let afterCR = this.#afterCR;
    const bad = () => {
      if (this.badLines.at(-1) !== line) this.badLines.push(line);
    };
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (need > 0) {
        if (b >= low && b <= high) {
          need--;
          low = 0x80;
          high = 0xbf;
          continue;
        }
        bad();
        need = 0;
        low = 0x80;
        high = 0xbf;
        // b starts afresh below
      }
      if (b < 0x80) {
        if (b === 10) {
          if (!afterCR) line++;
          afterCR = false;
        } else if (b === 13) {
          line++;
          afterCR = true;
        } else afterCR = false;
        continue;
      }
      afterCR = false;
      if (b >= 0xc2 && b <= 0xdf) need = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        if (b === 0xe0) low = 0xa0;
        if (b === 0xed) high = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        if (b === 0xf0) low = 0x90;
        if (b === 0xf4) high = 0x8f;
      } else bad();
    }
    this.#need = need;
    this.#low = low;
    this.#high = high;
    this.#line = line;
    this.#afterCR = afterCR;
  }

  /** The end of the stream: a sequence cut off there is invalid too. */
  end(): void {
    if (this.#need > 0 && this.badLines.at(-1) !== this.#line) this.badLines.push(this.#line);
    this.#need = 0;
  }

  /** The lines among first..last that hold an invalid sequence; forgets lines up to `last`. */
  claim(first: number, last: number): number[] {
    const found: number[] = [];
    while (this.badLines.length && this.badLines[0]! <= last) {
      const bad = this.badLines.shift()!;
      if (bad >= first) found.push(bad);
    }
    return found;
  }
}

export async function* splitLines(source: ImportSource, options: SplitOptions): AsyncGenerator<LineItem> {
  let decoder: TextDecoder | undefined;
  let checker: Utf8LineChecker | undefined;
  let parts: string[] = []; // the current line so far
  let partsChars = 0;
  let dropped = false; // the current line passed the limit: its parts are no longer kept
  let skipRest = false; // an unclosed quoted record was cut at the limit: skip to the line's end
  let inQuotes = false;
  // The last character code scanned in the record: -1 at its start, CLOSING_QUOTE right after a
  // quote that closed a quoted field.
  let previous = -1;
  let afterCR = false; // the last character scanned was a CR: an LF right after it is the same break
  let line = 1; // the physical line the current record starts on
  let newlinesInRecord = 0; // quoted newlines inside the current record
  let bytesRead = 0;
  const unquotedEnd = /[\r\n]/g;

  /** Where the line or record in `piece` ends at or after `from` (-1: not in this piece). */
  function findEnd(piece: string, from: number): number {
    if (!options.quoted || skipRest) {
      unquotedEnd.lastIndex = from;
      return unquotedEnd.exec(piece)?.index ?? -1;
    }
    for (let i = from; i < piece.length; i += 1) {
      const char = piece.charCodeAt(i);
      if (char === 34 /* " */) {
        // A quote opens a quoted field only at the field's start (a stray inch mark in `5" screen`
        // must not swallow the rest of the file); right after a closing quote it is an escaped "".
        if (inQuotes) {
          inQuotes = false;
          previous = CLOSING_QUOTE;
          continue;
        }
        if (previous === -1 || previous === CLOSING_QUOTE || FIELD_START.has(previous)) inQuotes = true;
      } else if (char === 10 /* \n */ || char === 13 /* \r */) {
        if (!inQuotes) {
          previous = -1;
          return i;
        }
        if (!(char === 10 && previous === 13)) newlinesInRecord += 1;
      }
      previous = char;
    }
    return -1;
  }

  /**
   * Adds `piece[from, to)` to the current line. Returns the cut item and where the cut fell when a
   * quoted record over several lines passes the limit (an unclosed quote, most likely): what was
   * read goes to the parser (which re-reads those lines one by one), the rest of that physical line
   * is skipped, and splitting starts afresh on the next one.
   */
  function append(piece: string, from: number, to: number): { item: LineItem; at: number } | undefined {
    const room = options.maxLineChars - partsChars;
    partsChars += to - from;
    if (dropped || skipRest) return undefined;
    if (partsChars <= options.maxLineChars) {
      if (to > from) parts.push(piece.slice(from, to));
      return undefined;
    }
    if (options.quoted && inQuotes) {
      const text = parts.join('') + piece.slice(from, from + room);
      if (/[\r\n]/.test(text)) {
        parts = [text];
        const item = finish(true);
        skipRest = true;
        inQuotes = false;
        previous = -1;
        return { item, at: from + room };
      }
    }
    dropped = true;
    parts = [];
    return undefined;
  }

  function finish(unclosed = false): LineItem {
    const text = parts.join('');
    // A cut record spans the lines of what was kept (the scan may have counted further).
    if (unclosed) newlinesInRecord = text.match(/\r\n|\r|\n/g)?.length ?? 0;
    const last = line + newlinesInRecord;
    const invalid = checker?.claim(line, last) ?? [];
    const item: LineItem = dropped
      ? { kind: 'too-long', line, chars: partsChars }
      : {
          kind: 'line',
          line,
          lines: newlinesInRecord + 1,
          text,
          ...(invalid.length ? { invalidLines: invalid } : {}),
          ...(unclosed ? { unclosed: true as const } : {}),
        };
    line = last + (unclosed ? 0 : 1);
    newlinesInRecord = 0;
    parts = [];
    partsChars = 0;
    dropped = false;
    return item;
  }

  function* split(piece: string): Generator<LineItem> {
    let from = 0;
    // An LF right after the CR that ended the previous line (maybe in the previous piece) is that
    // same line break.
    if (afterCR && piece.charCodeAt(0) === 10) from = 1;
    afterCR = false;
    for (;;) {
      const end = findEnd(piece, from);
      const cut = append(piece, from, end === -1 ? piece.length : end);
      if (cut) {
        yield cut.item;
        from = cut.at; // the rest of this physical line is skipped (findEnd now looks for its end)
        continue;
      }
      if (end === -1) return;
      if (skipRest) {
        // The end of the physical line where an unclosed record was cut: a fresh start after it.
        skipRest = false;
        line += 1;
        parts = [];
        partsChars = 0;
        checker?.claim(0, line - 1);
      } else yield finish();
      from = end + 1;
      if (piece.charCodeAt(end) === 13) {
        if (from < piece.length) {
          if (piece.charCodeAt(from) === 10) from += 1;
        } else afterCR = true;
      }
    }
  }

  let head: Uint8Array | undefined;
  for await (const chunk of source.chunks()) {
    options.signal?.throwIfAborted();
    bytesRead += chunk.byteLength;
    let bytes = chunk;
    if (!decoder) {
      // Decide the encoding on the first bytes (two at least, unless the file is that short).
      head = head ? concat(head, chunk) : chunk;
      if (head.length < 4096 && bytesRead < source.size) continue;
      const sniffed = sniffEncoding(head);
      if ('message' in sniffed) {
        yield { kind: 'encoding', message: sniffed.message };
        return;
      }
      decoder = new TextDecoder(sniffed.encoding);
      if (sniffed.encoding === 'utf-8') checker = new Utf8LineChecker();
      bytes = head;
      head = undefined;
    }
    checker?.feed(bytes);
    yield* split(decoder.decode(bytes, { stream: true }));
    yield { kind: 'progress', bytesRead };
  }
  if (!decoder) {
    const sniffed = sniffEncoding(head ?? new Uint8Array(0));
    if ('message' in sniffed) {
      yield { kind: 'encoding', message: sniffed.message };
      return;
    }
    decoder = new TextDecoder(sniffed.encoding);
    if (sniffed.encoding === 'utf-8') checker = new Utf8LineChecker();
    if (head) {
      checker?.feed(head);
      yield* split(decoder.decode(head, { stream: true }));
    }
  }
  checker?.end();
  yield* split(decoder.decode());
  if (partsChars > 0 && !skipRest) yield finish();
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
