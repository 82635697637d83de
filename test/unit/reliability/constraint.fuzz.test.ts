/**
 * Constrained decoding on random passages (the constraint tests use six fixed ones): random walks that
 * play "model" over the real LLaMA 32k vocabulary always end in an answer that JSON.parse reads as a
 * list of distinct passage substrings, which the streaming parser reads the same way and span
 * alignment places inside the passage.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { llamaTokenTable, randomWalk } from '../workers/decoding/constraint/helpers';
import { parseAnswer } from '../../../workers/text/stream-parser';
import { alignEntities } from '../../../workers/text/span-alignment';
import { RUNS, SEED } from './cases';

const piece = fc.constantFrom(
  'Obama',
  'Hawaii',
  ' ',
  '  ',
  '\n',
  '\t',
  '"',
  '\\',
  '/',
  '\u0000',
  '\u0007',
  '\u001f',
  '\u007f',
  'é',
  'e\u0301',
  '東京',
  '😀',
  '👨\u200d👩\u200d👧',
  'שלום',
  '[',
  ']',
  ',',
  '{',
  '}',
  "'",
  '</s>',
  'u0041',
  '\u2028',
);

describe('constrained decoding on random passages', () => {
  it(`random walks always end with EOS in a valid JSON list of passage substrings (${RUNS.constraintWalks} cases)`, () => {
    const table = llamaTokenTable();
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }).map((p) => p.join('')),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(4, 8, 16, 32, 48),
        fc.constantFrom(0, 0.3, 0.7),
        (passage, seed, maxNewTokens, closeBias) => {
          const walk = randomWalk(table, passage, { seed, maxNewTokens, closeBias });
          expect(walk.constraint.violation).toBeNull();
          expect(walk.endedWithEos).toBe(true);
          expect(walk.ids.length).toBeLessThanOrEqual(maxNewTokens);
          const parsed: unknown = JSON.parse(walk.text);
          expect(Array.isArray(parsed)).toBe(true);
          const items = parsed as unknown[];
          for (const item of items) {
            expect(typeof item).toBe('string');
            expect(passage.includes(item as string)).toBe(true);
          }
          expect(new Set(items).size).toBe(items.length);
          // The streaming parser agrees (blank strings are never entities) and alignment stays in bounds.
          const report = parseAnswer(walk.text);
          expect(report.wellFormed).toBe(true);
          expect([...report.entities]).toEqual((items as string[]).filter((s) => s.trim() !== ''));
          for (const found of alignEntities(passage, report.entities)) {
            for (const span of found.spans) expect(span.end).toBeLessThanOrEqual(passage.length);
          }
        },
      ),
      { seed: SEED, numRuns: RUNS.constraintWalks },
    );
  });
});
