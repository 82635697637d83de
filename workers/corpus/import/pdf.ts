/**
 * PDF: the text layer of every page through pdf.js (injected), pages joined with "\n" and their
 * ranges kept, so a span can say its page. A scanned PDF (no text anywhere) is one problem; a
 * page without text in an otherwise textual PDF is a problem naming the page, and the document
 * still imports.
 */
import type { PageRange } from '../document';
import { newDocument, problem } from './records';
import type { ImportItem, ImportSource, PdfJsLike } from './types';

/** One page's text: the items' strings, a newline where pdf.js says a line ends. */
export function pageText(items: readonly unknown[]): string {
  let text = '';
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue;
    const { str, hasEOL } = item as { str?: unknown; hasEOL?: unknown };
    if (typeof str === 'string') text += str;
    if (hasEOL === true) text += '\n';
  }
  return text.replace(/\n+$/, '');
}

function describeFailure(error: unknown): string {
  const name = (error as { name?: string } | null)?.name;
  const message = (error as { message?: string } | null)?.message ?? String(error);
  if (name === 'PasswordException')
    return 'encrypted PDF: it needs a password, which the importer does not ask for';
  if (name === 'InvalidPDFException') return `corrupt PDF: ${message}`;
  return `cannot read the PDF: ${message}`;
}

export async function* importPdf(
  source: ImportSource,
  loadPdfJs: (() => Promise<PdfJsLike>) | undefined,
  maxChars: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<ImportItem> {
  const file = source.name;
  if (!loadPdfJs) {
    yield problem(file, 'PDF import is not available here (pdf.js was not given)');
    return;
  }
  const pdfjs = await loadPdfJs();
  const data = await source.bytes();
  signal?.throwIfAborted();
  const task = pdfjs.getDocument({ data, isEvalSupported: false, verbosity: 0 });
  let pdf;
  try {
    pdf = await task.promise;
  } catch (error) {
    yield problem(file, describeFailure(error));
    await task.destroy().catch(() => undefined);
    return;
  }
  const pageProblems: ImportItem[] = [];
  const pages: PageRange[] = [];
  let text = '';
  try {
    for (let page = 1; page <= pdf.numPages; page += 1) {
      signal?.throwIfAborted();
      let content = '';
      try {
        content = pageText((await (await pdf.getPage(page)).getTextContent()).items);
        if (content.trim() === '')
          pageProblems.push(problem(file, `page ${page} has no text layer`, { page }));
      } catch (error) {
        pageProblems.push(problem(file, `page ${page}: ${describeFailure(error)}`, { page }));
      }
      if (page > 1) text += '\n';
      pages.push({ start: text.length, end: text.length + content.length, page });
      text += content;
      if (text.length > maxChars) {
        yield problem(
          file,
          `the text is over ${maxChars.toLocaleString('en-US')} characters by page ${page}: too long for one document`,
          { page },
        );
        return;
      }
    }
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
  yield { kind: 'progress', bytesRead: source.size, totalBytes: source.size };
  if (text.trim() === '') {
    yield problem(
      file,
      `no text layer on any of its ${pdf.numPages} page${pdf.numPages === 1 ? '' : 's'}: a scan? (run OCR first)`,
    );
    return;
  }
  yield* pageProblems;
  yield { kind: 'document', document: newDocument({ id: file, name: file, text, meta: {}, pages }) };
}
