/**
 * Plain text and Markdown: the whole file is one document. A binary file renamed `.txt` (a NUL
 * byte or invalid UTF-8) is one problem and no document; a file over the size limit stops being
 * read as soon as it passes it, so a 200 MB file never sits in memory.
 */
import { newDocument, problem, textProblem } from './records';
import type { ImportItem, ImportSource } from './types';

export async function* importText(
  source: ImportSource,
  maxChars: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<ImportItem> {
  const file = source.name;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parts: string[] = [];
  let chars = 0;
  let bytesRead = 0;
  let line = 1;
  try {
    for await (const chunk of source.chunks()) {
      signal?.throwIfAborted();
      const nul = chunk.indexOf(0);
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
    parts.push(decoder.decode());
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
