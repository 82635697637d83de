/** JSONL import: one document per line, bad lines reported with their line number, streaming. */
import { describe, expect, it } from 'vitest';
import { importDocuments } from '../../../../../workers/corpus/import';
import { collect, generatedSource, memorySource } from './sources';

describe('JSONL import', () => {
  it('reads one document per line, the other fields as meta, ids from the records', async () => {
    const input = [
      JSON.stringify({ id: 'a1', text: 'Barack Obama was born in Hawaii.', source: 'wiki', year: 2008 }),
      '',
      JSON.stringify({ content: 'No id here.', tags: ['x'] }),
      JSON.stringify({ id: 7, body: 'Numeric id.' }),
    ].join('\r\n');
    const { documents, problems } = await collect(memorySource('docs.jsonl', input, 5));
    expect(problems).toEqual([]);
    expect(documents.map(({ id, name, text, meta }) => ({ id, name, text, meta }))).toEqual([
      {
        id: 'a1',
        name: 'docs.jsonl #1',
        text: 'Barack Obama was born in Hawaii.',
        meta: { id: 'a1', source: 'wiki', year: 2008 },
      },
      { id: 'docs.jsonl:3', name: 'docs.jsonl #3', text: 'No id here.', meta: { tags: ['x'] } },
      { id: '7', name: 'docs.jsonl #4', text: 'Numeric id.', meta: { id: 7 } },
    ]);
    expect(
      documents.every((doc) => doc.status === 'pending' && doc.types.length === 0 && !doc.reviewed),
    ).toBe(true);
  });

  it('prefers text over the other defaults, and takes the chosen textField', async () => {
    const line = JSON.stringify({ body: 'the body', text: 'the text', abstract: 'the abstract' });
    expect((await collect(memorySource('a.jsonl', line))).documents[0]!.text).toBe('the text');
    const chosen = await collect(memorySource('a.jsonl', line), { textField: 'abstract' });
    expect(chosen.documents[0]!.text).toBe('the abstract');
    expect(chosen.documents[0]!.meta).toEqual({ body: 'the body', text: 'the text' });
  });

  it('falls back to <file>:<line> for a duplicate id', async () => {
    const input = [
      { id: 'x', text: 'one' },
      { id: 'x', text: 'two' },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n');
    const { documents } = await collect(memorySource('d.jsonl', input));
    expect(documents.map((doc) => doc.id)).toEqual(['x', 'd.jsonl:2']);
  });

  it('reports every bad line with its number and keeps the good ones', async () => {
    const input = [
      '{"text": "good one"}',
      '{"text": "unterminated',
      '[1, 2]',
      '"just a string"',
      '{"title": "T", "abstract": "A"}',
      '{"text": 42}',
      '{"text": "   \\n\\t "}',
      '{"text": "good two"}',
    ].join('\n');
    const { documents, problems } = await collect(memorySource('mixed.jsonl', input));
    expect(documents.map((doc) => doc.text)).toEqual(['good one', 'good two']);
    expect(problems.map(({ file, line }) => `${file}:${line}`)).toEqual([
      'mixed.jsonl:2',
      'mixed.jsonl:3',
      'mixed.jsonl:4',
      'mixed.jsonl:5',
      'mixed.jsonl:6',
      'mixed.jsonl:7',
    ]);
    const messages = problems.map((p) => p.message);
    expect(messages[0]).toMatch(/^not JSON: /);
    expect(messages[1]).toBe('not a JSON object but an array');
    expect(messages[2]).toBe('not a JSON object but a string');
    expect(messages[3]).toBe(
      'no text field (tried text, content, body, passage, document, sentence); the fields are "title", "abstract"',
    );
    expect(messages[4]).toBe('the field "text" is a number, not a string');
    expect(messages[5]).toBe('the text is only whitespace');
  });

  it('names the chosen field when a record lacks it', async () => {
    const { problems } = await collect(memorySource('a.jsonl', '{"text": "t"}'), { textField: 'abstract' });
    expect(problems).toEqual([
      { file: 'a.jsonl', line: 1, message: 'no field "abstract"; the fields are "text"' },
    ]);
  });

  it('refuses a document over maxDocumentChars, and a giant line without holding it', async () => {
    const small = await collect(memorySource('a.jsonl', `{"text": "${'x'.repeat(30)}"}\n{"text": "ok"}`), {
      maxDocumentChars: 20,
    });
    expect(small.documents.map((doc) => doc.text)).toEqual(['ok']);
    expect(small.problems).toEqual([
      { file: 'a.jsonl', line: 1, message: 'the text is 30 characters, over the limit of 20' },
    ]);

    // A 200 MB line (no newline until the end): dropped while streaming, the next line still read.
    const piece = new TextEncoder().encode('y'.repeat(1 << 16));
    const total = 200 * 1024 * 1024;
    const source = generatedSource('giant.jsonl', total, async function* () {
      yield new TextEncoder().encode('{"text": "');
      for (let sent = 0; sent < total; sent += piece.length) yield piece;
      yield new TextEncoder().encode('"}\n{"text": "after"}\n');
    });
    const giant = await collect(source);
    expect(giant.documents.map((doc) => doc.text)).toEqual(['after']);
    expect(giant.problems).toHaveLength(1);
    expect(giant.problems[0]).toMatchObject({ file: 'giant.jsonl', line: 1 });
    expect(giant.problems[0]!.message).toMatch(/^the line is 209,715,212 characters, too long/);
  }, 60_000);

  it('streams 100,000 documents: each is yielded before the next chunk is read', async () => {
    const count = 100_000;
    let produced = 0;
    const source = generatedSource('big.jsonl', 0, async function* () {
      const encoder = new TextEncoder();
      for (let start = 0; start < count; start += 1000) {
        let block = '';
        for (let i = start; i < start + 1000; i += 1)
          block += `{"id":"d${i}","text":"Document number ${i}."}\n`;
        produced += 1000;
        yield encoder.encode(block);
      }
    });
    let documents = 0;
    let maxAhead = 0;
    for await (const item of importDocuments(source)) {
      if (item.kind === 'problem') throw new Error(item.problem.message);
      if (item.kind !== 'document') continue;
      if (item.document.id !== `d${documents}`) throw new Error(`out of order: ${item.document.id}`);
      documents += 1;
      // The importer never reads more than one chunk ahead of the documents it has handed over.
      maxAhead = Math.max(maxAhead, produced - documents);
    }
    expect(documents).toBe(count);
    expect(maxAhead).toBeLessThan(1000);
  }, 60_000);
});
