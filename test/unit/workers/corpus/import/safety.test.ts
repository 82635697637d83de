/**
 * Issue 28, the importer: an unclosed CSV quote reports the rows it swallowed and the rest still
 * imports; CR, LF and CRLF line endings; UTF-16 with a BOM read, without one named; invalid UTF-8 in
 * a JSONL/CSV record named; an empty input said; a deeply nested value refused at import; a PDF whose
 * every page fails is not called a scan, page problems do not repeat the page, and a decompression
 * bomb is refused with the limit in the message.
 */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadNodePdfJs } from '../../../../../tools/cli/node-import-source';
import { writePdf, writeRawPdf } from '../../../../fixtures/pdf-writer';
import { collect, memorySource } from './sources';

const utf16le = (text: string) => new Uint8Array([0xff, 0xfe, ...Buffer.from(text, 'utf16le')]);
const utf16be = (text: string) => {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return new Uint8Array([0xfe, 0xff, ...le]);
};

describe('an unclosed CSV quote', () => {
  const rows = Array.from({ length: 200 }, (_, i) => `${i + 3},row ${i + 3}`);

  it('running to the end of the file: one problem naming the swallowed lines; the rows after it import', async () => {
    const csv = ['id,text', '2,"unclosed start', ...rows].join('\n') + '\n';
    const { documents, problems } = await collect(memorySource('t.csv', csv, 4096));
    expect(problems).toEqual([
      {
        file: 't.csv',
        line: 2,
        message: expect.stringMatching(
          /unclosed quote.*200 more lines.*line 202.*lines 3–202 are read again/,
        ),
      },
    ]);
    expect(documents.map((d) => d.id)).toEqual(rows.map((r) => r.split(',')[0]));
    expect(documents[0]!.name).toBe('t.csv #3');
  });

  it('closed by a stray quote further down: the same, and the rows after the stray quote import too', async () => {
    const csv = ['id,text', '2,"unclosed', '3,a', '4,b', '5,c" here', '6,d'].join('\r\n') + '\r\n';
    const { documents, problems } = await collect(memorySource('t.csv', csv));
    expect(problems[0]).toMatchObject({
      line: 2,
      message: expect.stringMatching(/unclosed quote.*3 more lines/),
    });
    // Line 5 (`5,c" here`) is a row of its own, its stray quote kept as text.
    expect(documents.map((d) => [d.id, d.text])).toEqual([
      ['3', 'a'],
      ['4', 'b'],
      ['5', 'c" here'],
      ['6', 'd'],
    ]);
    expect(problems).toHaveLength(1);
  });

  it('running past the length limit: read up to there, the line after imports', async () => {
    const long = Array.from({ length: 100 }, (_, i) => `${i + 3},${'x'.repeat(50)}`);
    const csv = ['id,text', '2,"unclosed', ...long].join('\n') + '\n';
    // maxLineChars = 2 × 100 + 65,536: the quoted record passes it about 1,200 lines in.
    const many = Array.from({ length: 1_400 }, (_, i) => `${i + 3},${'y'.repeat(50)}`);
    const { documents, problems } = await collect(
      memorySource('t.csv', ['id,text', '2,"unclosed', ...many].join('\n') + '\n', 4096),
      { maxDocumentChars: 100 },
    );
    expect(problems[0]).toMatchObject({
      line: 2,
      message: expect.stringMatching(/unclosed quote.*passed 65,736 characters/),
    });
    // Every row is either a document or named in a problem: none vanishes.
    const named = new Set([...documents.map((d) => Number(d.id)), ...problems.map((p) => p.line)]);
    for (let line = 2; line <= 1_402; line++) expect(named.has(line), `line ${line}`).toBe(true);
    expect(documents.length).toBeGreaterThan(1_390);
    void csv;
  });

  it('keeps a real multi-line quoted field', async () => {
    const { documents, problems } = await collect(memorySource('t.csv', 'id,text\n1,"two\nlines"\n2,b\n'));
    expect(problems).toEqual([]);
    expect(documents.map((d) => [d.id, d.text, d.name])).toEqual([
      ['1', 'two\nlines', 't.csv #2'],
      ['2', 'b', 't.csv #4'],
    ]);
  });
});

