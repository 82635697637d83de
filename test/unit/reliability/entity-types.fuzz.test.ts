/**
 * Hostile entity types: quotes, braces, newlines, template words, 500 characters, 100 types at once.
 * Each list is either accepted as clean prompt text or rejected with an InputError that names the limit.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_ENTITY_TYPES, MAX_ENTITY_TYPE_LENGTH } from '../../../workers/limits';
import { uninerPrompt, validateEntityTypes } from '../../../workers/text/prompt';
import { InputError } from '../../../workers/errors';
import { RUNS, SEED } from './cases';

const typeUnit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'Z', ' ', '-', 'é', '東') },
  {
    weight: 3,
    arbitrary: fc.constantFrom('"', "'", '{', '}', '[', ']', '\\', '\n', '\r\n', '\t', '\u00a0', '\u2028'),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('</s>', '<s>', 'USER:', 'ASSISTANT:', '{{ x }}', '{% if %}', '😀'),
  },
);
const entityType = fc.oneof(
  { weight: 8, arbitrary: fc.array(typeUnit, { maxLength: 30 }).map((u) => u.join('')) },
  { weight: 1, arbitrary: fc.integer({ min: 90, max: 600 }).map((n) => 'x'.repeat(n)) },
);

function thrown(run: () => unknown): unknown {
  try {
    run();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('entity types from a hostile user', () => {
  it(`are accepted clean or rejected with an InputError naming the limit (${RUNS.entityTypes} cases)`, () => {
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 6, arbitrary: fc.array(entityType, { maxLength: 8 }) },
          { weight: 1, arbitrary: fc.array(entityType, { minLength: 40, maxLength: 120 }) },
        ),
        (types) => {
          const error = thrown(() => validateEntityTypes(types));
          if (error === undefined) {
            const clean = validateEntityTypes(types);
            expect(clean.length).toBeGreaterThan(0);
            expect(clean.length).toBeLessThanOrEqual(MAX_ENTITY_TYPES);
            expect(new Set(clean.map((t) => t.toLowerCase())).size).toBe(clean.length);
            for (const type of clean) {
              expect(type.length).toBeGreaterThan(0);
              expect(type.length).toBeLessThanOrEqual(MAX_ENTITY_TYPE_LENGTH);
              expect(type).toBe(type.trim());
              expect(type).not.toMatch(/\s\s|[\n\r\t\u2028]/u); // one line: it cannot start a new turn
              // Quotes and braces stay user text, verbatim, inside the one question of the prompt.
              const prompt = uninerPrompt('Some passage.', type);
              expect(prompt.endsWith(`USER: What describes ${type} in the text? ASSISTANT:`)).toBe(true);
            }
            return;
          }
          expect(error).toBeInstanceOf(InputError);
          const message = (error as InputError).message;
          expect(message).toMatch(
            new RegExp(
              `limit is ${MAX_ENTITY_TYPE_LENGTH}|limit is ${MAX_ENTITY_TYPES}|empty|No entity types`,
            ),
          );
        },
      ),
      { seed: SEED, numRuns: RUNS.entityTypes },
    );
  });

  it('a 500-character type: InputError with its length and the limit', () => {
    const error = thrown(() => validateEntityTypes(['person', 'y'.repeat(500)]));
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/500 characters long; the limit is 100/);
  });

  it('100 types at once: InputError with the count and the limit', () => {
    const types = Array.from({ length: 100 }, (_, i) => `type ${i}`);
    const error = thrown(() => validateEntityTypes(types));
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/100 entity types were given; the limit is 50/);
  });

  it('100 copies of one type (any case, any spacing) are one type, not an error', () => {
    const types = Array.from({ length: 100 }, (_, i) => (i % 2 ? ' Person\n' : 'person'));
    // The first spelling wins.
    expect(validateEntityTypes(types)).toEqual(['person']);
  });

  it('quotes, braces and newlines stay text on one line', () => {
    expect(validateEntityTypes(['"quoted"\n{braced}\r\n[listed]'])).toEqual(['"quoted" {braced} [listed]']);
  });
});
