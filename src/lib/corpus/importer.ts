/**
 * The shared importer (`workers/corpus/import`) with the browser's pdf.js: loaded on the first PDF
 * only (a dynamic import, so pdf.js stays out of the main bundle), its worker served from this
 * origin (the build's CSP allows `worker-src 'self'`).
 */
import {
  importDocuments,
  type ImportItem,
  type ImportOptions,
  type ImportSource,
  type PdfJsLike,
} from '../../../workers/corpus/import';

let pdfjs: Promise<PdfJsLike> | undefined;

/** pdf.js, loaded once. */
function loadBrowserPdfJs(): Promise<PdfJsLike> {
  pdfjs ??= (async () => {
    const [module, worker] = await Promise.all([
      import('pdfjs-dist'),
      import('pdfjs-dist/build/pdf.worker.min.mjs?url'),
    ]);
    module.GlobalWorkerOptions.workerSrc = worker.default;
    return module as unknown as PdfJsLike;
  })();
  return pdfjs;
}

/** The page's importer: the shared one with pdf.js filled in. */
export function pageImporter(source: ImportSource, options: ImportOptions = {}): AsyncGenerator<ImportItem> {
  return importDocuments(source, { loadPdfJs: loadBrowserPdfJs, ...options });
}

export type { ImportItem, ImportOptions, ImportSource };
