import { describe, expect, it } from 'vitest';
import type { CorpusSpan } from '../../../../workers/corpus/document';
import { mergeRerun } from '../../../../workers/corpus/rerun';

const model = (start: number, end: number, label: string, extra: Partial<CorpusSpan> = {}): CorpusSpan => ({
  start,
  end,
  label,
  source: 'model',
  score: 0.5,
  model: 'old',
  ...extra,
});
const person = (start: number, end: number, label: string): CorpusSpan => ({
  start,
  end,
  label,
  source: 'person',
});

describe('mergeRerun: a re-run keeps every person span and decision', () => {
  const old: CorpusSpan[] = [
    model(0, 5, 'person', { decision: 'accepted' }),
    model(0, 5, 'location', { decision: 'rejected' }),
    model(10, 15, 'person'),
    model(20, 25, 'person', { decision: 'accepted' }),
    person(30, 35, 'city'),
  ];

  it('a decision stays on a span that comes back the same, with the new score and model', () => {
    const merged = mergeRerun(
      old,
      [
        model(0, 5, 'person', { score: 0.9, model: 'new' }),
        model(0, 5, 'location', { score: 0.8, model: 'new' }),
        model(10, 15, 'person', { model: 'new' }),
      ],
      false,
    );
    expect(merged.spans).toContainEqual(
      model(0, 5, 'person', { score: 0.9, model: 'new', decision: 'accepted' }),
    );
    expect(merged.spans).toContainEqual(
      model(0, 5, 'location', { score: 0.8, model: 'new', decision: 'rejected' }),
    );
    expect(merged.spans).toContainEqual(model(10, 15, 'person', { model: 'new' }));
  });

  it('keeps person spans and decided spans the run does not propose again; drops undecided ones', () => {
    const merged = mergeRerun(old, [], false);
    expect(merged.spans).toEqual([
      model(0, 5, 'location', { decision: 'rejected' }),
      model(0, 5, 'person', { decision: 'accepted' }),
      model(20, 25, 'person', { decision: 'accepted' }),
      person(30, 35, 'city'),
    ]);
    expect(merged.keptDecisions).toBe(3);
    expect(merged.added).toBe(0);
  });

  it('a span differing in end or label is a different span: the decision does not move to it', () => {
    const merged = mergeRerun(
      [model(0, 5, 'person', { decision: 'rejected' })],
      [model(0, 6, 'person')],
      false,
    );
    expect(merged.spans).toEqual([model(0, 5, 'person', { decision: 'rejected' }), model(0, 6, 'person')]);
  });

  it('does not add a model span where a person already labelled the same range', () => {
    const merged = mergeRerun([person(30, 35, 'city')], [model(30, 35, 'city')], false);
    expect(merged.spans).toEqual([person(30, 35, 'city')]);
  });

  it('a new decision never comes from the run itself', () => {
    const merged = mergeRerun([], [model(1, 2, 'x', { decision: 'accepted' })], false);
    expect(merged.spans[0]!.decision).toBeUndefined();
  });

  it('a reviewed document stays reviewed unless the run proposes something new', () => {
    expect(mergeRerun(old, [model(10, 15, 'person')], true).reviewed).toBe(true);
    const withNew = mergeRerun(old, [model(40, 45, 'person')], true);
    expect(withNew.reviewed).toBe(false);
    expect(withNew.added).toBe(1);
    // Every decision is still there.
    expect(withNew.spans.filter((s) => s.decision)).toHaveLength(3);
    expect(mergeRerun(old, [], false).reviewed).toBe(false);
  });
});
