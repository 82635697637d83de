import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { StreamingListParser, parseAnswer } from '../../../../workers/text/stream-parser';

/** Feeds `input` in pieces cut at `cuts`; returns, per piece, what feed() returned. */
function feedPieces(
  input: string,
  cuts: readonly number[],
): { perPiece: string[][]; parser: StreamingListParser } {
  const parser = new StreamingListParser();
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), input.length];
  const perPiece: string[][] = [];
  for (let i = 0; i + 1 < bounds.length; i++)
    perPiece.push(parser.feed(input.slice(bounds[i], bounds[i + 1])));
  return { perPiece, parser };
}

/** Index of the character whose arrival completes each entity, found by feeding one unit at a time. */
function completionIndices(input: string): number[] {
  const parser = new StreamingListParser();
  const indices: number[] = [];
  for (let i = 0; i < input.length; i++) for (const _ of parser.feed(input.charAt(i))) indices.push(i);
  return indices;
}

/**
 * Checks that cutting `input` at `cuts` yields `expected` in order, each entity returned by the feed()
 * of the piece that holds its completing character `closeAt[i]`.
 */
function expectStreaming(
  input: string,
  cuts: readonly number[],
  expected: readonly string[],
  closeAt: readonly number[],
) {
  const { perPiece, parser } = feedPieces(input, cuts);
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), input.length];
  const want: string[][] = perPiece.map(() => []);
  expected.forEach((entity, k) => {
    const at = closeAt[k]!;
    const piece = bounds.findIndex((b, i) => i + 1 < bounds.length && at >= b && at < bounds[i + 1]!);
    want[piece]!.push(entity);
  });
  expect(perPiece).toEqual(want);
  expect(parser.finish().entities).toEqual(expected);
}

/** Renders a list of strings as JSON with random escapes and whitespace; records each closing quote. */
function renderList(
  items: readonly string[],
  choices: readonly number[],
): { text: string; closeAt: number[] } {
  let c = 0;
  const pick = (n: number) => (choices.length === 0 ? 0 : choices[c++ % choices.length]! % n);
  const ws = () => ['', ' ', '\n', '  \t', '\r\n'][pick(5)]!;
  let text = ws() + '[';
  const closeAt: number[] = [];
  items.forEach((item, i) => {
    if (i > 0) text += ws() + ',';
    text += ws() + '"';
    for (const unit of item.split('')) {
      const code = unit.charCodeAt(0);
      const hex = code.toString(16).padStart(4, '0');
      const style = pick(4);
      if (style === 0) text += `\\u${hex}`;
      else if (style === 1) text += `\\u${hex.toUpperCase()}`;
      else if (unit === '/' && style === 2) text += '\\/';
      else text += JSON.stringify(unit).slice(1, -1);
    }
    closeAt.push(text.length);
    text += '"';
  });
  return { text: text + ws() + ']' + ws(), closeAt };
}

describe('StreamingListParser: well-formed answers', () => {
  it('parses a plain list', () => {
    expect(parseAnswer('["Barack Obama", "Hawaii"]')).toEqual({
      entities: ['Barack Obama', 'Hawaii'],
      wellFormed: true,
    });
    expect(parseAnswer('[]')).toEqual({ entities: [], wellFormed: true });
    expect(parseAnswer(' \n [ ] \n')).toEqual({ entities: [], wellFormed: true });
  });

  it('decodes every JSON escape, surrogate pairs included', () => {
    const input = String.raw`["a\"b", "c\\d", "e\/f", "g\nh\ti", "\b\f\r", "\u00e9\u00C9", "\ud83d\ude00", "\uD834\uDD1E"]`;
    expect(parseAnswer(input)).toEqual({ entities: JSON.parse(input), wellFormed: true });
    expect(parseAnswer(input).entities[6]).toBe('😀');
  });

  it('keeps a lone surrogate escape, like JSON.parse', () => {
    expect(parseAnswer(String.raw`["\ud800x"]`).entities).toEqual(['\ud800x']);
  });

  it('keeps duplicates and drops empty and blank strings', () => {
    expect(parseAnswer('["a", "", "a", "  ", "\\n"]')).toEqual({ entities: ['a', 'a'], wellFormed: true });
  });

  it('accepts newlines between items (valid JSON)', () => {
    expect(parseAnswer('[\n  "a",\n  "b"\n]\n')).toEqual({ entities: ['a', 'b'], wellFormed: true });
  });

  it('calls the listener with each entity and its index', () => {
    const seen: [string, number][] = [];
    const parser = new StreamingListParser((entity, index) => seen.push([entity, index]));
    parser.feed('["x", "');
    expect(seen).toEqual([['x', 0]]);
    parser.feed('y"]');
    expect(seen).toEqual([
      ['x', 0],
      ['y', 1],
    ]);
    expect(parser.entities).toEqual(['x', 'y']);
  });

  it('finish() is idempotent and later feeds are ignored', () => {
    const parser = new StreamingListParser();
    parser.feed('["a"]');
    const report = parser.finish();
    expect(parser.feed('["b"]')).toEqual([]);
    expect(parser.finish()).toBe(report);
  });
});

