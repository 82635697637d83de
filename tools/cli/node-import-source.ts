/**
 * The importer's inputs on disk: a file as an `ImportSource`, a folder walked recursively, and
 * pdf.js's Node build for `loadPdfJs`.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ImportSource, PdfJsLike } from '../../workers/corpus/import';

/** A file on disk, shown as `name` (its path relative to the folder given, or as given). */
export async function nodeImportSource(path: string, name = path): Promise<ImportSource> {
  const { size } = await stat(path);
  return {
    name,
    size,
    async *chunks() {
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) yield chunk as Buffer;
    },
    async bytes() {
      // A fresh copy: pdf.js may transfer (detach) the buffer it is given.
      return new Uint8Array(await readFile(path));
    },
  };
}

/** Every file under `folder`, recursively, in a stable (sorted) order, as paths relative to it. */
export async function listFolder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

let pdfjs: Promise<PdfJsLike> | undefined;

/** pdf.js's legacy build (the one that runs in Node), loaded once, its worker run in-process. */
export function loadNodePdfJs(): Promise<PdfJsLike> {
  pdfjs ??= (async () => {
    const module = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const require = createRequire(import.meta.url);
    module.GlobalWorkerOptions.workerSrc = pathToFileURL(
      require.resolve('pdfjs-dist/legacy/build/pdf.worker.mjs'),
    ).href;
    return module as unknown as PdfJsLike;
  })();
  return pdfjs;
}
