/**
 * Nothing lost silently (#27): ids already stored ask once, two files with the same ids both stay, a
 * re-run keeps every decision, and a full disk or a deleted document changes nothing reviewed.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CorpusSpan } from '../../../../../workers/corpus/document';
import { importDocuments, type ImportSource } from '../../../../../workers/corpus/import';
import type { StoredIdPolicy } from '../../../../../workers/corpus/ids';
import { CorpusDb, ResultsQuotaError } from '../../../../../src/lib/corpus/db';
import { importFiles, type StoredIdQuestion } from '../../../../../src/lib/corpus/import-files';

function source(name: string, content: string): ImportSource {
  const bytes = new TextEncoder().encode(content);
  return {
    name,
    size: bytes.length,
    async *chunks() {
      for (let i = 0; i < bytes.length; i += 4096) yield bytes.slice(i, i + 4096);
    },
    bytes: async () => bytes,
  };
}
const jsonl = (records: { id: string; text: string }[]) => records.map((r) => JSON.stringify(r)).join('\n');
const model = (start: number, end: number, label: string, decision?: CorpusSpan['decision']): CorpusSpan => ({
  start,
  end,
  label,
  source: 'model',
  model: 'm',
  ...(decision ? { decision } : {}),
});

let db: CorpusDb;
let counter = 0;
beforeEach(async () => {
  db = await CorpusDb.open(`nothing-lost-${++counter}`);
});
afterEach(() => db.close());

/** Imports with a scripted answer to the stored-ids question; returns the outcome and the questions asked. */
async function importWith(files: ImportSource[], answer?: StoredIdPolicy) {
  const questions: StoredIdQuestion[] = [];
  const outcome = await importFiles(files, db, importDocuments, {
    ...(answer
      ? {
          askStoredIds: async (question: StoredIdQuestion) => {
            questions.push(question);
            return answer;
          },
        }
      : {}),
  });
  return { outcome, questions };
}

/** news.jsonl with two documents, the first run and reviewed with a decision and a person span. */
async function seedReviewed() {
  await importWith([
    source(
      'news.jsonl',
      jsonl([
        { id: '1', text: 'Ada met Bob.' },
        { id: '2', text: 'Rome is old.' },
      ]),
    ),
  ]);
  await db.writeResults('1', ['person'], [model(0, 3, 'person'), model(8, 11, 'person')]);
  const reviewed: CorpusSpan[] = [
    model(0, 3, 'person', 'accepted'),
    model(8, 11, 'person', 'rejected'),
    { start: 4, end: 7, label: 'verb', source: 'person' },
  ];
  await db.saveReview('1', reviewed, true);
  return reviewed;
}

describe('importing ids already stored', () => {
  it('a re-import asks once; the default (skip) leaves a reviewed document exactly as it was', async () => {
    const reviewed = await seedReviewed();
    const again = source(
      'news.jsonl',
      jsonl([
        { id: '1', text: 'Ada met Bob.' },
        { id: '2', text: 'Rome is old.' },
        { id: '3', text: 'New one.' },
      ]),
    );
    const { outcome, questions } = await importWith([again], 'skip');
    expect(questions).toEqual([{ file: 'news.jsonl', count: 2, reviewed: 1 }]);
    expect(outcome.tally).toMatchObject({ skipped: 2, skippedReviewed: 1, renamed: 0, replaced: 0 });
    expect(await db.getSpans('1')).toEqual(reviewed);
    expect((await db.getDocument('1'))?.reviewed).toBe(true);
    expect((await db.listDocuments()).map((d) => d.id)).toEqual(['1', '2', '3']);
  });

  it('without anyone to ask, stored ids are skipped', async () => {
    const reviewed = await seedReviewed();
    const { outcome } = await importWith([source('news.jsonl', jsonl([{ id: '1', text: 'Changed.' }]))]);
    expect(outcome.tally.skipped).toBe(1);
    expect(await db.getSpans('1')).toEqual(reviewed);
    expect((await db.getDocument('1'))?.text).toBe('Ada met Bob.');
  });

  it('replace: an unchanged text keeps spans, decisions and review; a changed one starts over unless reviewed', async () => {
    const reviewed = await seedReviewed();
    await db.writeResults('2', ['person'], [model(0, 4, 'person')]);
    const again = source(
      'news.jsonl',
      [
        JSON.stringify({ id: '1', text: 'Ada met Bob.', source: 'wire' }),
        JSON.stringify({ id: '2', text: 'Rome is very old.' }),
      ].join('\n'),
    );
    const { outcome } = await importWith([again], 'replace');
    expect(outcome.tally).toMatchObject({ replaced: 2, skipped: 0 });
    const one = await db.getDocument('1');
    expect(one).toMatchObject({ reviewed: true, status: 'done', meta: { source: 'wire' } });
    expect(await db.getSpans('1')).toEqual(reviewed);
    const two = await db.getDocument('2');
    expect(two).toMatchObject({ text: 'Rome is very old.', status: 'pending', reviewed: false });
    expect(await db.getSpans('2')).toEqual([]);
    // The list keeps its order (the replaced documents keep their place).
    expect((await db.listDocuments()).map((d) => d.id)).toEqual(['1', '2']);

    // A reviewed document with a changed text is never replaced.
    const changed = source('news.jsonl', jsonl([{ id: '1', text: 'Ada met Carl.' }]));
    const second = await importWith([changed], 'replace');
    expect(second.outcome.tally).toMatchObject({ skipped: 1, skippedReviewed: 1, replaced: 0 });
    expect((await db.getDocument('1'))?.text).toBe('Ada met Bob.');
    expect(await db.getSpans('1')).toEqual(reviewed);
  });

  it('keep both: the file is imported beside the stored documents under file-named ids', async () => {
    const reviewed = await seedReviewed();
    const { outcome } = await importWith(
      [source('news.jsonl', jsonl([{ id: '1', text: 'Other.' }]))],
      'keep-both',
    );
    expect(outcome.tally.renamed).toBe(1);
    expect((await db.getDocument('news.jsonl#1'))?.text).toBe('Other.');
    expect(await db.getSpans('1')).toEqual(reviewed);
  });

  it('10,000 documents with every id stored: one question, nothing reviewed touched', async () => {
    const records = Array.from({ length: 10_000 }, (_, i) => ({ id: `d${i}`, text: `Text ${i}.` }));
    await importWith([source('big.jsonl', jsonl(records))]);
    await db.saveReview('d5000', [model(0, 4, 'x', 'accepted')], true);
    const { outcome, questions } = await importWith([source('big.jsonl', jsonl(records))], 'replace');
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatchObject({ file: 'big.jsonl', count: 200 });
    expect(outcome.tally).toMatchObject({ replaced: 10_000, skipped: 0 });
    expect(await db.getSpans('d5000')).toEqual([model(0, 4, 'x', 'accepted')]);
    expect((await db.getDocument('d5000'))?.reviewed).toBe(true);
    expect(await db.listDocuments()).toHaveLength(10_000);
  }, 60_000);
});

