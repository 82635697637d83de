/**
 * "Import annotations" off the main thread: a module worker that reads the file the person chose
 * and parses it with the same pure importers (a 100k-span export must not freeze the page). One
 * request, one answer: `{ file, currentText }` in, the `ImportedReview` (or an error message) out.
 */
import { importReview, type ImportedReview } from './review-document';

/** What the page sends. */
export interface ImportRequest {
  readonly file: Blob & { readonly name: string };
  readonly currentText: string;
}

/** What the worker answers. */
export type ImportAnswer =
  { readonly ok: true; readonly review: ImportedReview } | { readonly ok: false; readonly error: string };

/** Reads and parses one request (exported for the unit test; the worker runs it on each message). */
export async function answerImport({ file, currentText }: ImportRequest): Promise<ImportAnswer> {
  try {
    return { ok: true, review: importReview(await file.text(), file.name, currentText) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

// In a worker scope (not when a test imports this module), answer each message.
const scope = globalThis as unknown as {
  WorkerGlobalScope?: unknown;
  onmessage: ((event: { data: ImportRequest }) => void) | null;
  postMessage(message: ImportAnswer): void;
};
if (typeof scope.WorkerGlobalScope !== 'undefined')
  scope.onmessage = (event) => void answerImport(event.data).then((answer) => scope.postMessage(answer));
