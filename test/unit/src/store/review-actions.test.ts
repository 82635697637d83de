// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import type { FoundEntity } from '../../../../workers/protocol';
import { initialAppState, persistedPart, useAppStore } from '../../../../src/store/app-store';
import {
  acceptAllShown,
  addSpan,
  changeSpanType,
  deleteSpan,
  loadReview,
  redoReview,
  reviewForResults,
  setReviewed,
  startReviewForRun,
  undoReview,
} from '../../../../src/store/review-actions';

const TEXT = 'Alice Smith met Bob Jones in Paris.';
const entity = (text: string, score: number): FoundEntity => {
  const start = TEXT.indexOf(text);
  return { text, spans: [{ start, end: start + text.length }], match: 'exact', score };
};
const state = () => useAppStore.getState();

/** Starts a run over `text` and streams `results` into it, as engine-actions does. */
function run(text: string, results: Record<string, FoundEntity[]>) {
  useAppStore.setState({ ...startReviewForRun(state(), text, Object.keys(results)), runStatus: 'running' });
  useAppStore.setState({ results, ...reviewForResults(state(), results) });
  useAppStore.setState({ runStatus: 'done' });
}

beforeEach(() => {
  localStorage.clear();
  useAppStore.setState(initialAppState, true);
  useAppStore.setState({
    loadedModel: { source: 'https://example.test/models/m', device: 'wasm', dtype: 'q4' } as never,
  });
});

describe('the review slice', () => {
  it('turns run results into model spans with the model id and score', () => {
    run(TEXT, { person: [entity('Alice Smith', 0.9)], location: [entity('Paris', 0.3)] });
    expect(state().reviewText).toBe(TEXT);
    expect(state().review.spans).toEqual([
      {
        start: 0,
        end: 11,
        label: 'person',
        source: 'model',
        model: 'https://example.test/models/m',
        score: 0.9,
      },
      {
        start: 29,
        end: 34,
        label: 'location',
        source: 'model',
        model: 'https://example.test/models/m',
        score: 0.3,
      },
    ]);
  });

  it('applies commands with undo/redo and announcements; accept all shown uses the minimum confidence', () => {
    run(TEXT, { person: [entity('Alice Smith', 0.9), entity('Bob Jones', 0.4)] });
    expect(addSpan({ start: 29, end: 34, label: 'city' })).toBe(true);
    expect(state().reviewAnnouncement).toBe('Added city: Paris');
    expect(changeSpanType({ start: 0, end: 11, label: 'person' }, 'author')).toBe(true);
    expect(deleteSpan({ start: 29, end: 34, label: 'city' })).toBe(true);
    useAppStore.setState({ minScore: 0.5 });
    // Nothing undecided at or above 0.5 is left: Alice Smith was rejected by the retype.
    expect(acceptAllShown()).toBe(false);
    useAppStore.setState({ minScore: 0.3 });
    expect(acceptAllShown()).toBe(true);
    expect(state().reviewAnnouncement).toBe('Accepted 1 span');
    expect(undoReview()).toBe(true);
    expect(state().reviewAnnouncement).toBe('Undone: Accepted 1 span');
    expect(redoReview()).toBe(true);
    expect(setReviewed(true)).toBe(true);
    expect(state().review.spans.map((s) => [s.label, s.source, s.decision])).toEqual([
      ['author', 'person', undefined],
      ['person', 'model', 'rejected'],
      ['person', 'model', 'accepted'],
    ]);
    expect(state().review.reviewed).toBe(true);
  });

  it('refuses edits while a run streams (its next result would overwrite them)', () => {
    run(TEXT, { person: [entity('Alice Smith', 0.9)] });
    useAppStore.setState({ runStatus: 'running' });
    expect(addSpan({ start: 29, end: 34, label: 'city' })).toBe(false);
    expect(state().reviewAnnouncement).toMatch(/Wait for the run/);
  });

  it('a new run over the same text keeps person spans and decisions; over another text starts afresh', () => {
    run(TEXT, { person: [entity('Alice Smith', 0.9), entity('Bob Jones', 0.4)] });
    addSpan({ start: 29, end: 34, label: 'city' });
    deleteSpan({ start: 16, end: 25, label: 'person' });
    run(TEXT, { person: [entity('Bob Jones', 0.5)] });
    expect(state().review.spans.map((s) => [s.label, s.source, s.decision])).toEqual([
      ['person', 'model', 'rejected'],
      ['city', 'person', undefined],
    ]);
    // Undo history belongs to the previous run's spans.
    expect(state().reviewHistory.past).toHaveLength(0);
    const other = 'Paris is in France.';
    run(other, { location: [] });
    expect(state().reviewText).toBe(other);
    expect(state().review.spans).toEqual([]);
  });

  it('persists the review with the draft, not the history', () => {
    run(TEXT, { person: [entity('Alice Smith', 0.9)] });
    setReviewed(true);
    const saved = persistedPart(state()) as Record<string, unknown>;
    expect(saved).toMatchObject({ reviewText: TEXT, reviewTypes: ['person'], review: state().review });
    expect(saved).not.toHaveProperty('reviewHistory');
    expect(saved).not.toHaveProperty('results');
  });

  it('loads imported spans as one undoable step over the same text, or as a fresh review of another', () => {
    run(TEXT, { person: [entity('Alice Smith', 0.9)] });
    loadReview(
      TEXT,
      ['city'],
      { spans: [{ start: 29, end: 34, label: 'city', source: 'person' }], reviewed: true },
      'Imported 1 span',
    );
    expect(state().review.spans).toHaveLength(1);
    expect(state().reviewTypes).toEqual(['person', 'city']);
    undoReview();
    expect(state().review.spans[0]?.label).toBe('person');
    loadReview('Other text.', ['x'], { spans: [], reviewed: false }, 'Imported 0 spans');
    expect(state().reviewText).toBe('Other text.');
    expect(state().reviewHistory.past).toHaveLength(0);
  });
});
