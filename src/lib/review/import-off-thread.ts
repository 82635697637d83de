/**
 * Runs "Import annotations" in a module worker (import-worker.ts), so parsing a large export never
 * blocks the page; where no Worker exists (tests, old runtimes) it parses in place.
 */
import type { ImportAnswer, ImportRequest } from './import-worker';
import { importReview, type ImportedReview } from './review-document';

/** Parses an annotations file off the main thread: the review to load, or a thrown Error. */
export function importReviewOffThread(file: File, currentText: string): Promise<ImportedReview> {
  if (typeof Worker === 'undefined')
    return file.text().then((content) => importReview(content, file.name, currentText));
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./import-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<ImportAnswer>) => {
      worker.terminate();
      if (event.data.ok) resolve(event.data.review);
      else reject(new Error(event.data.error));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message || 'the import worker failed'));
    };
    const request: ImportRequest = { file, currentText };
    worker.postMessage(request);
  });
}
