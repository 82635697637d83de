/**
 * Hostile input for the streaming answer parser: random cuts of valid lists (must equal JSON.parse),
 * and random garbage cut anywhere (must never throw, and must not depend on where it was cut).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { StreamingListParser, parseAnswer, type ParseReport } from '../../../workers/text/stream-parser';
import { RUNS, SEED } from './cases';

/** Feeds `text` in pieces cut at the given positions (any order, duplicates allowed). */
function feedCut(text: string, cuts: readonly number[]): { report: ParseReport; streamed: string[] } {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const parser = new StreamingListParser();
  const streamed: string[] = [];
  let from = 0;
  for (const point of [...points, text.length]) {
    streamed.push(...parser.feed(text.slice(from, point)));
    from = point;
  }
  return { report: parser.finish(), streamed };
}

/** Any one code point (BMP or astral). */
const anyChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });

/** Strings that stress JSON: every escape, quotes, backslashes, control characters, lone surrogates. */
const hostileString = fc.string({
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('"', '\\', '/', '[', ']', ',', '{', '}', "'", ' ', '\n', '\t') },
    {
      weight: 2,
      arbitrary: fc.constantFrom('\u0000', '\u001f', '\u2028', '\ud83d', '\ude00', '😀', 'é', 'e\u0301'),
    },
    { weight: 5, arbitrary: anyChar },
  ),
  maxLength: 16,
});

/** JSON's own whitespace layouts: compact, indented, tab-indented. */
const layout = fc.constantFrom<undefined | number | string>(undefined, 1, 2, '\t', '\n');

const garbageUnit = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('[', ']', '"', "'", ',', '\\', 'u', 'd', '8', '0', '{', '}', ':', ' ', '\n'),
  },
  { weight: 1, arbitrary: fc.constantFrom('\ud800', '\udfff', '😀', '`', 'n', 'u', 'l', 'A') },
  { weight: 2, arbitrary: anyChar },
);

describe('StreamingListParser under random cuts and garbage', () => {
  it(`valid lists cut at random points equal JSON.parse (${RUNS.parserValidLists} cases)`, () => {
    fc.assert(
      fc.property(
        fc.array(hostileString, { maxLength: 8 }),
        layout,
        fc.array(fc.nat(), { maxLength: 30 }),
        (items, space, cuts) => {
          const text = JSON.stringify(items, null, space);
          const expected = (JSON.parse(text) as string[]).filter((s) => s.trim() !== '');
          const { report, streamed } = feedCut(text, cuts);
          expect(report.wellFormed).toBe(true);
          expect(report.problem).toBeUndefined();
          expect([...report.entities]).toEqual(expected);
          // Everything is emitted while streaming, in order, before finish().
          expect(streamed).toEqual(expected);
        },
      ),
      { seed: SEED, numRuns: RUNS.parserValidLists },
    );
  });

  it(`random garbage never throws and gives the same report however it is cut (${RUNS.parserGarbage} cases)`, () => {
    fc.assert(
      fc.property(
        fc.string({ unit: garbageUnit, maxLength: 80 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (text, cuts) => {
          const whole = parseAnswer(text);
          const { report, streamed } = feedCut(text, cuts);
          expect(report).toEqual(whole);
          expect(streamed).toEqual([...whole.entities]);
          for (const entity of report.entities) {
            expect(typeof entity).toBe('string');
            expect(entity.trim()).not.toBe('');
          }
          if (!report.wellFormed) expect(report.problem).toMatch(/\w/);
          // Well formed exactly when JSON.parse agrees it is a list of strings (same entities).
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          const isStringList = Array.isArray(parsed) && parsed.every((x) => typeof x === 'string');
          expect(report.wellFormed).toBe(isStringList);
          if (isStringList)
            expect([...report.entities]).toEqual((parsed as string[]).filter((s) => s.trim() !== ''));
        },
      ),
      { seed: SEED, numRuns: RUNS.parserGarbage },
    );
  });

  it(`a valid list wrapped in chatter or cut off is salvaged, never throws (${RUNS.parserGarbageAroundList} cases)`, () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('S', 'u', 'r', 'e', '!', ' ', '\n', '`', ':'), maxLength: 12 }),
        fc.array(hostileString, { minLength: 1, maxLength: 6 }),
        fc.string({ unit: garbageUnit, maxLength: 20 }),
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 12 }),
        (before, items, after, truncateAt, cuts) => {
          const list = JSON.stringify(items);
          const full = before + list + after;
          const { report } = feedCut(full, cuts);
          // Chatter before the list is skipped; everything after `]` is ignored.
          if (!before.includes('"') && !before.includes('[')) {
            expect([...report.entities]).toEqual(items.filter((s) => s.trim() !== ''));
          }
          // Cut anywhere (the token budget ran out): only whole strings come out, in order.
          const cut = list.slice(0, truncateAt % (list.length + 1));
          const partial = feedCut(cut, cuts).report.entities;
          const expected = items.filter((s) => s.trim() !== '');
          expect(expected.slice(0, partial.length)).toEqual([...partial]);
        },
      ),
      { seed: SEED, numRuns: RUNS.parserGarbageAroundList },
    );
  });
});
