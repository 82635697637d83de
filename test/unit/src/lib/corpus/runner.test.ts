import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CorpusDocument } from '../../../../../workers/corpus/document';
import type { ToWorker } from '../../../../../workers/protocol';
import { createEngineClient } from '../../../../../src/lib/engine-client';
import { createWorkerEngine } from '../../../../../src/lib/engine-client/worker-engine';
import { CorpusDb } from '../../../../../src/lib/corpus/db';
import { CorpusRunner, type CorpusRunProgress } from '../../../../../src/lib/corpus/runner';
import { fakeFactory, type FakeWorker } from '../../fake-worker';

const stats = { prefillTokens: 1, decodeTokens: 1, prefillMs: 1, decodeMs: 1, ms: 2, chunks: 1 };
const options = { constrain: true, maxNewTokens: 32 };
let db: CorpusDb;
let counter = 0;

function doc(id: string, text: string): CorpusDocument {
  return { id, name: id, text, meta: {}, types: [], status: 'pending', reviewed: false };
}

/** Waits until the worker has received `n` extract requests. */
async function nthExtract(worker: () => FakeWorker | undefined, n: number) {
  for (let i = 0; i < 200; i++) {
    const posted = worker()?.posted.filter((m) => m.type === 'extract') ?? [];
    if (posted.length >= n) return posted[n - 1] as Extract<ToWorker, { type: 'extract' }>;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`extract #${n} never came`);
}

/** Answers an extract like a model that finds every capitalised word as `person`. */
function answer(workers: FakeWorker[], request: Extract<ToWorker, { type: 'extract' }>, interrupted = false) {
  const w = workers[0]!;
  for (const type of request.entityTypes) {
    const entities = [...request.passage.matchAll(/[A-Z]\w+/g)].map((m) => ({
      text: m[0],
      spans: type === 'person' ? [{ start: m.index, end: m.index + m[0].length }] : [],
      match: 'exact' as const,
      score: 0.9,
    }));
    w.emit({ type: 'type-started', requestId: request.requestId, entityType: type, chunk: 0 });
    w.emit({
      type: 'type-done',
      requestId: request.requestId,
      entityType: type,
      entities,
      rawAnswers: [],
      decodeTokens: 1,
      ms: 1,
    });
  }
  w.emit({ type: 'done', requestId: request.requestId, interrupted, stats });
}

beforeEach(async () => {
  db = await CorpusDb.open(`runner-test-${++counter}`);
  await db.addDocuments([doc('a', 'Ada met Bob.'), doc('b', 'Cyd.'), doc('c', 'Dee and Eve.')], 'docs.jsonl');
});
afterEach(() => db.close());

describe('CorpusRunner', () => {
  it('runs every pending document through ordinary extract requests and stores its spans', async () => {
    const { factory, workers } = fakeFactory();
    const client = createEngineClient(factory);
    const runner = new CorpusRunner(
      db,
      createWorkerEngine(client, () => Promise.reject(new Error('not used'))),
    );
    const progress: CorpusRunProgress[] = [];
    let t = 0;
    const finished = runner.run({
      types: ['person', 'place'],
      options,
      model: 'tiny',
      onProgress: (p) => progress.push(p),
      now: () => (t += 1000),
    });
    for (let i = 1; i <= 3; i++) answer(workers, await nthExtract(() => workers[0], i));
    expect(await finished).toEqual({ outcome: 'finished' });
    const list = await db.listDocuments();
    expect(list.map((d) => d.status)).toEqual(['done', 'done', 'done']);
    expect(list[0]!.counts).toEqual({ person: 2 });
    expect(await db.getSpans('c')).toEqual([
      { start: 0, end: 3, label: 'person', source: 'model', model: 'tiny', score: 0.9 },
      { start: 8, end: 11, label: 'person', source: 'model', model: 'tiny', score: 0.9 },
    ]);
    const last = progress[progress.length - 1]!;
    expect(last.finished).toBe(3);
    expect(last.total).toBe(3);
    expect(last.docsPerMinute).toBeGreaterThan(0);
    expect(last.etaMs).toBe(0);
  });

  it('stop interrupts the current document (back to pending), keeps finished ones, and a new run resumes', async () => {
    const { factory, workers } = fakeFactory();
    const client = createEngineClient(factory);
    const runner = new CorpusRunner(
      db,
      createWorkerEngine(client, () => Promise.reject(new Error('not used'))),
    );
    const first = runner.run({ types: ['person'], options, model: 'tiny' });
    answer(workers, await nthExtract(() => workers[0], 1));
    const second = await nthExtract(() => workers[0], 2);
    expect((await db.getDocument('b'))?.status).toBe('running');
    runner.stop();
    expect(workers[0]!.last('interrupt').requestId).toBe(second.requestId);
    answer(workers, second, true);
    expect(await first).toEqual({ outcome: 'stopped' });
    expect((await db.listDocuments()).map((d) => d.status)).toEqual(['done', 'pending', 'pending']);

    const resumed = runner.run({ types: ['person'], options, model: 'tiny' });
    const r1 = await nthExtract(() => workers[0], 3);
    expect(r1.passage).toBe('Cyd.'); // 'a' is not run again
    answer(workers, r1);
    answer(workers, await nthExtract(() => workers[0], 4));
    expect(await resumed).toEqual({ outcome: 'finished' });
    expect((await db.listDocuments()).map((d) => d.status)).toEqual(['done', 'done', 'done']);
  });

  it('marks a document failed on an input error and goes on; ends the run on an engine error', async () => {
    const { factory, workers } = fakeFactory();
    const client = createEngineClient(factory);
    const runner = new CorpusRunner(
      db,
      createWorkerEngine(client, () => Promise.reject(new Error('not used'))),
    );
    const run = runner.run({ types: ['person'], options, model: 'tiny' });
    const r1 = await nthExtract(() => workers[0], 1);
    workers[0]!.emit({
      type: 'error',
      requestId: r1.requestId,
      during: 'extract',
      error: { name: 'InputError', message: 'too long' },
    });
    const r2 = await nthExtract(() => workers[0], 2);
    workers[0]!.emit({
      type: 'error',
      requestId: r2.requestId,
      during: 'extract',
      error: { name: 'GenerationError', message: 'boom' },
    });
    const outcome = await run;
    expect(outcome).toEqual({ outcome: 'error', error: { name: 'GenerationError', message: 'boom' } });
    const list = await db.listDocuments();
    expect(list.map((d) => [d.status, d.error])).toEqual([
      ['failed', 'too long'],
      ['failed', 'boom'],
      ['pending', undefined],
    ]);
  });
});