describe('StreamingListParser: arbitrary cuts', () => {
  const tricky = String.raw`["Barack \"Barry\" Obama", "C:\\temp\/x", "Hawai\u02BBi", "😀 \ud83d\ude00", "né", "\u00e9t\u00E9"]`;
  const expected = JSON.parse(tricky) as string[];

  it('emits each entity exactly when its closing quote arrives', () => {
    const closeAt = completionIndices(tricky);
    // Cross-check the completion points independently: each is an unescaped closing `"`.
    expect(closeAt).toHaveLength(expected.length);
    for (const i of closeAt) expect(tricky[i]).toBe('"');
    expect(tricky.length - 1 - closeAt[closeAt.length - 1]!).toBe(1);
  });

  it('gives the same result for a cut at every position (inside escapes and surrogate pairs too)', () => {
    const closeAt = completionIndices(tricky);
    for (let k = 0; k <= tricky.length; k++) expectStreaming(tricky, [k], expected, closeAt);
  });

  it('gives the same result for every pair of cuts', () => {
    const closeAt = completionIndices(tricky);
    for (let a = 0; a <= tricky.length; a++) {
      for (let b = a; b <= tricky.length; b++) expectStreaming(tricky, [a, b], expected, closeAt);
    }
  });

  it('handles one unit per feed and the whole answer in one feed alike', () => {
    const byUnit = new StreamingListParser();
    for (const unit of tricky.split('')) byUnit.feed(unit);
    expect(byUnit.finish()).toEqual(parseAnswer(tricky));
  });

  it('random lists, random escapes, random multi-cuts (seeded)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (items, choices, rawCuts) => {
          const { text, closeAt } = renderList(items, choices);
          expect(JSON.parse(text)).toEqual(items);
          const keep = items.map((item) => item.trim() !== '');
          const expected = items.filter((_, i) => keep[i]);
          const expectedClose = closeAt.filter((_, i) => keep[i]);
          const cuts = rawCuts.map((c) => c % (text.length + 1));
          expectStreaming(text, cuts, expected, expectedClose);
          expect(feedPieces(text, cuts).parser.finish().wellFormed).toBe(true);
        },
      ),
      { seed: 20240611, numRuns: 500 },
    );
  });
});

describe('StreamingListParser: malformed answers are salvaged, never thrown', () => {
  const cases: [string, string, string[], RegExp][] = [
    ['text before the list', 'Sure! Here they are: ["a", "b"]', ['a', 'b'], /text before the list/],
    ['code fence', '```json\n["a"]\n```', ['a'], /text before the list.*text after the list/],
    ['trailing junk', '["a"] and that is all', ['a'], /text after the list was ignored/],
    ['a second list', '["a"]["b"]', ['a'], /text after the list/],
    ['missing [', '"a", "b"]', ['a', 'b'], /no opening \[/],
    ['missing [ and ]', '"a", "b"', ['a', 'b'], /no opening \[.*not closed/],
    ['unterminated string', '["a", "Bara', ['a'], /unterminated string was dropped \("Bara"\).*not closed/],
    ['unterminated inside an escape', '["a", "x\\', ['a'], /unterminated/],
    ['unterminated inside \\u', '["a", "x\\u00', ['a'], /unterminated string was dropped \("x\\\\u00"\)/],
    ['not closed', '["a", "b"', ['a', 'b'], /the list was not closed/],
    ['not closed after comma', '["a",', ['a'], /not closed/],
    ['nested lists', '[["a", "b"], "c", [["d"]]]', ['a', 'b', 'c', 'd'], /nested lists were flattened/],
    [
      'numbers and literals',
      '[1, "a", -2.5e3, true, null, "b"]',
      ['a', 'b'],
      /non-string items were skipped/,
    ],
    ['objects', '[{"name": "x", "l": [1, "]"]}, "a"]', ['a'], /non-string items/],
    ['unquoted words', '[Barack Obama, "Hawaii"]', ['Hawaii'], /non-string items/],
    ['missing opening quote', '[Obama", "Hawaii"]', ['Hawaii'], /non-string items/],
    ['single quotes', "['a', 'b\\'c', \"d\"]", ['a', "b'c", 'd'], /single-quoted/],
    ['missing comma', '["a" "b"]', ['a', 'b'], /missing comma/],
    ['trailing comma', '["a", "b",]', ['a', 'b'], /trailing comma/],
    ['empty item', '["a",, "b"]', ['a', 'b'], /empty item/],
    ['raw newline in a string', '["a\nb"]', ['a\nb'], /raw control character/],
    ['invalid escape', '["C:\\Users", "x\\u12zy"]', ['C:\\Users', 'x\\u12zy'], /invalid escape/],
    ['empty answer', '', [], /the answer is empty/],
    ['whitespace only', ' \n ', [], /the answer is empty/],
    ['prose only', 'There are no entities.', [], /no JSON list/],
    ['closing bracket only', ']', [], /no JSON list/],
    ['EOS text after the list', '["a"]</s>', ['a'], /text after the list/],
  ];

  it.each(cases)('%s', (_name, input, entities, problem) => {
    const report = parseAnswer(input);
    expect(report.entities).toEqual(entities);
    expect(report.wellFormed).toBe(false);
    expect(report.problem).toMatch(problem);
  });

  it.each(cases)('%s: the same at every cut', (_name, input) => {
    const whole = parseAnswer(input);
    for (let k = 0; k <= input.length; k++) expect(feedPieces(input, [k]).parser.finish()).toEqual(whole);
  });

  it('never throws on random text', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('[', ']', '"', "'", ',', '\\', 'u', '0', 'a', ' ', '\n', '{', '}'),
        }),
        (text) => {
          const report = parseAnswer(text);
          expect(Array.isArray(report.entities)).toBe(true);
          expect(report.wellFormed).toBe(report.problem === undefined);
        },
      ),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('well formed exactly when JSON.parse gives a list of strings', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('[', ']', '"', ',', '\\', 'n', '1', 'a', ' ', '\n', '{', '}', ':'),
        }),
        (text) => {
          let valid: boolean;
          try {
            const value: unknown = JSON.parse(text);
            valid = Array.isArray(value) && value.every((v) => typeof v === 'string');
          } catch {
            valid = false;
          }
          expect(parseAnswer(text).wellFormed).toBe(valid);
        },
      ),
      { seed: 11, numRuns: 3000 },
    );
  });
});
