import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportProblem } from '../../../../../workers/corpus/document';
import { importDocuments, type ImportSource } from '../../../../../workers/corpus/import';
import { CorpusDb, type DocumentSummary } from '../../../../../src/lib/corpus/db';
import { importFiles } from '../../../../../src/lib/corpus/import-files';
import {
  countByFilter,
  filterDocuments,
  formatDuration,
  nextMatching,
  stepFrom,
  visibleDocuments,
} from '../../../../../src/lib/corpus/list-view';

function source(name: string, content: string): ImportSource {
  const bytes = new TextEncoder().encode(content);
  return {
    name,
    size: bytes.length,
    async *chunks() {
      for (let i = 0; i < bytes.length; i += 1000) yield bytes.slice(i, i + 1000);
    },
    bytes: async () => bytes,
  };
}

let db: CorpusDb;
let counter = 0;
beforeEach(async () => {
  db = await CorpusDb.open(`import-test-${++counter}`);
});
afterEach(() => db.close());

describe('importFiles', () => {
  it('stores every document of several files in batches and reports bad records with file and line', async () => {
    const lines = Array.from({ length: 450 }, (_, i) => JSON.stringify({ id: `d${i}`, text: `text ${i}` }));
    lines.splice(10, 0, '{not json');
    const problems: ImportProblem[] = [];
    const batches: number[] = [];
    const outcome = await importFiles(
      [source('a.jsonl', lines.join('\n')), source('b.txt', 'One plain document.')],
      db,
      importDocuments,
      { onProblem: (p) => problems.push(p), onStored: (result) => batches.push(result.stored.length) },
    );
    expect(outcome).toEqual({
      outcome: 'done',
      documents: 451,
      tally: { skipped: 0, skippedReviewed: 0, renamed: 0, replaced: 0 },
    });
    expect(batches).toEqual([200, 200, 50, 1]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'a.jsonl', line: 11 });
    const list = await db.listDocuments();
    expect(list).toHaveLength(451);
    expect(list[450]!.name).toBe('b.txt');
  });

  it('stops at a full quota with a message naming the file; earlier batches and files are intact', async () => {
    const original = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if ((value as { id?: string }).id === 'd300') {
        throw new DOMException('quota reached', 'QuotaExceededError');
      }
      return original.call(this, value, key);
    };
    try {
      const lines = Array.from({ length: 450 }, (_, i) => JSON.stringify({ id: `d${i}`, text: `text ${i}` }));
      const outcome = await importFiles(
        [
          source('first.txt', 'Kept.'),
          source('big.jsonl', lines.join('\n')),
          source('never.txt', 'Not read.'),
        ],
        db,
        importDocuments,
      );
      expect(outcome.outcome).toBe('quota');
      expect(outcome).toMatchObject({ documents: 201 });
      expect((outcome as { message: string }).message).toMatch(/big\.jsonl/);
    } finally {
      IDBObjectStore.prototype.put = original;
    }
    const ids = (await db.listDocuments()).map((d) => d.id);
    expect(ids).toHaveLength(201); // first.txt + the first batch of 200 from big.jsonl
    expect(ids[0]).toBe('first.txt');
    expect(ids).not.toContain('d300');
  });
});

describe('document list helpers', () => {
  const doc = (name: string, status: DocumentSummary['status'], counts: Record<string, number> = {}) =>
    ({ id: name, name, status, counts, types: [], reviewed: false, seq: 0, size: 1 }) as DocumentSummary;
  const docs = [
    doc('alpha.txt', 'done', { person: 2 }),
    doc('beta.txt', 'pending'),
    doc('gamma.pdf', 'done', { place: 0 }),
  ];

  it('filters by name words, status and type with spans', () => {
    expect(filterDocuments(docs, '').map((d) => d.name)).toHaveLength(3);
    expect(filterDocuments(docs, 'TXT').map((d) => d.name)).toEqual(['alpha.txt', 'beta.txt']);
    expect(filterDocuments(docs, 'status:done').map((d) => d.name)).toEqual(['alpha.txt', 'gamma.pdf']);
    expect(filterDocuments(docs, 'status:not-run').map((d) => d.name)).toEqual(['beta.txt']);
    expect(filterDocuments(docs, 'type:pers').map((d) => d.name)).toEqual(['alpha.txt']);
    expect(filterDocuments(docs, 'type:place')).toEqual([]);
    expect(filterDocuments(docs, 'status:done gamma').map((d) => d.name)).toEqual(['gamma.pdf']);
  });

  it('formats durations', () => {
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(250_000)).toBe('4 min 10 s');
    expect(formatDuration(3_900_000)).toBe('1 h 5 min');
  });
});

describe('the list as filtered, and moving through it', () => {
  const summary = (id: string, status: DocumentSummary['status'], reviewed = false): DocumentSummary => ({
    id,
    name: id,
    status,
    reviewed,
    types: [],
    seq: 0,
    size: 1,
    counts: {},
  });
  const docs = [
    summary('a', 'done', true),
    summary('b', 'done'),
    summary('c', 'pending'),
    summary('d', 'failed'),
    summary('e', 'done'),
  ];

  it('filters by status (done = run and not reviewed) and counts each filter', () => {
    expect(visibleDocuments(docs, 'done', '').map((d) => d.id)).toEqual(['b', 'e']);
    expect(visibleDocuments(docs, 'reviewed', '').map((d) => d.id)).toEqual(['a']);
    expect(visibleDocuments(docs, 'all', 'e').map((d) => d.id)).toEqual(['e']);
    expect(countByFilter(docs)).toEqual({ all: 5, pending: 1, done: 2, reviewed: 1, failed: 1, stale: 0 });
  });

  it('previous/next stop at the ends; next matching wraps round and skips the open one', () => {
    expect(stepFrom(docs, 'a', -1)).toBeUndefined();
    expect(stepFrom(docs, 'a', 1)?.id).toBe('b');
    expect(stepFrom(docs, 'zzz', 1)?.id).toBe('a');
    expect(stepFrom(docs, null, -1)?.id).toBe('e');
    const toReview = (d: DocumentSummary) => d.status === 'done' && !d.reviewed;
    expect(nextMatching(docs, 'b', toReview)?.id).toBe('e');
    expect(nextMatching(docs, 'e', toReview)?.id).toBe('b');
    expect(nextMatching([docs[1]!], 'b', toReview)).toBeUndefined();
  });
});
