import { describe, expect, it } from 'vitest';
import type { FoundEntity } from '../../../../workers/protocol';
import { spanRows, toConllBio, toCsv, toJson, toJsonLines } from '../../../../src/lib/export-formats';

const passage = 'Barack Obama visited "New York", said the New York Times.\nHe left, then.';
const at = (text: string, from = 0) => {
  const start = passage.indexOf(text, from);
  return { start, end: start + text.length };
};
const results: Record<string, FoundEntity[]> = {
  person: [{ text: 'Barack Obama', spans: [at('Barack Obama')], match: 'exact' }],
  location: [
    { text: 'New York', spans: [at('New York'), at('New York', 30)], match: 'exact' },
    { text: 'Atlantis', spans: [], match: 'none' },
  ],
  organization: [{ text: 'New York Times', spans: [at('New York Times')], match: 'exact' }],
};
const order = ['person', 'location', 'organization'];

/** A small RFC 4180 parser for the round trip. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

describe('export formats', () => {
  it('lists every located span once, sorted, with the passage text at its offsets', () => {
    const rows = spanRows(passage, results, order);
    expect(rows.map((r) => [r.type, r.text])).toEqual([
      ['person', 'Barack Obama'],
      ['location', 'New York'],
      ['location', 'New York'],
      ['organization', 'New York Times'],
    ]);
    for (const row of rows) expect(passage.slice(row.start, row.end)).toBe(row.text);
  });

  it('JSON Lines parse back to {type,text,start,end}', () => {
    const lines = toJsonLines(passage, results, order).trimEnd().split('\n');
    const parsed = lines.map(
      (line) => JSON.parse(line) as { type: string; text: string; start: number; end: number },
    );
    expect(parsed).toHaveLength(4);
    for (const p of parsed) {
      expect(Object.keys(p)).toEqual(['type', 'text', 'start', 'end']);
      expect(passage.slice(p.start, p.end)).toBe(p.text);
    }
  });

  it('JSON keeps the results, the not-found strings and the model', () => {
    const doc = JSON.parse(toJson(passage, results, 'onnx-community/Qwen2.5-0.5B-Instruct', order));
    expect(doc.model).toBe('onnx-community/Qwen2.5-0.5B-Instruct');
    expect(doc.results.location[1]).toEqual({ text: 'Atlantis', spans: [], match: 'none' });
    expect(doc.spans).toHaveLength(4);
    expect(doc.entityTypes).toEqual(order);
  });

  it('CSV quotes commas, quotes and newlines and parses back', () => {
    const tricky: Record<string, FoundEntity[]> = {
      quote: [{ text: '"New York", said', spans: [at('"New York", said')], match: 'exact' }],
      'multi line': [{ text: 'Times.\nHe', spans: [at('Times.\nHe')], match: 'exact' }],
    };
    const csv = toCsv(passage, tricky);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['type', 'text', 'start', 'end', 'score']);
    expect(rows.slice(1)).toEqual([
      ['quote', '"New York", said', String(at('"New York"').start), String(at('"New York", said').end), ''],
      ['multi line', 'Times.\nHe', String(at('Times.\nHe').start), String(at('Times.\nHe').end), ''],
    ]);
  });

  it('CSV neutralises cells that would start a formula (OWASP): = + - @ tab and CR get a leading apostrophe', () => {
    const text = '=HYPERLINK("http://x","y") +1 -2 @SUM(A1) \tTab \rCR plain';
    const hostile = (piece: string) => {
      const start = text.indexOf(piece);
      return { text: piece, spans: [{ start, end: start + piece.length }], match: 'exact' as const };
    };
    const csv = toCsv(text, {
      thing: ['=HYPERLINK("http://x","y")', '+1', '-2', '@SUM(A1)', '\tTab', '\rCR', 'plain'].map((p) =>
        hostile(p),
      ),
      '=cmd|"/c calc"!A0': [hostile('plain')],
    });
    const rows = parseCsv(csv).slice(1);
    const texts = rows.filter((r) => r[0] === 'thing').map((r) => r[1]);
    expect(texts).toEqual([
      `'=HYPERLINK("http://x","y")`,
      `'+1`,
      `'-2`,
      `'@SUM(A1)`,
      `'\tTab`,
      `'\rCR`,
      'plain',
    ]);
    expect(rows.find((r) => r[1] === 'plain' && r[0] !== 'thing')![0]).toBe(`'=cmd|"/c calc"!A0`);
    // Numbers are numbers: offsets and scores are never prefixed.
    for (const row of rows) expect(row[2]).toMatch(/^\d+$/);
  });

  describe('scores', () => {
    const scored: Record<string, FoundEntity[]> = {
      person: [{ text: 'Barack Obama', spans: [at('Barack Obama')], match: 'exact', score: 0.875 }],
      location: [
        { text: 'New York', spans: [at('New York')], match: 'exact', score: 0.25 },
        // A tolerant second string on the same span: the span keeps the higher score.
        { text: 'new york', spans: [at('New York')], match: 'tolerant', score: 0.5 },
        { text: 'York', spans: [at('York')], match: 'exact' },
      ],
    };

    it('JSON Lines carry "score" when the entity has one, and no key when not', () => {
      const parsed = toJsonLines(passage, scored)
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(parsed).toEqual([
        { type: 'person', text: 'Barack Obama', ...at('Barack Obama'), score: 0.875 },
        { type: 'location', text: 'New York', ...at('New York'), score: 0.5 },
        { type: 'location', text: 'York', ...at('York') },
      ]);
      expect(Object.keys(parsed[0]!)).toEqual(['type', 'text', 'start', 'end', 'score']);
    });

    it('CSV has a score column, empty where unknown', () => {
      const rows = parseCsv(toCsv(passage, scored));
      expect(rows.map((row) => row.at(-1))).toEqual(['score', '0.875', '0.5', '']);
    });

    it('JSON keeps scores in the results and the flat spans', () => {
      const doc = JSON.parse(toJson(passage, scored, null)) as {
        results: Record<string, FoundEntity[]>;
        spans: { score?: number }[];
      };
      expect(doc.results.location!.map((e) => e.score)).toEqual([0.25, 0.5, undefined]);
      expect(doc.spans.map((s) => s.score)).toEqual([0.875, 0.5, undefined]);
    });
  });

  it('CoNLL BIO labels whitespace tokens and resolves overlaps longest-first', () => {
    const conll = toConllBio(passage, results, order);
    const sentences = conll.trim().split('\n\n');
    expect(sentences).toHaveLength(2); // the passage's line break
    const pairs = conll
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t') as [string, string]);
    const tokens = pairs.map(([t]) => t);
    expect(tokens.join(' ')).toBe(passage.split(/\s+/).join(' '));
    const labelOf = (token: string, nth = 0) => pairs.filter(([t]) => t === token)[nth]![1];
    expect(labelOf('Barack')).toBe('B-person');
    expect(labelOf('Obama')).toBe('I-person');
    // `"New York",` tokens: the quote is part of the token; still labelled.
    expect(labelOf('"New')).toBe('B-location');
    expect(labelOf('York",')).toBe('I-location');
    // The second "New York" lies inside "New York Times": the longer organization wins.
    expect(labelOf('New')).toBe('B-organization');
    expect(labelOf('York')).toBe('I-organization');
    expect(labelOf('Times.')).toBe('I-organization');
    expect(labelOf('said')).toBe('O');
  });

  it('CoNLL labels never contain whitespace', () => {
    const conll = toConllBio('Written in Python today', {
      'programming language': [{ text: 'Python', spans: [{ start: 11, end: 17 }], match: 'exact' }],
    });
    expect(conll).toContain('Python\tB-programming_language\n');
    expect(toConllBio('', {})).toBe('');
  });
});
