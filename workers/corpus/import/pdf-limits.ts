/**
 * A decompression bomb check for PDFs, before pdf.js sees them: pdf.js decodes a content stream
 * whole, so a few kilobytes of nested Flate (or LZW, RunLength…) can ask for gigabytes (a 4.8 KB PDF
 * once cost 5 GB and 51 s). Every stream of the file is decoded here through its filter chain, as a
 * stream of chunks that are counted and dropped, and the PDF is refused once the bytes decoded (every
 * stage counts: pdf.js keeps each stage's buffer) pass the limit.
 *
 * Streams are found in the raw bytes (`stream` … `endstream`, their dictionary before it), which is
 * where every stream of a PDF lives (object streams cannot hold streams). Filter names are read with
 * `#xx` escapes resolved and abbreviations known; an indirect `/Filter` is looked up. Image codecs
 * (DCT, JPX, JBIG2, CCITT) end a chain: pdf.js does not decode images to extract text. A stream is
 * charged once per reference to it found in the file. Known gaps: an encrypted PDF's streams are not
 * decrypted here, and references inside compressed object streams are not counted.
 *
 * Pure: DecompressionStream (browsers, Node 18+) and plain loops, no Node.
 */

/** The default limit on pages per PDF (pdf.js spends milliseconds on each, however empty). */
export const DEFAULT_MAX_PDF_PAGES = 10_000;

/** The default limit on decoded stream bytes per PDF. */
export const DEFAULT_MAX_PDF_DECODED_BYTES = 256 * 1024 * 1024;

type Chunks = AsyncIterable<Uint8Array>;

/** Thrown inside the pipeline when the budget is spent. */
class OverBudget extends Error {}

const NAMES: Readonly<Record<string, string>> = {
  FlateDecode: 'flate',
  Fl: 'flate',
  LZWDecode: 'lzw',
  LZW: 'lzw',
  RunLengthDecode: 'rl',
  RL: 'rl',
  ASCIIHexDecode: 'hex',
  AHx: 'hex',
  ASCII85Decode: 'a85',
  A85: 'a85',
};

/** `/Fl#61teDecode` → `FlateDecode`. */
function unescapeName(name: string): string {
  return name.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The filter names of a `/Filter` value (a name, an array of names, or a reference to either). */
function filtersOf(dict: string, text: string): string[] {
  const match = /\/Filter\s*(\[[^\]]*\]|\/[^\s/[\]<>()]+|(\d+)\s+(\d+)\s+R)/.exec(dict);
  if (!match) return [];
  let value = match[1]!;
  if (match[2] !== undefined) {
    const object = new RegExp(
      `(?:^|\\s)${match[2]}\\s+${match[3]}\\s+obj\\s*(\\[[^\\]]*\\]|/[^\\s/[\\]<>()]+)`,
    ).exec(text);
    if (!object) return [];
    value = object[1]!;
  }
  return [...value.matchAll(/\/([^\s/[\]<>()]+)/g)].map((m) => unescapeName(m[1]!));
}

/** Chunks of `data`. */
async function* once(data: Uint8Array): Chunks {
  for (let i = 0; i < data.length; i += 1 << 16) yield data.subarray(i, i + (1 << 16));
}

/** Inflates (zlib, as PDF's FlateDecode) chunk by chunk; a corrupt stream just ends. */
async function* inflate(input: Chunks): Chunks {
  const source = input[Symbol.asyncIterator]();
  const compressed = new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      const { value, done } = await source.next();
      if (done) controller.close();
      else controller.enqueue(value as Uint8Array<ArrayBuffer>);
    },
    async cancel() {
      await source.return?.();
    },
  });
  const reader = compressed.pipeThrough(new DecompressionStream('deflate')).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      yield value;
    }
  } catch {
    // Corrupt or cut data: pdf.js keeps what decoded, so do we.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** LZWDecode (early change 1, PDF's default), 9..12-bit codes. */
async function* lzw(input: Chunks): Chunks {
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const length = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) {
    prefix[i] = -1;
    suffix[i] = i;
    length[i] = 1;
  }
  let next = 258;
  let width = 9;
  let previous = -1;
  let bits = 0;
  let bitCount = 0;
  const scratch = new Uint8Array(4096);
  for await (const chunk of input) {
    const out: Uint8Array[] = [];
    for (const byte of chunk) {
      bits = ((bits << 8) | byte) & 0xffffff;
      bitCount += 8;
      while (bitCount >= width) {
        const code = (bits >> (bitCount - width)) & ((1 << width) - 1);
        bitCount -= width;
        if (code === 256) {
          next = 258;
          width = 9;
          previous = -1;
          continue;
        }
        if (code === 257) return;
        let entry = code;
        if (code >= next) {
          if (previous < 0 || code > next) return; // corrupt
          // The KwKwK case: previous string + its own first byte.
          entry = previous;
        }
        let n = length[entry]!;
        for (let c = entry, i = n - 1; i >= 0; i--, c = prefix[c]!) scratch[i] = suffix[c]!;
        if (code >= next) scratch[n++] = scratch[0]!;
        if (previous >= 0 && next < 4096) {
          prefix[next] = previous;
          suffix[next] = scratch[0]!;
          length[next] = length[previous]! + 1;
          next++;
        }
        previous = code;
        if (next + 1 >= 1 << width && width < 12) width++;
        out.push(scratch.slice(0, n));
      }
    }
    for (const piece of out) yield piece;
  }
}

