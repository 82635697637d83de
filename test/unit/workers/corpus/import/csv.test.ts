/** CSV import: a header, one document per row, quoted fields with newlines, bad rows reported. */
import { describe, expect, it } from 'vitest';
import { collect, memorySource } from './sources';

describe('CSV import', () => {
  it('reads one document per row, other columns as meta, quoted commas and newlines kept', async () => {
    const input =
      'id,title,text\r\nr1,First,"Obama, Barack was born in ""Hawaii""."\r\nr2,Second,"Line one\nline two"\r\n';
    const { documents, problems } = await collect(memorySource('rows.csv', input, 4));
    expect(problems).toEqual([]);
    expect(documents.map(({ id, name, text, meta }) => ({ id, name, text, meta }))).toEqual([
      {
        id: 'r1',
        name: 'rows.csv #2',
        text: 'Obama, Barack was born in "Hawaii".',
        meta: { id: 'r1', title: 'First' },
      },
      { id: 'r2', name: 'rows.csv #3', text: 'Line one\nline two', meta: { id: 'r2', title: 'Second' } },
    ]);
  });

  it('numbers rows by the line they start on, after a multi-line field', async () => {
    const input = 'text\n"a\nb\nc"\nplain\n';
    const { documents } = await collect(memorySource('m.csv', input));
    expect(documents.map((doc) => [doc.id, doc.text])).toEqual([
      ['m.csv:2', 'a\nb\nc'],
      ['m.csv:5', 'plain'],
    ]);
  });

  it('detects a semicolon or tab delimiter from the header', async () => {
    const { documents } = await collect(memorySource('s.csv', 'label;content\nx;Hello, world\n'));
    expect(documents[0]).toMatchObject({ text: 'Hello, world', meta: { label: 'x' } });
    const tabs = await collect(memorySource('t.csv', 'sentence\tlabel\nHi there\ty\n'));
    expect(tabs.documents[0]).toMatchObject({ text: 'Hi there', meta: { label: 'y' } });
  });

  it('reports rows with the wrong column count and whitespace-only text; the rest imports', async () => {
    const input = 'id,text,source\n1,good,a\n2,too,many,cells\n3\n4,  ,b\n5,fine,c\n';
    const { documents, problems } = await collect(memorySource('bad.csv', input));
    expect(documents.map((doc) => doc.id)).toEqual(['1', '5']);
    expect(problems).toEqual([
      { file: 'bad.csv', line: 3, message: 'the row has 4 columns, the header 3 ("id", "text", "source")' },
      { file: 'bad.csv', line: 4, message: 'the row has 1 column, the header 3 ("id", "text", "source")' },
      { file: 'bad.csv', line: 5, message: 'the text is only whitespace' },
    ]);
  });

  it('reports a CSV without the chosen column once, naming the columns it has', async () => {
    const input = 'id,abstract\n1,x\n2,y\n';
    const chosen = await collect(memorySource('p.csv', input), { textField: 'body_text' });
    expect(chosen.documents).toEqual([]);
    expect(chosen.problems).toEqual([
      { file: 'p.csv', line: 1, message: 'no column "body_text"; the columns are "id", "abstract"' },
    ]);
    const none = await collect(memorySource('p.csv', input));
    expect(none.problems[0]!.message).toMatch(/^no text column \(tried text, content/);
    const picked = await collect(memorySource('p.csv', input), { textField: 'abstract' });
    expect(picked.documents.map((doc) => doc.text)).toEqual(['x', 'y']);
  });

  it('reports an unterminated quote', async () => {
    const { documents, problems } = await collect(memorySource('q.csv', 'text\nok\n"never closed\n'));
    expect(documents.map((doc) => doc.text)).toEqual(['ok']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'q.csv', line: 3 });
    expect(problems[0]!.message).toMatch(/^not a CSV row: /);
  });
});
