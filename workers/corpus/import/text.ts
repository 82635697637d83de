/**
 * Plain text and Markdown: the whole file is one document, UTF-8 or (with a byte order mark)
 * UTF-16. A binary file renamed `.txt` (a NUL byte or invalid UTF-8) is one problem and no document; a file over the size limit stops being
 * read as soon as it passes it, so a 200 MB file never sits in memory.
 */
import { sniffEncoding } from './lines';
import { newDocument, problem, textProblem } from './records';
import type { ImportItem, ImportSource } from './types';

export async function* importText(
  source: ImportSource,
  maxChars: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<ImportItem> {
  const file = source.name;
  let decoder: TextDecoder | undefined;
  const parts: string[] = [];
  let chars = 0;
  let bytesRead = 0;
  let line = 1;
  try {
    for await (const chunk of source.chunks()) {
      signal?.throwIfAborted();
      if (!decoder) {
        // The byte order mark decides UTF-16; UTF-16 without one is named, not called binary.
        const sniffed = sniffEncoding(chunk);
        if ('message' in sniffed) {
          yield problem(file, sniffed.message);
          return;
        }
        decoder = new TextDecoder(sniffed.encoding, { fatal: true });
      }
      const nul = decoder.encoding === 'utf-8' ? chunk.indexOf(0) : -1;
      if (nul !== -1) {
        const offset = bytesRead + nul;
        yield problem(file, `binary content (a NUL byte at byte ${offset}), not a text file`, {
          line: line + countNewlines(chunk, nul),
        });
        return;
      }
      line += countNewlines(chunk, chunk.length);
      bytesRead += chunk.byteLength;
      const part = decoder.decode(chunk, { stream: true });
      chars += part.length;
      if (chars > maxChars) {
        yield problem(
          file,
          `the file is over ${maxChars.toLocaleString('en-US')} characters (${source.size.toLocaleString('en-US')} bytes): too long for one document; split it`,
        );
        return;
      }
      parts.push(part);
      yield { kind: 'progress', bytesRead, totalBytes: source.size };
    }
    if (decoder) parts.push(decoder.decode());
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    yield problem(file, `not UTF-8 text (invalid bytes near line ${line}): a binary file?`, { line });
    return;
  }
  const text = parts.join('');
  const bad = textProblem(text, maxChars);
  if (bad) {
    yield problem(file, bad);
    return;
  }
  yield { kind: 'document', document: newDocument({ id: file, name: file, text, meta: {} }) };
}

function countNewlines(chunk: Uint8Array, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i += 1) if (chunk[i] === 10) count += 1;
  return count;
}
