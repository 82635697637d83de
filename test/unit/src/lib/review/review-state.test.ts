import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CorpusSpan } from '../../../../../workers/corpus/document';
import { EMPTY_HISTORY, record, redo, undo, type ReviewHistory } from '../../../../../src/lib/review/history';
import {
  acceptAllAbove,
  acceptSpan,
  addPersonSpan,
  findSpan,
  markReviewed,
  rejectAllBelow,
  rejectSpan,
  removeSpan,
  replaceModelSpans,
  retypeSpan,
  spanKey,
  type CommandResult,
  type ReviewState,
} from '../../../../../src/lib/review/review-state';

const TEXT = 'Alice Smith met Bob Jones in Paris.';
const model = (start: number, end: number, label: string, score?: number): CorpusSpan => ({
  start,
  end,
  label,
  source: 'model',
  model: 'm',
  ...(score === undefined ? {} : { score }),
});
const START: ReviewState = {
  spans: [model(0, 11, 'person', 0.9), model(16, 25, 'person', 0.4), model(29, 34, 'location', 0.8)],
  reviewed: false,
};

describe('review commands', () => {
  it('adds a person span and announces it', () => {
    const result = addPersonSpan(TEXT, START, { start: 29, end: 34, label: 'city' })!;
    expect(findSpan(result.state, { start: 29, end: 34, label: 'city' })).toEqual({
      start: 29,
      end: 34,
      label: 'city',
      source: 'person',
    });
    expect(result.message).toBe('Added city: Paris');
    // The model span under it is untouched.
    expect(findSpan(result.state, { start: 29, end: 34, label: 'location' })).toEqual(START.spans[2]);
  });

  it('adding what the model already proposed accepts the model span instead of doubling it', () => {
    const result = addPersonSpan(TEXT, START, { start: 0, end: 11, label: 'person' })!;
    expect(result.state.spans).toHaveLength(3);
    expect(findSpan(result.state, { start: 0, end: 11, label: 'person' })?.decision).toBe('accepted');
  });

  it('refuses empty labels and ranges outside the text', () => {
    expect(addPersonSpan(TEXT, START, { start: 0, end: 5, label: '  ' })).toBeNull();
    expect(addPersonSpan(TEXT, START, { start: 30, end: 99, label: 'x' })).toBeNull();
    expect(addPersonSpan(TEXT, START, { start: 3, end: 3, label: 'x' })).toBeNull();
  });

  it('deleting a model span rejects it; deleting a person span removes it', () => {
    const rejected = removeSpan(TEXT, START, { start: 16, end: 25, label: 'person' })!;
    expect(findSpan(rejected.state, { start: 16, end: 25, label: 'person' })?.decision).toBe('rejected');
    expect(rejected.message).toBe('Rejected person: Bob Jones');
    const added = addPersonSpan(TEXT, START, { start: 16, end: 19, label: 'first name' })!.state;
    const removed = removeSpan(TEXT, added, { start: 16, end: 19, label: 'first name' })!;
    expect(removed.state.spans).toEqual(START.spans);
    expect(removed.message).toBe('Deleted first name: Bob');
  });

  it('retyping a model span rejects it and adds a person span with the new type', () => {
    const result = retypeSpan(TEXT, START, { start: 29, end: 34, label: 'location' }, 'city')!;
    expect(findSpan(result.state, { start: 29, end: 34, label: 'location' })?.decision).toBe('rejected');
    expect(findSpan(result.state, { start: 29, end: 34, label: 'city' })?.source).toBe('person');
    expect(result.message).toBe('Changed location to city: Paris');
    // A person span is relabelled in place.
    const again = retypeSpan(TEXT, result.state, { start: 29, end: 34, label: 'city' }, 'capital')!;
    expect(findSpan(again.state, { start: 29, end: 34, label: 'city' })).toBeUndefined();
    expect(findSpan(again.state, { start: 29, end: 34, label: 'capital' })?.source).toBe('person');
    expect(retypeSpan(TEXT, START, { start: 29, end: 34, label: 'location' }, 'location')).toBeNull();
  });

  it('accepts and rejects one model span; never a person span', () => {
    const ref = { start: 0, end: 11, label: 'person' };
    const accepted = acceptSpan(TEXT, START, ref)!;
    expect(findSpan(accepted.state, ref)?.decision).toBe('accepted');
    expect(acceptSpan(TEXT, accepted.state, ref)).toBeNull();
    const rejected = rejectSpan(TEXT, accepted.state, ref)!;
    expect(findSpan(rejected.state, ref)?.decision).toBe('rejected');
    const person = addPersonSpan(TEXT, START, { start: 0, end: 5, label: 'name' })!.state;
    expect(acceptSpan(TEXT, person, { start: 0, end: 5, label: 'name' })).toBeNull();
    expect(rejectSpan(TEXT, person, { start: 0, end: 5, label: 'name' })).toBeNull();
  });

  it('accepts all undecided model spans at or above the threshold, leaving rejected ones rejected', () => {
    const withRejected = rejectSpan(TEXT, START, { start: 29, end: 34, label: 'location' })!.state;
    const result = acceptAllAbove(withRejected, 0.5)!;
    expect(result.state.spans.map((s) => s.decision)).toEqual(['accepted', undefined, 'rejected']);
    expect(result.message).toBe('Accepted 1 span');
    expect(acceptAllAbove(result.state, 0.5)).toBeNull();
    const below = rejectAllBelow(result.state, 0.5)!;
    expect(below.state.spans.map((s) => s.decision)).toEqual(['accepted', 'rejected', 'rejected']);
  });

  it('marks reviewed only when asked', () => {
    expect(START.reviewed).toBe(false);
    const result = markReviewed(START, true)!;
    expect(result.state.reviewed).toBe(true);
    expect(markReviewed(result.state, true)).toBeNull();
  });
});

