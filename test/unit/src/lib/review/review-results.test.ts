import { describe, expect, it } from 'vitest';
import { entitiesBySpan, reviewResults } from '../../../../../src/lib/review/review-results';

const text = 'Ada met Ada and bob.';

describe('review results: counts follow decisions', () => {
  it('groups counted spans by type and surface, in reading order, with the highest score', () => {
    expect(
      entitiesBySpan(text, [
        { start: 8, end: 11, label: 'person', score: 0.4 },
        { start: 0, end: 3, label: 'person', score: 0.9 },
        { start: 16, end: 19, label: 'person' },
      ]),
    ).toEqual({
      person: [
        {
          text: 'Ada',
          spans: [
            { start: 0, end: 3 },
            { start: 8, end: 11 },
          ],
          match: 'exact',
          score: 0.9,
        },
        { text: 'bob', spans: [{ start: 16, end: 19 }], match: 'exact' },
      ],
    });
  });

  it('keeps every asked type, the strings not found in the text, and the tolerant-match flag', () => {
    const run = {
      person: [
        { text: 'Bob', spans: [{ start: 16, end: 19 }], match: 'tolerant' as const },
        { text: 'Carl', spans: [], match: 'exact' as const },
      ],
      place: [],
    };
    // Only "bob" counts (the person rejected "Ada", say): what the caller passes is what counts.
    const out = reviewResults(text, [{ start: 16, end: 19, label: 'person' }], run, ['person', 'place']);
    expect(out).toEqual({
      person: [
        { text: 'bob', spans: [{ start: 16, end: 19 }], match: 'tolerant' },
        { text: 'Carl', spans: [], match: 'exact' },
      ],
      place: [],
    });
  });
});