describe('line endings', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])(
    '%s: JSONL and CSV lines are split and numbered alike, whatever the chunk boundaries',
    async (_, eol) => {
      for (const chunk of [1, 2, 3, 7, 4096]) {
        const jsonl = ['{"text":"a"}', '', '{"text":"b"}', '{oops'].join(eol) + eol;
        const j = await collect(memorySource('x.jsonl', jsonl, chunk));
        expect(j.documents.map((d) => [d.text, d.name])).toEqual([
          ['a', 'x.jsonl #1'],
          ['b', 'x.jsonl #3'],
        ]);
        expect(j.problems.map((p) => p.line)).toEqual([4]);
        const csv = ['id,text', '1,a', '2,"b', 'c"', '3,d'].join(eol) + eol;
        const c = await collect(memorySource('x.csv', csv, chunk));
        expect(c.problems).toEqual([]);
        expect(c.documents.map((d) => [d.id, d.name])).toEqual([
          ['1', 'x.csv #2'],
          ['2', 'x.csv #3'],
          ['3', 'x.csv #5'],
        ]);
        expect(c.documents[1]!.text).toBe(`b${eol}c`);
      }
    },
  );
});

describe('encodings', () => {
  it('reads UTF-16 LE and BE with a byte order mark (text, JSONL, CSV)', async () => {
    for (const encode of [utf16le, utf16be]) {
      const text = await collect(memorySource('a.txt', encode('Ünïcode 🎵 text'), 3));
      expect(text.problems).toEqual([]);
      expect(text.documents[0]!.text).toBe('Ünïcode 🎵 text');
      const jsonl = await collect(memorySource('a.jsonl', encode('{"text":"é 🎵"}\r\n{"text":"b"}\r\n'), 5));
      expect(jsonl.problems).toEqual([]);
      expect(jsonl.documents.map((d) => d.text)).toEqual(['é 🎵', 'b']);
      const csv = await collect(memorySource('a.csv', encode('id,text\n1,ça\n'), 5));
      expect(csv.documents.map((d) => d.text)).toEqual(['ça']);
    }
  });

  it('names UTF-16 without a byte order mark instead of reading garbage or calling it binary', async () => {
    const bare = Buffer.from('{"text":"hello"}\n{"text":"world"}\n', 'utf16le');
    for (const name of ['a.jsonl', 'a.csv', 'a.txt']) {
      const { documents, problems } = await collect(memorySource(name, new Uint8Array(bare)));
      expect(documents).toEqual([]);
      expect(problems).toEqual([
        { file: name, message: expect.stringMatching(/UTF-16 LE without a byte order mark/) },
      ]);
    }
  });

  it('names invalid UTF-8 inside a JSONL string or a CSV cell (a real U+FFFD is fine)', async () => {
    const bad = (text: string) =>
      Buffer.concat([
        Buffer.from(text.split('|')[0]!),
        Buffer.from([0xc3, 0x28]),
        Buffer.from(text.split('|')[1]!),
      ]);
    const jsonl = Buffer.concat([
      Buffer.from('{"text":"ok \uFFFD"}\n'),
      bad('{"text":"caf|"}\n'),
      Buffer.from('{"text":"fine"}\n'),
    ]);
    for (const chunk of [1, 3, 4096]) {
      const j = await collect(memorySource('u.jsonl', new Uint8Array(jsonl), chunk));
      expect(j.documents.map((d) => d.text)).toEqual(['ok \uFFFD', 'fine']);
      expect(j.problems).toEqual([
        { file: 'u.jsonl', line: 2, message: expect.stringMatching(/invalid UTF-8/) },
      ]);
    }
    const csv = Buffer.concat([Buffer.from('id,text\n1,a\n'), bad('2,"x\ny|"\n'), Buffer.from('3,c\n')]);
    const c = await collect(memorySource('u.csv', new Uint8Array(csv)));
    expect(c.documents.map((d) => d.id)).toEqual(['1', '3']);
    expect(c.problems).toEqual([{ file: 'u.csv', line: 3, message: expect.stringMatching(/invalid UTF-8/) }]);
  });
});