describe('same ids in different files', () => {
  it('both files are kept, the later one named by file, whether imported together or apart', async () => {
    const a = source('a.csv', 'id,text\n1,First of a\n2,Second of a\n');
    const b = source('b.csv', 'id,text\n1,First of b\n2,Second of b\n');
    const together = await importWith([a, b], 'skip');
    expect(together.questions).toEqual([]);
    expect(together.outcome.tally.renamed).toBe(2);
    const list = await db.listDocuments();
    expect(list.map((d) => d.id)).toEqual(['1', '2', 'b.csv#1', 'b.csv#2']);
    // Names say the file and the data row (the header is not row 1).
    expect(list.map((d) => d.name)).toEqual([
      'a.csv · row 1',
      'a.csv · row 2',
      'b.csv · row 1',
      'b.csv · row 2',
    ]);

    // A third file with the same ids, imported later: no question (another file), renamed too.
    const c = await importWith([source('c.csv', 'id,text\n1,First of c\n')], 'skip');
    expect(c.questions).toEqual([]);
    expect((await db.getDocument('c.csv#1'))?.text).toBe('First of c');
    expect((await db.getDocument('1'))?.text).toBe('First of a');
  });

  it('two files with the same name in one import: the second gets ~2 ids, nothing dropped', async () => {
    const one = source('notes.jsonl', jsonl([{ id: 'x', text: 'one' }]));
    const two = source('notes.jsonl', jsonl([{ id: 'x', text: 'two' }]));
    await importWith([one, two], 'skip');
    expect((await db.listDocuments()).map((d) => d.id)).toEqual(['x', 'notes.jsonl#x']);
  });

  it('a JSONL name says the line', async () => {
    await importWith([source('n.jsonl', '\n' + jsonl([{ id: 'x', text: 'one' }]))]);
    expect((await db.listDocuments())[0]!.name).toBe('n.jsonl · line 2');
  });
});

describe('re-running a document', () => {
  it('keeps every person span and decision (one transaction)', async () => {
    const reviewed = await seedReviewed();
    const summary = await db.writeResults('1', ['person'], [model(0, 3, 'person'), model(8, 11, 'person')]);
    expect(await db.getSpans('1')).toEqual([...reviewed].sort((a, b) => a.start - b.start));
    // Counts follow decisions: Ada (accepted) and the person's verb; Bob is rejected.
    expect(summary?.counts).toEqual({ person: 1, verb: 1 });
    expect(summary?.reviewed).toBe(true);
  });

  it('storage full during a re-run: a clear message, the reviewed document unchanged', async () => {
    const reviewed = await seedReviewed();
    const original = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if ((value as { documentId?: string }).documentId === '1')
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return original.call(this, value, key);
    };
    try {
      const attempt = db.writeResults('1', ['person', 'place'], [model(0, 3, 'place')]);
      await expect(attempt).rejects.toBeInstanceOf(ResultsQuotaError);
      await expect(attempt).rejects.toThrow(/news\.jsonl · line 1.*unchanged/);
    } finally {
      IDBObjectStore.prototype.put = original;
    }
    expect(await db.getSpans('1')).toEqual(reviewed);
    expect(await db.getDocument('1')).toMatchObject({ reviewed: true, types: ['person'], status: 'done' });
  });

  it('a document deleted while it runs: the results are dropped, nothing comes back', async () => {
    await seedReviewed();
    await db.deleteDocument('2');
    expect(await db.writeResults('2', ['person'], [model(0, 4, 'person')])).toBeUndefined();
    expect(await db.getDocument('2')).toBeUndefined();
    expect(await db.getSpans('2')).toEqual([]);
  });
});
