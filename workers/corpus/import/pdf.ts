/**
 * PDF: the text layer of every page through pdf.js (injected), pages joined with "\n" and their
 * ranges kept, so a span can say its page. A scanned PDF (no text anywhere) is one problem; a
 * page without text in an otherwise textual PDF is a problem naming the page, and the document
 * still imports.
 */
import type { PageRange } from '../document';
import { DEFAULT_MAX_PDF_DECODED_BYTES, DEFAULT_MAX_PDF_PAGES, pdfDecodesPast } from './pdf-limits';
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
  maxDecodedBytes = DEFAULT_MAX_PDF_DECODED_BYTES,
  maxPages = DEFAULT_MAX_PDF_PAGES,
): AsyncGenerator<ImportItem> {
  const file = source.name;
  if (!loadPdfJs) {
    yield problem(file, 'PDF import is not available here (pdf.js was not given)');
    return;
  }
  const pdfjs = await loadPdfJs();
  const data = await source.bytes();
  signal?.throwIfAborted();
  if (await pdfDecodesPast(data, maxDecodedBytes, signal)) {
    yield problem(
      file,
      `its compressed streams decompress to more than ${maxDecodedBytes.toLocaleString('en-US')} bytes (the limit per PDF): a decompression bomb? not read`,
    );
    return;
  }
  const task = pdfjs.getDocument({ data, isEvalSupported: false, verbosity: 0 });
  let pdf;
  try {
    pdf = await task.promise;
  } catch (error) {
    yield problem(file, describeFailure(error));
    await task.destroy().catch(() => undefined);
    return;
  }
  if (pdf.numPages > maxPages) {
    // pdf.js takes milliseconds per page (a 2 MB file of 20,000 empty pages took 3 minutes).
    yield problem(
      file,
      `it has ${pdf.numPages.toLocaleString('en-US')} pages, over the limit of ${maxPages.toLocaleString('en-US')} per PDF: split it`,
    );
    await pdf.destroy().catch(() => undefined);
    return;
  }
  const pageProblems: ImportItem[] = [];
  const pages: PageRange[] = [];
  let text = '';
  let failedPages = 0;
  let firstFailure = '';
  try {
    for (let page = 1; page <= pdf.numPages; page += 1) {
      signal?.throwIfAborted();
      let content = '';
      try {
        content = pageText((await (await pdf.getPage(page)).getTextContent()).items);
        if (content.trim() === '') pageProblems.push(problem(file, 'no text layer on this page', { page }));
      } catch (error) {
        // The problem carries the page: the message does not repeat it.
        failedPages += 1;
        firstFailure ||= describeFailure(error);
        pageProblems.push(problem(file, describeFailure(error), { page }));
      }
      if (page > 1) text += '\n';
      pages.push({ start: text.length, end: text.length + content.length, page });
      text += content;
      if (text.length > maxChars) {
        yield problem(
          file,
          `the text is over ${maxChars.toLocaleString('en-US')} characters by this page (the limit per document): too long for one document`,
          { page },
        );
        return;
      }
    }
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
  yield { kind: 'progress', bytesRead: source.size, totalBytes: source.size };
  if (failedPages > 0 && failedPages === pdf.numPages) {
    // Not a scan: pdf.js could not read the pages at all (a loop, deep nesting, damage).
    yield problem(
      file,
      `cannot read any of its ${pdf.numPages} page${pdf.numPages === 1 ? '' : 's'}: ${firstFailure}`,
    );
    return;
  }
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
