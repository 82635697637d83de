import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CorpusDocument, CorpusSpan } from '../../../../../workers/corpus/document';
import { CorpusDb, CorpusQuotaError } from '../../../../../src/lib/corpus/db';

let db: CorpusDb;
let dbName = '';
let counter = 0;

function doc(id: string, text = `Text of ${id}.`): CorpusDocument {
  return { id, name: id, text, meta: {}, types: [], status: 'pending', reviewed: false };
}
const span = (start: number, end: number, label: string): CorpusSpan => ({
  start,
  end,
  label,
  source: 'model',
  model: 'm',
});

beforeEach(async () => {
  dbName = `corpus-test-${++counter}`;
  db = await CorpusDb.open(dbName);
});
afterEach(() => db.close());

describe('CorpusDb', () => {
  it('keeps documents in import order across files and across a reopen (reload)', async () => {
    await db.addDocuments([doc('b'), doc('a')], 'one.jsonl');
    await db.addDocuments([doc('c')], 'two.txt');
    db.close();
    db = await CorpusDb.open(dbName);
    const list = await db.listDocuments();
    expect(list.map((d) => d.id)).toEqual(['b', 'a', 'c']);
    expect(list[0]).not.toHaveProperty('text');
    expect(list[0]!.size).toBe('Text of b.'.length);
    expect((await db.getDocument('a'))?.text).toBe('Text of a.');
  });

  it('writes results and status in one transaction, keeping person spans', async () => {
    await db.addDocuments([doc('a')], 'a.txt');
    const summary = await db.writeResults(
      'a',
      ['person', 'place'],
      [span(0, 4, 'person'), span(8, 9, 'person')],
    );
    expect(summary?.status).toBe('done');
    expect(summary?.counts).toEqual({ person: 2 });
    expect(summary?.types).toEqual(['person', 'place']);
    expect(await db.getSpans('a')).toHaveLength(2);
    // A rerun replaces undecided model spans only: person spans stay (see rerun.test.ts for decisions).
    const person: CorpusSpan = { start: 5, end: 7, label: 'place', source: 'person' };
    const tx = (db as unknown as { db: { put: (s: string, v: unknown) => Promise<unknown> } }).db;
    await tx.put('spans', { documentId: 'a', spans: [...(await db.getSpans('a')), person] });
    await db.writeResults('a', ['person'], [span(0, 4, 'person')]);
    expect(await db.getSpans('a')).toEqual([span(0, 4, 'person'), person]);
  });

  it('a failed results write leaves the previous status and spans (one transaction)', async () => {
    await db.addDocuments([doc('a')], 'a.txt');
    await db.writeResults('a', ['person'], [span(0, 4, 'person')]);
    const bad = [{ ...span(0, 1, 'x'), score: (() => 1) as unknown as number }]; // not cloneable
    await expect(db.writeResults('a', ['x'], bad)).rejects.toThrow();
    expect((await db.getDocument('a'))?.status).toBe('done');
    expect((await db.getDocument('a'))?.types).toEqual(['person']);
    expect(await db.getSpans('a')).toEqual([span(0, 4, 'person')]);
  });

  it('turns a quota error into a message naming the file and keeps what was stored before', async () => {
    await db.addDocuments([doc('kept')], 'first.txt');
    const original = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if ((value as { id?: string }).id === 'full')
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return original.call(this, value, key);
    };
    try {
      const attempt = db.addDocuments([doc('ok-in-same-batch'), doc('full')], 'big.jsonl');
      await expect(attempt).rejects.toBeInstanceOf(CorpusQuotaError);
      await expect(attempt).rejects.toThrow(/big\.jsonl/);
    } finally {
      IDBObjectStore.prototype.put = original;
    }
    expect((await db.listDocuments()).map((d) => d.id)).toEqual(['kept']);
  });

  it('on reopen, a document left running goes back to pending', async () => {
    await db.addDocuments([doc('a'), doc('b')], 'x.jsonl');
    await db.setStatus('a', 'running');
    expect(await db.resetInterrupted()).toBe(1);
    expect((await db.listDocuments()).map((d) => d.status)).toEqual(['pending', 'pending']);
  });

  it('marks documents run for another type set stale, and done again when the set matches', async () => {
    await db.addDocuments([doc('a'), doc('b')], 'x.jsonl');
    await db.writeResults('a', ['person', 'place'], []);
    expect(await db.markStale(['place', 'person'])).toBe(0);
    expect(await db.markStale(['person'])).toBe(1);
    expect((await db.listDocuments()).map((d) => d.status)).toEqual(['stale', 'pending']);
    expect(await db.getSpans('a')).toEqual([]); // kept, not mixed
    expect(await db.markStale(['place', 'person'])).toBe(1);
    expect((await db.getDocument('a'))?.status).toBe('done');
  });

  it('deletes one document with its spans, or all', async () => {
    await db.addDocuments([doc('a'), doc('b')], 'x.jsonl');
    await db.writeResults('a', ['t'], [span(0, 1, 't')]);
    await db.deleteDocument('a');
    expect((await db.listDocuments()).map((d) => d.id)).toEqual(['b']);
    expect(await db.getSpans('a')).toEqual([]);
    await db.clear();
    expect(await db.listDocuments()).toEqual([]);
  });
});
