// @vitest-environment jsdom
/**
 * Bad input during a corpus run, through the store and the page's engine client over a fake worker:
 * a document deleted while it runs gets a message, its results are dropped (it does not come back) and
 * the run goes on; a reviewed document run again keeps every decision.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CorpusDocument } from '../../../../workers/corpus/document';
import type { ImportItem } from '../../../../workers/corpus/import';
import { CorpusDb } from '../../../../src/lib/corpus/db';
import { createEngineClient } from '../../../../src/lib/engine-client';
import { initialAppState, useAppStore } from '../../../../src/store/app-store';
import {
  closeCorpus,
  deleteDocument,
  importCorpusFiles,
  initCorpus,
  runCorpus,
} from '../../../../src/store/corpus-actions';
import { bindEngine } from '../../../../src/store/engine-actions';
import { fakeFactory, modelInfo, type FakeWorker } from '../fake-worker';

const stats = { prefillTokens: 1, decodeTokens: 1, prefillMs: 1, decodeMs: 1, ms: 2, chunks: 1 };
let unbind = () => {};
let counter = 0;
let name = '';

const doc = (id: string, text: string, line = 1): CorpusDocument => ({
  id,
  name: `news.jsonl #${line}`,
  text,
  meta: {},
  types: [],
  status: 'pending',
  reviewed: false,
});
function importerOf(docs: CorpusDocument[]) {
  return async function* (): AsyncGenerator<ImportItem> {
    for (const document of docs) yield { kind: 'document', document };
  };
}

/** Waits until the worker was asked to extract `passage`; returns the request id. */
async function extractOf(worker: () => FakeWorker | undefined, passage: string): Promise<string> {
  let id = '';
  await expect
    .poll(() => {
      const found = worker()?.posted.find((m) => m.type === 'extract' && m.passage === passage);
      id = found && 'requestId' in found ? found.requestId : '';
      return id;
    })
    .not.toBe('');
  return id;
}

/** Answers an extract request: "Ada" as a person, then done. */
function answer(worker: FakeWorker, requestId: string): void {
  worker.emit({
    type: 'type-done',
    requestId,
    entityType: 'person',
    entities: [{ text: 'Ada', spans: [{ start: 0, end: 3 }], match: 'exact' }],
    rawAnswers: ['["Ada"]'],
    decodeTokens: 1,
    ms: 1,
  });
  worker.emit({ type: 'done', requestId, interrupted: false, stats });
}

let workers: FakeWorker[] = [];
beforeEach(async () => {
  name = `corpus-run-faults-${++counter}`;
  localStorage.clear();
  const fake = fakeFactory();
  workers = fake.workers;
  unbind = bindEngine(createEngineClient(fake.factory));
  useAppStore.setState({
    ...initialAppState,
    entityTypes: ['person'],
    modelChoice: 'custom',
    customSource: 'onnx-community/Qwen2.5-0.5B-Instruct',
    devicePreference: 'wasm',
  });
  await initCorpus(name);
});
afterEach(() => {
  closeCorpus();
  unbind();
});

/** Starts the run and answers the model load (the run's promise is wrapped: an async function would wait for it). */
async function startRun(): Promise<{ run: Promise<void> }> {
  const run = runCorpus();
  await expect.poll(() => workers[0]?.posted.some((m) => m.type === 'load')).toBe(true);
  const load = workers[0]!.last('load');
  workers[0]!.emit({ type: 'ready', requestId: load.requestId, model: modelInfo('wasm'), loadMs: 1 });
  return { run };
}

