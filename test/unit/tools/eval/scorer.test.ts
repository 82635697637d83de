import { describe, expect, it } from 'vitest';
import { countMatches, score, type ScoredQuestion } from '../../../../tools/eval/scorer';

const q = (
  output: string | undefined,
  goldAnswer: string,
  entityType = 'person',
  id = 'q',
): ScoredQuestion => ({
  id,
  entityType,
  output,
  goldAnswer,
});

describe('score (strict, micro-averaged)', () => {
  it('sums tp, predictions and golds over questions', () => {
    const report = score([
      q('["Barack Obama", "Hawaii"]', '["Barack Obama"]'),
      q('[]', '["Michelle Obama"]'),
      q('["Paris"]', '["paris", "London"]', 'location'),
    ]);
    expect(report).toMatchObject({ questions: 3, tp: 2, predicted: 3, gold: 4 });
    expect(report.precision).toBeCloseTo(2 / 3);
    expect(report.recall).toBeCloseTo(2 / 4);
    expect(report.f1).toBeCloseTo((2 * (2 / 3) * 0.5) / (2 / 3 + 0.5));
  });

  it('matches after normalisation: articles, punctuation, case', () => {
    const report = score([q('["the U.S.", "New-York"]', '["US", "New York"]')]);
    // "New-York" → "newyork" ≠ "new york": punctuation is deleted, not replaced by a space.
    expect(report).toMatchObject({ tp: 1, predicted: 2, gold: 2 });
  });

  it('counts duplicates once per question, on both sides', () => {
    const report = score([q('["Obama", "obama", "Obama."]', '["Obama", "OBAMA"]')]);
    expect(report).toMatchObject({ tp: 1, predicted: 1, gold: 1, f1: 1 });
  });

  it('counts the same entity in two questions twice (dedupe is per question)', () => {
    const report = score([q('["Obama"]', '["Obama"]', 'person', 'a'), q('["Obama"]', '[]', 'person', 'b')]);
    expect(report).toMatchObject({ tp: 1, predicted: 2, gold: 1, precision: 0.5, recall: 1 });
  });

  it('reads outputs through get_response (last "ASSISTANT:", stripped) but gold through parser alone', () => {
    const report = score([
      q(' ["Obama"]', '["Obama"]', 'person', 'a'),
      q('\n["Paris"]\u3000', '["Paris"]', 'location', 'b'),
      q('ASSISTANT: ["x"] ASSISTANT: ["Rome"]', '["Rome"]', 'location', 'c'),
      q('["Oslo"]', ' ["Oslo"]', 'location', 'd'),
    ]);
    // The official code never strips gold answers, so a gold with a leading space is [].
    expect(report).toMatchObject({ tp: 3, predicted: 4, gold: 3 });
  });

  it('scores unparseable answers as [] (official quirks)', () => {
    const report = score([
      q('["a]b", "Obama"]', '["Obama"]'), // first "]" inside an entity
      q('["Obama",\n"Biden"]', '["Biden"]'), // list over two lines
      q('["Obama", 44]', '["Obama"]'), // a non-string item
      q('Answer: ["Obama"]', '["Obama"]'), // not at position 0 (whitespace alone is stripped first)
      q('[["Obama"]]', '["Obama"]'), // nested list
    ]);
    expect(report).toMatchObject({ tp: 0, predicted: 0, gold: 5, precision: 0, recall: 0, f1: 0 });
  });

  it('parses the gold with the same parser', () => {
    expect(score([q('["x"]', 'not json')])).toMatchObject({ gold: 0, predicted: 1, tp: 0 });
  });

  it('defines 0/0 as 0 like the official epsilon', () => {
    expect(score([])).toMatchObject({ questions: 0, precision: 0, recall: 0, f1: 0, partialF1: 0 });
    // No gold and no predictions anywhere: nothing to find, nothing found.
    expect(score([q('[]', '[]')])).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    // Predictions but no gold: precision 0, recall 0/0 = 0.
    expect(score([q('["x"]', '[]')])).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    // Gold but no predictions: precision 0/0 = 0.
    expect(score([q('[]', '["x"]')])).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });

  it('counts missing predictions as [] and reports them', () => {
    const report = score([q(undefined, '["Obama"]'), q('["Biden"]', '["Biden"]')]);
    expect(report).toMatchObject({ missing: 1, tp: 1, predicted: 1, gold: 2, precision: 1, recall: 0.5 });
  });

  it('breaks scores down per entity type and per dataset', () => {
    const report = score([
      { ...q('["Obama"]', '["Obama"]', 'person'), dataset: 'd1' },
      { ...q('["Paris"]', '["London"]', 'location'), dataset: 'd1' },
      { ...q('["Rome"]', '["Rome"]', 'location'), dataset: 'd2' },
    ]);
    expect(Object.keys(report.byType)).toEqual(['person', 'location']);
    expect(report.byType.person).toMatchObject({ questions: 1, f1: 1 });
    expect(report.byType.location).toMatchObject({ questions: 2, tp: 1, predicted: 2, gold: 2, f1: 0.5 });
    expect(report.byDataset.d1).toMatchObject({ questions: 2, tp: 1 });
    expect(report.byDataset.d2).toMatchObject({ questions: 1, tp: 1 });
  });
});

describe('partial match', () => {
  it('gives half credit to a prediction sharing a word with a gold entity', () => {
    const report = score([q('["Barack Obama", "Hawaii"]', '["Obama", "Honolulu , Hawaii"]')]);
    expect(report).toMatchObject({ tp: 0, partialMatches: 2, predicted: 2, gold: 2 });
    expect(report.partialPrecision).toBe(0.5);
    expect(report.partialRecall).toBe(0.5);
    expect(report.partialF1).toBe(0.5);
    expect(report.f1).toBe(0);
  });

  it('takes exact matches first; an exactly matched gold gives no partial credit', () => {
    // "Obama" matches exactly; "Barack Obama" shares "obama" with it but that gold is taken.
    expect(countMatches(['obama', 'barack obama'], ['obama'])).toEqual({
      tp: 1,
      partialMatches: 0,
      predicted: 2,
      gold: 1,
    });
  });

  it('lets each gold give credit once and each prediction take one gold', () => {
    expect(countMatches(['new york', 'york city'], ['york'])).toMatchObject({ partialMatches: 1 });
    expect(countMatches(['new york city'], ['new york', 'york city'])).toMatchObject({ partialMatches: 1 });
  });

  it('finds the largest set of partial pairs, whatever the order', () => {
    // Greedy in order would pair "new york" with "new jersey" and leave "york city" unmatched.
    const preds = ['new york', 'jersey shore'];
    const golds = ['new jersey', 'york city'];
    expect(countMatches(preds, golds).partialMatches).toBe(2);
    expect(countMatches([...preds].reverse(), golds).partialMatches).toBe(2);
  });

  it('never matches on articles or punctuation (they are normalised away) or on empty strings', () => {
    const report = score([q('["the Beatles", "The", "U.S. Army"]', '["The Rolling Stones", "U.S."]')]);
    // "beatles" vs "rolling stones": no shared word; "" has no words; "us army" shares "us" with "us".
    expect(report).toMatchObject({ tp: 0, partialMatches: 1, predicted: 3, gold: 2 });
  });

  it('counts an empty normalised string only as an exact match (official behaviour)', () => {
    expect(countMatches([''], [''])).toMatchObject({ tp: 1, partialMatches: 0 });
  });

  it('never beats strict when everything is exact, and equals strict with no overlaps', () => {
    const report = score([q('["a b", "c"]', '["a b", "d"]')]);
    expect(report.partialF1).toBe(report.f1);
  });
});