describe('empty inputs', () => {
  it.each([
    ['e.jsonl', '', /the file is empty/],
    ['e.jsonl', '\n  \n\r\n', /the file is empty/],
    ['e.csv', '', /the file is empty/],
    ['e.csv', 'id,text\n', /only a header row/],
    ['e.csv', '\uFEFFid,text\r\n\r\n', /only a header row/],
    ['e.txt', '', /the text is empty/],
  ])('%s %j says so', async (name, content, message) => {
    const { documents, problems } = await collect(memorySource(name, content));
    expect(documents).toEqual([]);
    expect(problems).toEqual([{ file: name, message: expect.stringMatching(message) }]);
  });
});

describe('deeply nested values', () => {
  it('are refused at import, naming the field, without overflowing the stack', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const ok = JSON.stringify({ a: [[[{ b: 1 }]]] });
    const jsonl = `{"text":"x","extra":${deep}}\n{"text":"y","extra":${ok}}\n`;
    const { documents, problems } = await collect(memorySource('d.jsonl', jsonl, 1 << 20));
    expect(problems).toEqual([
      {
        file: 'd.jsonl',
        line: 1,
        message: expect.stringMatching(/"extra" is nested more than 64 levels deep/),
      },
    ]);
    expect(documents.map((d) => d.text)).toEqual(['y']);
  });
});

describe('PDF problems', () => {
  const options = { loadPdfJs: loadNodePdfJs };

  it('do not repeat the page number the problem already carries', async () => {
    const bytes = writePdf({ pages: [['First.'], { drawing: true }] });
    const { problems } = await collect(memorySource('m.pdf', bytes), options);
    expect(problems).toEqual([{ file: 'm.pdf', page: 2, message: 'no text layer on this page' }]);
  }, 30_000);

  it('say the pages could not be read, not "a scan", when pdf.js fails on every page', async () => {
    // A page tree whose only kid is the tree itself: pdf.js throws on every page.
    const bytes = writeRawPdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [2 0 R] /Count 2 >>',
    ]);
    const { documents, problems } = await collect(memorySource('loop.pdf', bytes), options);
    expect(documents).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/^cannot read any of its \d+ pages?: /);
    expect(problems[0]!.message).not.toMatch(/scan/);
  }, 30_000);

  it('refuse a PDF of more pages than the limit, naming it', async () => {
    const bytes = writePdf({ pages: [['one'], ['two'], ['three']] });
    const { documents, problems } = await collect(memorySource('long.pdf', bytes), {
      ...options,
      maxPdfPages: 2,
    });
    expect(documents).toEqual([]);
    expect(problems).toEqual([
      { file: 'long.pdf', message: 'it has 3 pages, over the limit of 2 per PDF: split it' },
    ]);
    expect((await collect(memorySource('long.pdf', bytes), options)).documents).toHaveLength(1);
  }, 30_000);

  it('refuse a PDF whose streams decompress past the limit, naming it (a nested Flate bomb)', async () => {
    // 8 MB of spaces, deflated twice: a few kilobytes that expand to 8 MB (limit here: 1 MB).
    const inner = deflateSync(Buffer.alloc(8 << 20, 0x20), { level: 9 });
    const outer = deflateSync(inner, { level: 9 });
    const content = `<< /Length ${outer.length} /Filter [/FlateDecode /Fl#61teDecode] >>\nstream\n${outer.toString('latin1')}\nendstream`;
    const bytes = writeRawPdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>',
      content,
    ]);
    expect(bytes.length).toBeLessThan(64_000);
    const { documents, problems } = await collect(memorySource('bomb.pdf', bytes), {
      ...options,
      maxPdfDecodedBytes: 1 << 20,
    });
    expect(documents).toEqual([]);
    expect(problems).toEqual([
      {
        file: 'bomb.pdf',
        message: expect.stringMatching(/decompress to more than 1,048,576 bytes \(the limit per PDF\)/),
      },
    ]);
    // Under the limit it reads (no text: the content is spaces).
    const small = await collect(memorySource('bomb.pdf', bytes), {
      ...options,
      maxPdfDecodedBytes: 64 << 20,
    });
    expect(small.problems[0]!.message).not.toMatch(/limit per PDF/);
  }, 30_000);
});