describe('replaceModelSpans (a new run)', () => {
  it('keeps person spans and the decisions on spans the run proposes again', () => {
    let state = rejectSpan(TEXT, START, { start: 0, end: 11, label: 'person' })!.state;
    state = acceptSpan(TEXT, state, { start: 16, end: 25, label: 'person' })!.state;
    state = addPersonSpan(TEXT, state, { start: 29, end: 34, label: 'city' })!.state;
    state = markReviewed(state, true)!.state;
    const next = replaceModelSpans(state, [model(0, 11, 'person', 0.95), model(29, 34, 'city', 0.7)]);
    expect(next.spans).toEqual([
      { ...model(0, 11, 'person', 0.95), decision: 'rejected' },
      { start: 29, end: 34, label: 'city', source: 'person' },
    ]);
    // The model's spans changed, so a person has not reviewed these yet.
    expect(next.reviewed).toBe(false);
  });

  it('keeps the reviewed flag when the run proposes exactly the same spans', () => {
    const state = markReviewed(START, true)!.state;
    expect(replaceModelSpans(state, START.spans).reviewed).toBe(true);
  });
});

describe('history', () => {
  it('undoes and redoes with announcements', () => {
    const first = addPersonSpan(TEXT, START, { start: 0, end: 5, label: 'name' })!;
    const history = record(EMPTY_HISTORY, START, first);
    const undone = undo(history, first.state)!;
    expect(undone.state).toBe(START);
    expect(undone.message).toBe('Undone: Added name: Alice');
    const redone = redo(undone.history, undone.state)!;
    expect(redone.state).toBe(first.state);
    expect(redone.message).toBe('Redone: Added name: Alice');
    expect(undo(EMPTY_HISTORY, START)).toBeNull();
    expect(redo(EMPTY_HISTORY, START)).toBeNull();
  });

  it('forgets the oldest steps beyond its limit', () => {
    let history: ReviewHistory = EMPTY_HISTORY;
    let state = START;
    for (let i = 0; i < 5; i++) {
      const result = markReviewed(state, !state.reviewed)!;
      history = record(history, state, result, 3);
      state = result.state;
    }
    expect(history.past).toHaveLength(3);
  });

  /** A random command over the passage, as the UI could give it. */
  const command = fc.oneof(
    fc
      .record({
        start: fc.nat(TEXT.length),
        len: fc.integer({ min: 1, max: 8 }),
        label: fc.constantFrom('a', 'b'),
      })
      .map(
        ({ start, len, label }) =>
          (s: ReviewState) =>
            addPersonSpan(TEXT, s, { start, end: Math.min(TEXT.length, start + len), label }),
      ),
    fc.nat(10).map((i) => (s: ReviewState) => {
      const span = s.spans[i % Math.max(1, s.spans.length)];
      return span ? removeSpan(TEXT, s, span) : null;
    }),
    fc.tuple(fc.nat(10), fc.constantFrom('a', 'b', 'person')).map(([i, label]) => (s: ReviewState) => {
      const span = s.spans[i % Math.max(1, s.spans.length)];
      return span ? retypeSpan(TEXT, s, span, label) : null;
    }),
    fc.nat(10).map((i) => (s: ReviewState) => {
      const span = s.spans[i % Math.max(1, s.spans.length)];
      return span ? acceptSpan(TEXT, s, span) : null;
    }),
    fc.double({ min: 0, max: 1, noNaN: true }).map((t) => (s: ReviewState) => acceptAllAbove(s, t)),
    fc.double({ min: 0, max: 1, noNaN: true }).map((t) => (s: ReviewState) => rejectAllBelow(s, t)),
    fc.boolean().map((on) => (s: ReviewState) => markReviewed(s, on)),
  );

  it('undoing every command of any sequence restores the start, and redoing all of them the end', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 25 }), (commands) => {
        let state = START;
        let history: ReviewHistory = EMPTY_HISTORY;
        const seen: ReviewState[] = [START];
        for (const run of commands) {
          const result: CommandResult | null = run(state);
          if (!result) continue;
          history = record(history, state, result);
          state = result.state;
          seen.push(state);
          // The invariant: one span per (start, end, label).
          expect(new Set(state.spans.map(spanKey)).size).toBe(state.spans.length);
        }
        const end = state;
        for (let i = seen.length - 2; i >= 0; i--) {
          const undone = undo(history, state)!;
          ({ history, state } = undone);
          expect(state).toEqual(seen[i]);
        }
        expect(undo(history, state)).toBeNull();
        while (history.future.length) ({ history, state } = redo(history, state)!);
        expect(state).toEqual(end);
      }),
    );
  });
});