describe('corpus run faults', () => {
  it('a document deleted while it runs: a message, its results dropped, the run goes on', async () => {
    await importCorpusFiles(
      [new File(['x'], 'news.jsonl')],
      importerOf([doc('a', 'Ada one.', 1), doc('b', 'Ada two.', 2)]),
    );
    const { run } = await startRun();
    const first = await extractOf(() => workers[0], 'Ada one.');
    await deleteDocument('a');
    expect(useAppStore.getState().corpusNotice).toBe(
      'news.jsonl · line 1 was deleted while it ran: its results are dropped, the run goes on.',
    );
    answer(workers[0]!, first);
    answer(workers[0]!, await extractOf(() => workers[0], 'Ada two.'));
    await run;
    const db = await CorpusDb.open(name);
    expect(await db.getDocument('a')).toBeUndefined();
    expect(await db.getSpans('a')).toEqual([]);
    expect((await db.getDocument('b'))?.status).toBe('done');
    db.close();
    expect(useAppStore.getState().corpusDocuments.map((d) => d.id)).toEqual(['b']);
  });

  it('a finished run leaves "Finished N documents in T" (a 10 s timer then clears it; not timed here)', async () => {
    await importCorpusFiles(
      [new File(['x'], 'news.jsonl')],
      importerOf([doc('a', 'Ada one.', 1), doc('b', 'Ada two.', 2)]),
    );
    const { run } = await startRun();
    answer(workers[0]!, await extractOf(() => workers[0], 'Ada one.'));
    answer(workers[0]!, await extractOf(() => workers[0], 'Ada two.'));
    await run;
    expect(useAppStore.getState().corpusRunSummary).toMatch(/^Finished 2 documents in \d+ s$/u);
    // The next run clears it at once; the timer (10 s) clears it otherwise.
    useAppStore.setState({ corpusRunSummary: null });
  });

  it('a reviewed document run again (stale after a type change) keeps its decisions and person spans', async () => {
    await importCorpusFiles([new File(['x'], 'news.jsonl')], importerOf([doc('a', 'Ada met Bob.')]));
    const db = await CorpusDb.open(name);
    await db.writeResults(
      'a',
      ['person', 'place'],
      [{ start: 0, end: 3, label: 'person', source: 'model', model: 'm' }],
    );
    const review = [
      {
        start: 0,
        end: 3,
        label: 'person',
        source: 'model' as const,
        model: 'm',
        decision: 'rejected' as const,
      },
      { start: 8, end: 11, label: 'person', source: 'person' as const },
    ];
    await db.saveReview('a', review, true);
    db.close();
    closeCorpus();
    await initCorpus(name); // the types are now [person]: the document is stale and runs again
    expect(useAppStore.getState().corpusDocuments[0]?.status).toBe('stale');
    const { run } = await startRun();
    answer(workers[0]!, await extractOf(() => workers[0], 'Ada met Bob.'));
    await run;
    const after = await CorpusDb.open(name);
    expect(await after.getSpans('a')).toEqual([
      {
        start: 0,
        end: 3,
        label: 'person',
        source: 'model',
        model: 'onnx-community/Qwen2.5-0.5B-Instruct',
        decision: 'rejected',
      },
      { start: 8, end: 11, label: 'person', source: 'person' },
    ]);
    expect(await after.getDocument('a')).toMatchObject({ status: 'done', reviewed: true, types: ['person'] });
    after.close();
  });

  it('storage full during a re-run: the run ends with a message, the reviewed document is unchanged', async () => {
    await importCorpusFiles([new File(['x'], 'news.jsonl')], importerOf([doc('a', 'Ada met Bob.')]));
    const db = await CorpusDb.open(name);
    await db.writeResults('a', ['place'], []);
    const review = [{ start: 8, end: 11, label: 'person', source: 'person' as const }];
    await db.saveReview('a', review, true);
    db.close();
    closeCorpus();
    await initCorpus(name);
    const original = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if ((value as { documentId?: string }).documentId === 'a')
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return original.call(this, value, key);
    };
    try {
      const { run } = await startRun();
      answer(workers[0]!, await extractOf(() => workers[0], 'Ada met Bob.'));
      await run;
    } finally {
      IDBObjectStore.prototype.put = original;
    }
    expect(useAppStore.getState().corpusRunError?.message).toMatch(
      /^Storage is full: the results of news\.jsonl · line 1 could not be stored\. Its earlier results and review are unchanged/,
    );
    const after = await CorpusDb.open(name);
    expect(await after.getSpans('a')).toEqual(review);
    expect(await after.getDocument('a')).toMatchObject({ reviewed: true, types: ['place'] });
    after.close();
  });
});
