// One home for each rule (#24): the page's type list and chunk estimate follow the engine's own limits,
// so what the page accepts is what Extract takes, and the chunk count it shows is the engine's split.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addTypes, addTypesNotice } from '../../../../src/lib/entity-types';
import { estimateChunks, estimateTokens } from '../../../../src/lib/passage-limits';
import { MAX_ENTITY_TYPE_LENGTH, MAX_ENTITY_TYPES, passageChunkTokens } from '../../../../workers/limits';
import { chunkPassage } from '../../../../workers/text/chunking';
import { validateEntityTypes } from '../../../../workers/text/prompt';

const typeText = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ minLength: 90, maxLength: 130 }),
  fc.constantFrom('person', 'Person', ' person ', 'a\nb', 'location', 'x'.repeat(MAX_ENTITY_TYPE_LENGTH)),
);

describe('entity types: the page keeps to the engine limits', () => {
  it('every non-empty list the page builds is one the engine accepts unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(typeText, { maxLength: 80 }),
        fc.array(typeText, { maxLength: 80 }),
        (first, more) => {
          const { list } = addTypes(addTypes([], first).list, more);
          expect(list.length).toBeLessThanOrEqual(MAX_ENTITY_TYPES);
          if (list.length > 0) expect(validateEntityTypes(list)).toEqual(list);
        },
      ),
      { seed: 24, numRuns: 300 },
    );
  });

  it('says what it left out and why', () => {
    const many = Array.from({ length: MAX_ENTITY_TYPES + 2 }, (_, i) => `type ${i}`);
    const result = addTypes(['person'], ['Person', 'y'.repeat(MAX_ENTITY_TYPE_LENGTH + 1), ...many]);
    expect(result.duplicates).toEqual(['Person']);
    expect(result.tooLong).toHaveLength(1);
    expect(result.list).toHaveLength(MAX_ENTITY_TYPES);
    expect(result.overLimit).toEqual(['type 49', 'type 50', 'type 51']); // 'person' + type 0…48 fill the 50
    const notice = addTypesNotice(result)!;
    expect(notice).toMatch(/Already in the list: “Person”/);
    expect(notice).toMatch(new RegExp(`Longer than ${MAX_ENTITY_TYPE_LENGTH} characters`));
    expect(notice).toMatch(new RegExp(`At most ${MAX_ENTITY_TYPES} types per run`));
    expect(addTypesNotice(addTypes([], ['a', 'b']))).toBeNull();
  });
});

describe('chunk estimate: the editor splits where the engine splits', () => {
  const sentence = fc
    .tuple(fc.constantFrom('Alice', 'The model', 'Paris', 'Überprüfung', '東京'), fc.nat({ max: 60 }))
    .map(([word, n]) => `${word} ${'word '.repeat(n)}ends here. `);

  it('for random context, answer budget and passage, the editor counts the engine chunker’s chunks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 128, max: 8192 }),
        fc.integer({ min: 1, max: 512 }),
        fc.array(sentence, { minLength: 1, maxLength: 120 }),
        (context, maxNew, sentences) => {
          const passage = sentences.join('');
          const engineBudget = passageChunkTokens(context, maxNew);
          const engineChunks = chunkPassage(passage, engineBudget, estimateTokens).length;
          const shown = estimateChunks(passage, context, maxNew);
          expect(shown.chunkTokens).toBe(engineBudget);
          expect(shown.chunks).toBe(engineChunks);
        },
      ),
      { seed: 24, numRuns: 150 },
    );
  });

  it('a 1,500-token passage on a 2,048-token model is split in two, as the engine does', () => {
    const passage = 'Alice Smith met Bob Jones in Paris last spring. '.repeat(125);
    expect(estimateTokens(passage)).toBeGreaterThan(1024);
    expect(estimateTokens(passage)).toBeLessThan(2048 - 256);
    expect(estimateChunks(passage, 2048, 256).chunks).toBe(2);
  });

  it('the budget is the engine formula: at most 1024, context minus answer minus 96, at least 32', () => {
    expect(passageChunkTokens(2048, 256)).toBe(1024);
    expect(passageChunkTokens(1024, 256)).toBe(1024 - 256 - 96);
    expect(passageChunkTokens(256, 256)).toBe(32);
  });
});
