import { describe, expect, it } from 'vitest';
import { compareSpans, type CorpusDocument } from '../../../../../workers/corpus/document';
import { importJsonl, jsonlLine, jsonlRecord } from '../../../../../workers/corpus/formats/jsonl';
import { corpusDocument, fresh, reviewed } from './sample';

describe('JSONL export', () => {
  it('writes the effective spans under "spans" and the rejected model spans under "rejected_spans"', () => {
    const record = jsonlRecord(reviewed);
    const text = reviewed.document.text;
    expect(record.spans.map((s) => [text.slice(s.start, s.end), s.source, s.decision])).toEqual([
      ['Ada Lovelace', 'model', 'accepted'],
      ['Charles Babbage', 'person', undefined],
      ['London', 'model', undefined],
    ]);
    expect(record.rejected_spans).toEqual([
      { start: 22, end: 29, label: 'person', source: 'model', score: 0.4, model: 'm1', decision: 'rejected' },
    ]);
    expect(record).toMatchObject({ id: 'doc-1', text, meta: { source: 'letters' }, reviewed: true });
  });

  it('writes one line per document, ending in a newline', () => {
    const line = jsonlLine(fresh);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line).rejected_spans).toBeUndefined();
  });
});

describe('JSONL import', () => {
  it('reads its own export back', () => {
    const { documents, problems } = importJsonl(jsonlLine(reviewed) + jsonlLine(fresh), 'corpus.jsonl');
    expect(problems).toEqual([]);
    expect(documents.map((d) => d.document.id)).toEqual(['doc-1', 'doc-2']);
    expect(documents[0]!.spans).toEqual([...reviewed.spans].sort(compareSpans));
    expect(documents[0]!.document.reviewed).toBe(true);
  });

  it("reads a Prodigy-style line: spans without a source are a person's, other keys go to meta", () => {
    const line = JSON.stringify({
      text: 'Ada met Bob',
      spans: [{ start: 0, end: 3, label: 'person' }],
      _input_hash: 7,
    });
    const { documents, problems } = importJsonl(line, 'p.jsonl');
    expect(problems).toEqual([]);
    expect(documents[0]!.document).toMatchObject({
      id: 'p.jsonl:1',
      meta: { _input_hash: 7 },
      status: 'pending',
    });
    expect(documents[0]!.spans).toEqual([{ start: 0, end: 3, label: 'person', source: 'person' }]);
  });

  it('reports each bad span with its line and imports the rest', () => {
    const text = 'Ada met Bob in Paris';
    const lines = [
      JSON.stringify({
        id: 'a',
        text,
        types: ['person', 'place'],
        spans: [
          { start: 0, end: 3, label: 'person', source: 'person' },
          { start: 15, end: 99, label: 'place', source: 'model' },
          { start: 8, end: 8, label: 'person', source: 'person' },
          { start: 8, end: 11, label: 'animal', source: 'person' },
          { start: 1, end: 5, label: 'person', source: 'person' },
          { start: 0, end: 3, label: 'person', source: 'person' },
        ],
      }),
      '{not json',
      JSON.stringify({ id: 'b', spans: [] }),
      '',
      JSON.stringify({ id: 'a', text }),
    ];
    const { documents, problems } = importJsonl(lines.join('\n'), 'bad.jsonl');
    expect(documents.map((d) => [d.document.id, d.spans.length])).toEqual([['a', 1]]);
    const byLine = problems.map((p) => [p.file, p.line, p.message]);
    expect(byLine).toEqual([
      ['bad.jsonl', 1, expect.stringMatching(/\[15, 99\) place lies outside the text \(20 characters\)/)],
      ['bad.jsonl', 1, expect.stringMatching(/\[8, 8\) person is empty/)],
      ['bad.jsonl', 1, expect.stringMatching(/"Bob" \[8, 11\) animal has an unknown label "animal"/)],
      ['bad.jsonl', 1, expect.stringMatching(/duplicate person span "Ada" \[0, 3\)/)],
      [
        'bad.jsonl',
        1,
        expect.stringMatching(/person span "da m" \[1, 5\) person overlaps "Ada" \[0, 3\) person/),
      ],
      ['bad.jsonl', 2, expect.stringMatching(/^not JSON/)],
      ['bad.jsonl', 3, 'the record has no "text" string'],
      ['bad.jsonl', 5, expect.stringMatching(/document id "a" already on line 1/)],
    ]);
  });

  it('refuses a record whose text differs from the stored document, keeping the stored one', () => {
    const stored: CorpusDocument = corpusDocument('doc-1', 'Another text', { reviewed: true });
    const { documents, problems } = importJsonl(jsonlLine(reviewed) + jsonlLine(fresh), 'c.jsonl', {
      existing: ({ id }) => (id === 'doc-1' ? stored : undefined),
    });
    expect(documents.map((d) => d.document.id)).toEqual(['doc-2']);
    expect(problems).toEqual([
      {
        file: 'c.jsonl',
        line: 1,
        message: expect.stringContaining('differs from the stored document "doc-1"'),
      },
    ]);
  });

  it("continues a stored document with the same text: its fields stay, the spans are the file's", () => {
    const stored = { ...fresh.document, name: 'kept name', status: 'stale' as const };
    const { documents } = importJsonl([jsonlLine(fresh)], 'c.jsonl', { existing: () => stored });
    expect(documents[0]!.document).toEqual({ ...stored, reviewed: false });
    expect(documents[0]!.spans).toHaveLength(2);
  });

  it('imports a 100 MB export line by line', () => {
    const line = jsonlLine(reviewed);
    const count = Math.ceil(100e6 / line.length);
    const lines = (function* () {
      for (let i = 0; i < count; i++) yield line.replace('"doc-1"', `"doc-${i}"`);
    })();
    const { documents, problems } = importJsonl(lines, 'big.jsonl');
    expect(problems).toEqual([]);
    expect(documents).toHaveLength(count);
  });
});
