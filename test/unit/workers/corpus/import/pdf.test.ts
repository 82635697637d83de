/** PDF import through pdf.js (Node's legacy build, as the CLI loads it), on PDFs written by the test. */
import { describe, expect, it } from 'vitest';
import { pageAt } from '../../../../../workers/corpus/document';
import { pageText } from '../../../../../workers/corpus/import';
import { loadNodePdfJs } from '../../../../../tools/cli/node-import-source';
import { writePdf } from '../../../../fixtures/pdf-writer';
import { collect, memorySource } from './sources';

const options = { loadPdfJs: loadNodePdfJs };

describe('PDF import', () => {
  it('joins the pages with a newline and keeps their ranges', async () => {
    const bytes = writePdf({
      pages: [['Barack Obama was born in Hawaii.', 'He (later) moved.'], ['Page two text.']],
    });
    const { documents, problems } = await collect(memorySource('paper.pdf', bytes), options);
    expect(problems).toEqual([]);
    expect(documents).toHaveLength(1);
    const doc = documents[0]!;
    expect(doc).toMatchObject({ id: 'paper.pdf', name: 'paper.pdf', meta: {}, status: 'pending' });
    expect(doc.text).toBe('Barack Obama was born in Hawaii.\nHe (later) moved.\nPage two text.');
    expect(doc.pages).toEqual([
      { start: 0, end: 50, page: 1 },
      { start: 51, end: 65, page: 2 },
    ]);
    expect(pageAt(doc, doc.text.indexOf('Hawaii'))).toBe(1);
    expect(pageAt(doc, doc.text.indexOf('two'))).toBe(2);
  }, 30_000);

  it('names a page without a text layer and still imports the rest', async () => {
    const bytes = writePdf({ pages: [['First.'], { drawing: true }, ['Third.']] });
    const { documents, problems } = await collect(memorySource('mixed.pdf', bytes), options);
    expect(problems).toEqual([{ file: 'mixed.pdf', page: 2, message: 'no text layer on this page' }]);
    expect(documents[0]!.text).toBe('First.\n\nThird.');
    expect(documents[0]!.pages!.map((range) => range.page)).toEqual([1, 2, 3]);
    expect(pageAt(documents[0]!, documents[0]!.text.indexOf('Third'))).toBe(3);
  }, 30_000);

  it('says a PDF with no text at all is probably a scan', async () => {
    const { documents, problems } = await collect(
      memorySource('scan.pdf', writePdf({ pages: [{ drawing: true }, { drawing: true }] })),
      options,
    );
    expect(documents).toEqual([]);
    expect(problems).toEqual([
      { file: 'scan.pdf', message: 'no text layer on any of its 2 pages: a scan? (run OCR first)' },
    ]);
  }, 30_000);

  it('reports an encrypted PDF', async () => {
    const { documents, problems } = await collect(
      memorySource('locked.pdf', writePdf({ pages: [['Secret.']], encrypted: true })),
      options,
    );
    expect(documents).toEqual([]);
    expect(problems).toEqual([
      { file: 'locked.pdf', message: expect.stringMatching(/^encrypted PDF: it needs a password/) as string },
    ]);
  }, 30_000);

  it.each([
    ['a truncated file', writePdf({ pages: [['Some text.']] }).slice(0, 150)],
    ['not a PDF at all', new TextEncoder().encode('this is not a pdf')],
  ])(
    'reports a corrupt PDF (%s)',
    async (_what, bytes) => {
      const { documents, problems } = await collect(memorySource('broken.pdf', bytes), options);
      expect(documents).toEqual([]);
      expect(problems).toEqual([
        { file: 'broken.pdf', message: expect.stringMatching(/^corrupt PDF: /) as string },
      ]);
    },
    30_000,
  );

  it('refuses a PDF over maxDocumentChars, naming the page', async () => {
    const bytes = writePdf({ pages: [['a'.repeat(10)], ['b'.repeat(10)]] });
    const { documents, problems } = await collect(memorySource('long.pdf', bytes), {
      ...options,
      maxDocumentChars: 15,
    });
    expect(documents).toEqual([]);
    expect(problems).toEqual([
      {
        file: 'long.pdf',
        page: 2,
        message: expect.stringMatching(/over 15 characters by this page/) as string,
      },
    ]);
  }, 30_000);

  it('says so when pdf.js was not given', async () => {
    const { problems } = await collect(memorySource('a.pdf', writePdf({ pages: [['x']] })));
    expect(problems[0]!.message).toMatch(/pdf\.js was not given/);
  });

  it('joins text items, breaking lines where pdf.js says hasEOL', () => {
    expect(
      pageText([
        { str: 'Hello', hasEOL: false },
        { str: ' world', hasEOL: true },
        { type: 'beginMarkedContent' },
        { str: 'next', hasEOL: true },
      ]),
    ).toBe('Hello world\nnext');
  });
});
