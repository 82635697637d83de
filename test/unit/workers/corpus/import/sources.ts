/** In-memory `ImportSource`s for the importer tests, and a collector for its items. */
import type { ImportItem, ImportSource } from '../../../../../workers/corpus/import';
import { importDocuments, type ImportOptions } from '../../../../../workers/corpus/import';
import type { CorpusDocument, ImportProblem } from '../../../../../workers/corpus/document';

/** A source over `content`, delivered in chunks of `chunkSize` bytes (splits lines and UTF-8 sequences). */
export function memorySource(name: string, content: string | Uint8Array, chunkSize = 7): ImportSource {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return {
    name,
    size: bytes.length,
    async *chunks() {
      for (let start = 0; start < bytes.length; start += chunkSize)
        yield bytes.slice(start, start + chunkSize);
    },
    async bytes() {
      return bytes.slice();
    },
  };
}

/** A source whose chunks come from a generator (for sizes never held in memory). */
export function generatedSource(
  name: string,
  size: number,
  chunks: () => AsyncIterable<Uint8Array>,
): ImportSource {
  return {
    name,
    size,
    chunks,
    bytes: () => Promise.reject(new Error('not read whole')),
  };
}

/** Every document and problem of one import (progress dropped, but counted). */
export async function collect(
  source: ImportSource,
  options?: ImportOptions,
): Promise<{ documents: CorpusDocument[]; problems: ImportProblem[]; progress: ImportItem[] }> {
  const documents: CorpusDocument[] = [];
  const problems: ImportProblem[] = [];
  const progress: ImportItem[] = [];
  for await (const item of importDocuments(source, options)) {
    if (item.kind === 'document') documents.push(item.document);
    else if (item.kind === 'problem') problems.push(item.problem);
    else progress.push(item);
  }
  return { documents, problems, progress };
}