/** RunLengthDecode. */
async function* runLength(input: Chunks): Chunks {
  let literal = 0; // literal bytes still to copy
  let repeat = -1; // a run's count, waiting for its byte
  for await (const chunk of input) {
    const out: number[] = [];
    for (const byte of chunk) {
      if (literal > 0) {
        out.push(byte);
        literal--;
      } else if (repeat >= 0) {
        for (let i = 0; i < repeat; i++) out.push(byte);
        repeat = -1;
      } else if (byte === 128) return;
      else if (byte < 128) literal = byte + 1;
      else repeat = 257 - byte;
      if (out.length >= 1 << 16) {
        yield Uint8Array.from(out);
        out.length = 0;
      }
    }
    yield Uint8Array.from(out);
  }
}

/** ASCIIHexDecode (half the bytes) and ASCII85Decode (`z` is four zero bytes): counted, not decoded exactly. */
async function* asciiHex(input: Chunks): Chunks {
  let high = -1;
  for await (const chunk of input) {
    const out: number[] = [];
    for (const byte of chunk) {
      const digit =
        byte >= 48 && byte <= 57
          ? byte - 48
          : (byte | 32) >= 97 && (byte | 32) <= 102
            ? (byte | 32) - 87
            : -1;
      if (byte === 62) return; // '>'
      if (digit < 0) continue;
      if (high < 0) high = digit;
      else {
        out.push((high << 4) | digit);
        high = -1;
      }
    }
    yield Uint8Array.from(out);
  }
}

async function* ascii85(input: Chunks): Chunks {
  let group: number[] = [];
  for await (const chunk of input) {
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === 126) return; // '~' of '~>'
      if (byte === 122 && group.length === 0) {
        out.push(0, 0, 0, 0);
        continue;
      }
      if (byte < 33 || byte > 117) continue;
      group.push(byte - 33);
      if (group.length === 5) {
        let value = 0;
        for (const digit of group) value = value * 85 + digit;
        out.push((value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255);
        group = [];
      }
    }
    yield Uint8Array.from(out);
  }
}

const STAGES: Readonly<Record<string, (input: Chunks) => Chunks>> = {
  flate: inflate,
  lzw,
  rl: runLength,
  hex: asciiHex,
  a85: ascii85,
};

/** Counts every chunk that passes against the budget (`weight` times); throws OverBudget past it. */
async function* counted(input: Chunks, budget: { left: number }, weight: number): Chunks {
  for await (const chunk of input) {
    budget.left -= chunk.length * weight;
    if (budget.left < 0) throw new OverBudget();
    yield chunk;
  }
}

/** Every stream of the file: its dictionary's text and where its data starts and ends. */
function streamsOf(text: string): { dict: string; start: number; end: number; object?: string }[] {
  const streams: { dict: string; start: number; end: number; object?: string }[] = [];
  const keyword = /(?<!end)stream(\r\n|\n|\r)/g;
  for (let match = keyword.exec(text); match; match = keyword.exec(text)) {
    const start = match.index + match[0].length;
    const dictStart = text.lastIndexOf('obj', match.index);
    const dict = text.slice(dictStart < 0 ? Math.max(0, match.index - 4096) : dictStart, match.index);
    const declared = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dict);
    const from = declared ? Math.min(text.length, start + Number(declared[1])) : start;
    let end = text.indexOf('endstream', from);
    if (end < 0) end = text.length;
    const header =
      dictStart < 0 ? null : /(\d+)\s+(\d+)\s+$/.exec(text.slice(Math.max(0, dictStart - 24), dictStart));
    streams.push({ dict, start, end, ...(header ? { object: `${header[1]} ${header[2]}` } : {}) });
    keyword.lastIndex = end;
  }
  return streams;
}

/**
 * Whether the streams of `data` decode to more than `limit` bytes in all (every filter stage
 * counted). Reads one stream at a time, holding at most a chunk of decoded data.
 */
export async function pdfDecodesPast(
  data: Uint8Array,
  limit: number,
  signal?: AbortSignal,
): Promise<boolean> {
  // latin1: one character per byte, so string offsets are byte offsets.
  const text = new TextDecoder('latin1').decode(data);
  const budget = { left: limit };
  // pdf.js decodes a stream again each time something uses it (twenty pages sharing one content
  // stream decode it twenty times): each stream is charged once per reference to it.
  const references = new Map<string, number>();
  for (const match of text.matchAll(/(\d+)\s+(\d+)\s+R\b/g)) {
    const key = `${match[1]} ${match[2]}`;
    references.set(key, (references.get(key) ?? 0) + 1);
  }
  for (const { dict, start, end, object } of streamsOf(text)) {
    const weight = Math.max(1, object === undefined ? 1 : (references.get(object) ?? 1));
    signal?.throwIfAborted();
    let chunks: Chunks = once(data.subarray(start, end));
    for (const name of filtersOf(dict, text)) {
      const stage = STAGES[NAMES[name] ?? ''];
      if (!stage) break; // an image codec or an unknown filter: pdf.js does not decode it for text
      chunks = counted(stage(chunks), budget, weight);
    }
    try {
      for await (const chunk of chunks) void chunk;
    } catch (error) {
      if (error instanceof OverBudget) return true;
      throw error;
    }
  }
  return false;
}
