// @vitest-environment jsdom
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorpusDb } from '../../../../src/lib/corpus/db';
import { initialAppState, useAppStore } from '../../../../src/store/app-store';
import { closeCorpus, initCorpus, openDocument } from '../../../../src/store/corpus-actions';
import { addSpan, rejectOne, setReviewed } from '../../../../src/store/review-actions';

let counter = 0;
let name = '';

beforeEach(async () => {
  name = `review-corpus-${++counter}`;
  localStorage.clear();
  useAppStore.setState({ ...initialAppState, entityTypes: ['person'] }, true);
  const db = await CorpusDb.open(name);
  const base = { meta: {}, types: [], status: 'pending' as const, reviewed: false };
  await db.addDocuments([{ ...base, id: 'a', name: 'a.txt', text: 'Ada met Bob in Rome.' }], 'seed');
  await db.writeResults(
    'a',
    ['person'],
    [{ start: 0, end: 3, label: 'person', source: 'model', model: 'm', score: 0.8 }],
  );
  db.close();
});
afterEach(() => closeCorpus());

/** The stored spans and reviewed flag of document `a`, read through a second connection. */
async function stored() {
  const db = await CorpusDb.open(name);
  try {
    return { spans: await db.getSpans('a'), reviewed: (await db.getDocument('a'))?.reviewed };
  } finally {
    db.close();
  }
}

describe('corrections of an open corpus document', () => {
  it('opening a document shows its stored spans for review; each correction is stored with it', async () => {
    await initCorpus(name);
    await openDocument('a');
    expect(useAppStore.getState().reviewDocumentId).toBe('a');
    expect(useAppStore.getState().reviewText).toBe('Ada met Bob in Rome.');
    expect(useAppStore.getState().review.spans).toHaveLength(1);

    addSpan({ start: 8, end: 11, label: 'person' });
    rejectOne({ start: 0, end: 3, label: 'person' });
    setReviewed(true);
    await expect.poll(async () => (await stored()).reviewed).toBe(true);
    expect((await stored()).spans).toEqual([
      { start: 0, end: 3, label: 'person', source: 'model', model: 'm', score: 0.8, decision: 'rejected' },
      { start: 8, end: 11, label: 'person', source: 'person' },
    ]);
    // The list's summary follows.
    expect(useAppStore.getState().corpusDocuments[0]?.reviewed).toBe(true);

    // Reopening (after a reload the same happens) brings the corrections back.
    useAppStore.setState({ review: { spans: [], reviewed: false }, reviewDocumentId: null });
    await openDocument('a');
    expect(useAppStore.getState().review.reviewed).toBe(true);
    expect(useAppStore.getState().review.spans.map((s) => s.decision ?? s.source)).toEqual([
      'rejected',
      'person',
    ]);
  });
});
