/**
 * Hostile Unicode for span alignment: combining marks, surrogate pairs, ZWJ emoji sequences, skin
 * tones, right-to-left text and marks, NFC vs NFD, case folding that changes length. Every span must
 * lie inside the passage, never split a surrogate pair, and an `exact` match must be the string itself.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { alignEntities, createAligner } from '../../../workers/text/span-alignment';
import type { FoundEntity } from '../../../workers/protocol';
import { RUNS, SEED } from './cases';

/** Whole units (a code point with everything that attaches to it): never start with a mark. */
const UNITS = [
  'a',
  'B',
  'z',
  'Obama',
  'hawaii',
  '42',
  '_',
  '-',
  '.',
  ',',
  '"',
  "'",
  '(',
  ')',
  '\\',
  ' ',
  '  ',
  '\n',
  '\t',
  '\u00a0',
  '\u3000',
  'é',
  'e\u0301',
  'Å',
  'A\u030a',
  'ñ',
  'n\u0303',
  'ß',
  'SS',
  'İ',
  'ı',
  'ﬁ',
  'Ω',
  'Ω',
  '😀',
  '𝒳',
  '𠜎',
  '👍🏽',
  '👨\u200d👩\u200d👧',
  '🏳\ufe0f\u200d🌈',
  '🇯🇵',
  'שלום',
  'مرحبا',
  '\u200f',
  '\u200e',
  '\u202e',
  'ک',
  'हिन्दी',
  '東京',
  'ㄱ',
  '\u1100\u1161',
];
/** Fragments that attach to the unit before them or are broken on their own. */
const FRAGMENTS = ['\u0301', '\u0308', '\u200d', '\ufe0f', '🏽', '\ud83d', '\ude00'];

const unit = fc.constantFrom(...UNITS);
const anyPiece = fc.oneof(
  { weight: 5, arbitrary: unit },
  { weight: 1, arbitrary: fc.constantFrom(...FRAGMENTS) },
);

function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
/** True when `offset` falls between the two halves of a surrogate pair. */
function splitsPair(text: string, offset: number): boolean {
  return (
    offset > 0 &&
    offset < text.length &&
    isHigh(text.charCodeAt(offset - 1)) &&
    isLow(text.charCodeAt(offset))
  );
}

/** The invariants every alignment result must satisfy, whatever the input. */
function expectSaneSpans(passage: string, found: FoundEntity): void {
  if (found.match === 'none') expect(found.spans).toEqual([]);
  else expect(found.spans.length).toBeGreaterThan(0);
  let previousEnd = 0;
  for (const span of found.spans) {
    expect(Number.isInteger(span.start) && Number.isInteger(span.end)).toBe(true);
    expect(span.start).toBeGreaterThanOrEqual(previousEnd); // sorted, non-overlapping
    expect(span.end).toBeGreaterThan(span.start);
    expect(span.end).toBeLessThanOrEqual(passage.length);
    expect(splitsPair(passage, span.start)).toBe(false);
    expect(splitsPair(passage, span.end)).toBe(false);
    if (found.match === 'exact') expect(passage.slice(span.start, span.end)).toBe(found.text);
    // Highlights never begin or end with whitespace.
    const covered = passage.slice(span.start, span.end);
    expect(covered.trim()).toBe(covered);
    previousEnd = span.end;
  }
}

describe('span alignment on hostile Unicode', () => {
  it(`spans stay in bounds, never split a surrogate pair, exact means equal (${RUNS.alignmentBounds} cases)`, () => {
    fc.assert(
      fc.property(
        fc.array(anyPiece, { maxLength: 40 }),
        fc.array(
          fc.oneof(
            fc.array(anyPiece, { minLength: 1, maxLength: 4 }).map((p) => p.join('')),
            fc.tuple(fc.nat(), fc.nat()),
          ),
          {
            maxLength: 6,
          },
        ),
        (pieces, wanted) => {
          const passage = pieces.join('');
          // Entities: random strings, or raw code-unit slices of the passage (which may cut anything).
          const entities = wanted.map((w) =>
            typeof w === 'string'
              ? w
              : passage.slice(
                  Math.min(w[0], w[1]) % (passage.length + 1),
                  Math.max(w[0], w[1]) % (passage.length + 1),
                ),
          );
          const results = alignEntities(passage, entities);
          expect(results.map((r) => r.text)).toEqual([...new Set(entities)]);
          for (const found of results) expectSaneSpans(passage, found);
        },
      ),
      { seed: SEED, numRuns: RUNS.alignmentBounds },
    );
  });

  it(`any run of whole units of the passage is found (${RUNS.alignmentFindsSubstrings} cases)`, () => {
    fc.assert(
      fc.property(fc.array(unit, { minLength: 1, maxLength: 40 }), fc.nat(), fc.nat(), (pieces, a, b) => {
        const passage = pieces.join('');
        const i = a % pieces.length;
        const j = i + 1 + (b % (pieces.length - i));
        const entity = pieces.slice(i, j).join('');
        const found = createAligner(passage).align(entity);
        expectSaneSpans(passage, found);
        if (entity.trim() === '') expect(found.match).toBe('none');
        else expect(found.match).not.toBe('none');
      }),
      { seed: SEED, numRuns: RUNS.alignmentFindsSubstrings },
    );
  });

  it(`NFC/NFD and upper-case spellings of a passage substring are found (${RUNS.alignmentNormalization} cases)`, () => {
    fc.assert(
      fc.property(
        fc.array(unit, { minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.nat(),
        fc.constantFrom<'NFC' | 'NFD' | 'upper' | 'lower'>('NFC', 'NFD', 'upper', 'lower'),
        fc.constantFrom<'NFC' | 'NFD' | 'as is'>('NFC', 'NFD', 'as is'),
        (pieces, a, b, spelling, passageForm) => {
          const passage = passageForm === 'as is' ? pieces.join('') : pieces.join('').normalize(passageForm);
          const i = a % pieces.length;
          const j = i + 1 + (b % (pieces.length - i));
          const original = pieces.slice(i, j).join('');
          if (original.trim() === '') return;
          const entity =
            spelling === 'upper'
              ? original.toUpperCase()
              : spelling === 'lower'
                ? original.toLowerCase()
                : original.normalize(spelling);
          const found = createAligner(passage).align(entity);
          expectSaneSpans(passage, found);
          // Case changes of the dotless/dotted i and final sigma are not reversible: only require a hit
          // where a round trip through the same folding keeps the text.
          const foldable = !/[İıΣσς]/u.test(original);
          if (foldable) expect(found.match).not.toBe('none');
        },
      ),
      { seed: SEED, numRuns: RUNS.alignmentNormalization },
    );
  });
});
