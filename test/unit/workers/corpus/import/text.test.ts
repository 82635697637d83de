/** Plain text and Markdown import: one document per file, binary and oversized files refused. */
import { describe, expect, it } from 'vitest';
import { importFormatOf } from '../../../../../workers/corpus/import';
import { collect, generatedSource, memorySource } from './sources';

describe('text import', () => {
  it('reads a .txt file as one document, UTF-8 split across chunks intact', async () => {
    const text = 'Zoë Saldaña met 李白 in Paris.\r\nSecond line 🎉.\n';
    const { documents, problems, progress } = await collect(memorySource('notes/a.txt', text, 3));
    expect(problems).toEqual([]);
    expect(documents).toEqual([
      {
        id: 'notes/a.txt',
        name: 'notes/a.txt',
        text,
        meta: {},
        types: [],
        status: 'pending',
        reviewed: false,
      },
    ]);
    expect(progress.at(-1)).toEqual({
      kind: 'progress',
      bytesRead: new TextEncoder().encode(text).length,
      totalBytes: new TextEncoder().encode(text).length,
    });
  });

  it('drops a UTF-8 byte order mark', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('# Title')]);
    const { documents } = await collect(memorySource('README.MD', bytes));
    expect(documents[0]!.text).toBe('# Title');
  });

  it.each([
    ['', /empty/],
    [' \n\t \r\n ', /only whitespace/],
  ])('refuses a document of only whitespace (%j)', async (text, message) => {
    const { documents, problems } = await collect(memorySource('blank.txt', text));
    expect(documents).toEqual([]);
    expect(problems).toEqual([{ file: 'blank.txt', message: expect.stringMatching(message) as string }]);
  });

  it('refuses a binary file renamed .txt (NUL bytes), naming the line', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('PK header\nline two\n'), 0, 1, 2, 0xff]);
    const { documents, problems } = await collect(memorySource('photo.txt', bytes, 4));
    expect(documents).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'photo.txt', line: 3 });
    expect(problems[0]!.message).toMatch(/binary content \(a NUL byte at byte 19\)/);
  });

  it('refuses invalid UTF-8 as one problem and no document', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('ok\n'), 0xc3, 0x28, 0x41]);
    const { documents, problems } = await collect(memorySource('latin.md', bytes));
    expect(documents).toEqual([]);
    expect(problems).toEqual([
      { file: 'latin.md', line: 2, message: expect.stringMatching(/not UTF-8/) as string },
    ]);
  });

  it('stops reading a 200 MB file at the size limit instead of holding it', async () => {
    const chunk = new TextEncoder().encode('word '.repeat(13_107) + '\n'); // 65,536 bytes
    const total = 200 * 1024 * 1024;
    let chunksRead = 0;
    const source = generatedSource('huge.txt', total, async function* () {
      for (let sent = 0; sent < total; sent += chunk.length) {
        chunksRead += 1;
        yield chunk;
      }
    });
    const { documents, problems } = await collect(source);
    expect(documents).toEqual([]);
    expect(problems).toEqual([
      {
        file: 'huge.txt',
        message: expect.stringMatching(/over 5,000,000 characters \(209,715,200 bytes\)/) as string,
      },
    ]);
    // It read a little past the limit, not the whole 3,200 chunks.
    expect(chunksRead).toBeLessThan(100);
  });

  it('honours a smaller maxDocumentChars', async () => {
    const { problems } = await collect(memorySource('a.txt', 'x'.repeat(50)), { maxDocumentChars: 10 });
    expect(problems[0]!.message).toMatch(/over 10 characters/);
  });

  it('knows formats by extension, in any case', () => {
    expect(
      [
        'a.txt',
        'b.MD',
        'c.markdown',
        'd.jsonl',
        'e.ndjson',
        'f.CSV',
        'g.pdf',
        'h.docx',
        'README',
        'x.pdf.zip',
      ].map(importFormatOf),
    ).toEqual(['text', 'text', 'text', 'jsonl', 'jsonl', 'csv', 'pdf', undefined, undefined, undefined]);
  });

  it('reports a file of unknown format as a problem', async () => {
    const { documents, problems } = await collect(memorySource('slides.pptx', 'x'));
    expect(documents).toEqual([]);
    expect(problems[0]).toMatchObject({
      file: 'slides.pptx',
      message: expect.stringMatching(/not a format/) as string,
    });
  });

  it('stops with the abort reason when the signal fires', async () => {
    const controller = new AbortController();
    controller.abort(new Error('closed'));
    await expect(collect(memorySource('a.txt', 'hello'), { signal: controller.signal })).rejects.toThrow(
      'closed',
    );
  });
});
