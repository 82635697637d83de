// @vitest-environment jsdom
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorpusDb } from '../../../../src/lib/corpus/db';
import { initialAppState, useAppStore } from '../../../../src/store/app-store';
import { closeCorpus, deleteDocument, initCorpus, openDocument } from '../../../../src/store/corpus-actions';
import { setEntityTypes } from '../../../../src/store/actions';

let counter = 0;
let name = '';

/** A database as a closed tab left it: one document done for [person], one left running. */
async function seed(): Promise<void> {
  const db = await CorpusDb.open(name);
  const base = { meta: {}, types: [], status: 'pending' as const, reviewed: false };
  await db.addDocuments(
    [
      { ...base, id: 'a', name: 'a.txt', text: 'Ada and Ada met Bob.' },
      { ...base, id: 'b', name: 'b.txt', text: 'Nobody.' },
    ],
    'seed',
  );
  await db.writeResults(
    'a',
    ['person'],
    [
      { start: 0, end: 3, label: 'person', source: 'model', model: 'm', score: 0.8 },
      { start: 8, end: 11, label: 'person', source: 'model', model: 'm', score: 0.6 },
      { start: 16, end: 19, label: 'person', source: 'model', model: 'm' },
    ],
  );
  await db.setStatus('b', 'running');
  db.close();
}

beforeEach(async () => {
  name = `corpus-actions-${++counter}`;
  localStorage.clear();
  useAppStore.setState({ ...initialAppState, entityTypes: ['person'] });
  await seed();
});
afterEach(() => closeCorpus());

describe('corpus actions', () => {
  it('on start-up a document left running is pending again; a type change marks done ones stale', async () => {
    await initCorpus(name);
    const statuses = () => useAppStore.getState().corpusDocuments.map((d) => d.status);
    expect(useAppStore.getState().corpusReady).toBe(true);
    expect(statuses()).toEqual(['done', 'pending']);
    setEntityTypes(['person', 'place']);
    await expect.poll(statuses).toEqual(['stale', 'pending']);
    setEntityTypes(['person']);
    await expect.poll(statuses).toEqual(['done', 'pending']);
  });

  it('opening a document puts its text and stored highlights in the editor; deleting it clears it', async () => {
    await initCorpus(name);
    await openDocument('a');
    const state = useAppStore.getState();
    expect(state.passage).toBe('Ada and Ada met Bob.');
    expect(state.runPassage).toBe(state.passage);
    expect(state.runStatus).toBe('done');
    expect(state.runTypes).toEqual(['person']);
    expect(state.results.person).toEqual([
      {
        text: 'Ada',
        spans: [
          { start: 0, end: 3 },
          { start: 8, end: 11 },
        ],
        match: 'exact',
        score: 0.8,
      },
      { text: 'Bob', spans: [{ start: 16, end: 19 }], match: 'exact' },
    ]);
    expect(state.typeRuns.person).toMatchObject({ status: 'done', count: 2 });
    await deleteDocument('a');
    expect(useAppStore.getState().corpusOpenId).toBeNull();
    expect(useAppStore.getState().corpusDocuments.map((d) => d.id)).toEqual(['b']);
  });
});
