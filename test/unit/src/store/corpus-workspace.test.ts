// @vitest-environment jsdom
/**
 * The workspace's store actions: a re-import asks once and waits for the answer; moving between
 * documents follows the list as filtered; "next to review" skips reviewed ones.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CorpusDocument } from '../../../../workers/corpus/document';
import type { ImportItem } from '../../../../workers/corpus/import';
import { CorpusDb } from '../../../../src/lib/corpus/db';
import { initialAppState, useAppStore } from '../../../../src/store/app-store';
import {
  answerStoredIdQuestion,
  closeCorpus,
  importCorpusFiles,
  initCorpus,
  openDocument,
  openNeighbour,
  openNextUnreviewed,
  setCorpusStatusFilter,
} from '../../../../src/store/corpus-actions';

let counter = 0;
let name = '';

const doc = (id: string, line: number): CorpusDocument => ({
  id,
  name: `news.jsonl #${line}`,
  text: `Text ${id}.`,
  meta: {},
  types: [],
  status: 'pending',
  reviewed: false,
});

/** An importer that yields the given documents whatever the file holds (the store is under test). */
function importerOf(docs: CorpusDocument[]) {
  return async function* (): AsyncGenerator<ImportItem> {
    for (const document of docs) yield { kind: 'document', document };
  };
}
const file = (fileName: string) => new File(['x'], fileName);
const state = () => useAppStore.getState();

beforeEach(async () => {
  name = `corpus-workspace-${++counter}`;
  localStorage.clear();
  useAppStore.setState({ ...initialAppState, entityTypes: ['person'] });
  await initCorpus(name);
});
afterEach(() => closeCorpus());

describe('workspace actions', () => {
  it('a re-import waits for one answer; keep both imports beside under file-named ids', async () => {
    const docs = [doc('1', 1), doc('2', 2)];
    await importCorpusFiles([file('news.jsonl')], importerOf(docs));
    expect(state().corpusDocuments.map((d) => [d.id, d.name])).toEqual([
      ['1', 'news.jsonl · line 1'],
      ['2', 'news.jsonl · line 2'],
    ]);
    const again = importCorpusFiles([file('news.jsonl')], importerOf(docs));
    await expect
      .poll(() => state().corpusImportQuestion)
      .toEqual({ file: 'news.jsonl', count: 2, reviewed: 0 });
    answerStoredIdQuestion('keep-both');
    await again;
    expect(state().corpusImportQuestion).toBeNull();
    expect(state().corpusDocuments.map((d) => d.id)).toEqual(['1', '2', 'news.jsonl#1', 'news.jsonl#2']);
    expect(state().corpusImportSummary).toBe('Import: 2 documents imported under a new id ("<file>#<id>").');
  });

  it('closing the question answers the default: skip, nothing stored changes', async () => {
    const docs = [doc('1', 1)];
    await importCorpusFiles([file('news.jsonl')], importerOf(docs));
    const again = importCorpusFiles([file('news.jsonl')], importerOf([{ ...docs[0]!, text: 'Changed.' }]));
    await expect.poll(() => state().corpusImportQuestion).not.toBeNull();
    answerStoredIdQuestion();
    await again;
    const db = await CorpusDb.open(name);
    expect((await db.getDocument('1'))?.text).toBe('Text 1.');
    db.close();
    expect(state().corpusImportSummary).toBe('Import: 1 document already stored kept as they were.');
  });

  it('previous/next follow the filtered list; next to review skips reviewed documents', async () => {
    await importCorpusFiles([file('news.jsonl')], importerOf([doc('a', 1), doc('b', 2), doc('c', 3)]));
    const db = await CorpusDb.open(name);
    for (const id of ['a', 'b', 'c']) await db.writeResults(id, ['person'], []);
    await db.saveReview('b', [], true);
    db.close();
    closeCorpus();
    await initCorpus(name);
    await openDocument('a');
    expect(await openNeighbour(1)).toBe(true);
    expect(state().corpusOpenId).toBe('b');
    expect(await openNeighbour(1)).toBe(true);
    expect(state().corpusOpenId).toBe('c');
    expect(await openNeighbour(1)).toBe(false); // the end of the list
    await openDocument('a');
    expect(await openNextUnreviewed()).toBe(true);
    expect(state().corpusOpenId).toBe('c');
    setCorpusStatusFilter('reviewed');
    expect(await openNeighbour(1)).toBe(true);
    expect(state().corpusOpenId).toBe('b');
  });
});
