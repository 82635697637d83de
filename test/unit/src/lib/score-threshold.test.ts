import { describe, expect, it } from 'vitest';
import type { FoundEntity } from '../../../../workers/protocol';
import {
  applyThreshold,
  describeTags,
  formatScore,
  passesThreshold,
} from '../../../../src/lib/score-threshold';

const entity = (text: string, spans: number, score?: number): FoundEntity => ({
  text,
  spans: Array.from({ length: spans }, (_, i) => ({ start: i * 10, end: i * 10 + text.length })),
  match: spans ? 'exact' : 'none',
  ...(score === undefined ? {} : { score }),
});

const results = {
  person: [entity('Ada', 2, 0.9), entity('Bob', 1, 0.4), entity('Cy', 1)],
  location: [entity('Paris', 1, 0.5), entity('Atlantis', 0, 0.2)],
};

describe('confidence threshold', () => {
  it('0 shows everything and returns the same object (memoised views stay put)', () => {
    const view = applyThreshold(results, 0);
    expect(view.results).toBe(results);
    expect(view).toMatchObject({ shownSpans: 5, hiddenSpans: 0, hiddenEntities: 0, scored: true });
  });

  it('hides entities scored below it, counts hidden spans and strings, keeps order', () => {
    const view = applyThreshold(results, 0.5);
    expect(view.results.person!.map((e) => e.text)).toEqual(['Ada', 'Cy']);
    // At the threshold is shown; a string not in the text is hidden too (no span to count).
    expect(view.results.location!.map((e) => e.text)).toEqual(['Paris']);
    expect(view.shownSpans).toBe(4);
    expect(view.hiddenSpans).toBe(1);
    expect(view.hiddenEntities).toBe(2);
    // The run's results are untouched: moving the threshold back brings everything back.
    expect(results.person).toHaveLength(3);
    expect(applyThreshold(results, 0).results.person).toHaveLength(3);
  });

  it('never hides an entity without a score', () => {
    const view = applyThreshold({ x: [entity('a', 3), entity('b', 1)] }, 1);
    expect(view.results.x).toHaveLength(2);
    expect(view.scored).toBe(false);
    expect(passesThreshold(entity('a', 1), 1)).toBe(true);
  });

  it('1 hides everything scored below 1; nonsense thresholds show everything', () => {
    expect(applyThreshold(results, 1).hiddenEntities).toBe(4);
    expect(applyThreshold(results, Number.NaN).results).toBe(results);
    expect(applyThreshold(results, -1).results).toBe(results);
  });

  it('keeps a type whose entities all pass as the same array', () => {
    const view = applyThreshold(results, 0.45);
    expect(view.results.location).not.toBe(results.location);
    expect(view.results.person).not.toBe(results.person);
    const high = [entity('z', 1, 0.99)];
    const only = applyThreshold({ a: results.person, b: high }, 0.95);
    expect(only.results.a!.map((e) => e.text)).toEqual(['Cy']);
    expect(only.results.b).toBe(high);
  });
});

describe('score text', () => {
  it('rounds down, so the text agrees with the threshold', () => {
    expect(formatScore(0.93)).toBe('93%');
    expect(formatScore(0.499)).toBe('49%');
    expect(formatScore(0.29)).toBe('29%');
    expect(formatScore(1)).toBe('100%');
    expect(formatScore(0)).toBe('0%');
  });

  it('names types with their scores for tooltips and screen readers', () => {
    expect(describeTags([{ type: 'person', score: 0.934 }])).toBe('person, 93%');
    expect(describeTags([{ type: 'person', score: 0.93 }, { type: 'organization' }])).toBe(
      'person, 93%; organization',
    );
  });
});
