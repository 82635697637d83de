import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CorpusRun, type RunnerDocument } from '../../../../workers/corpus/corpus-runner';
import type { CorpusSpan } from '../../../../workers/corpus/document';
import type { Engine, EngineEvent, ExtractJob } from '../../../../workers/engine';
import type { DoneEvent } from '../../../../workers/protocol';

const stats = { prefillTokens: 1, decodeTokens: 1, prefillMs: 1, decodeMs: 1, ms: 1, chunks: 1 };

/**
 * An engine that answers each type with every capitalised word of the passage, after `delay(passage)`
 * macrotask turns (so answers of several documents in flight finish out of order). A passage containing
 * "BAD" is refused as an InputError, one containing "CRASH" fails as a GenerationError.
 */
function fakeEngine(options: { concurrency?: number; delay?: (passage: string) => number } = {}) {
  let interrupted = false;
  let inFlight = 0;
  let maxInFlight = 0;
  const sent: string[] = [];
  const engine: Pick<Engine, 'extract' | 'interrupt' | 'concurrency'> = {
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    async extract(job: ExtractJob, onEvent?: (event: EngineEvent) => void): Promise<DoneEvent> {
      sent.push(job.passage);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const turns = options.delay?.(job.passage) ?? 0;
        for (let i = 0; i < turns; i++) await new Promise((r) => setTimeout(r, 0));
        if (job.passage.includes('BAD'))
          throw Object.assign(new Error('passage refused'), { name: 'InputError' });
        if (job.passage.includes('CRASH'))
          throw Object.assign(new Error('device lost'), { name: 'GenerationError' });
        for (const type of job.entityTypes) {
          if (interrupted) return { type: 'done', requestId: 'r', interrupted: true, stats };
          await new Promise((r) => setTimeout(r, 0));
          const entities = [...job.passage.matchAll(/[A-Z]\w+/gu)].map((m) => ({
            text: m[0],
            spans: [{ start: m.index, end: m.index + m[0].length }],
            match: 'exact' as const,
          }));
          onEvent?.({
            type: 'type-done',
            requestId: 'r',
            entityType: type,
            entities,
            rawAnswers: [],
            decodeTokens: 1,
            ms: 1,
          });
        }
        return { type: 'done', requestId: 'r', interrupted, stats };
      } finally {
        inFlight -= 1;
      }
    },
    interrupt() {
      interrupted = true;
    },
  };
  return { engine, sent, maxInFlight: () => maxInFlight };
}

const docs = (...texts: string[]): RunnerDocument[] =>
  texts.map((text, i) => ({ id: `d${i}`, name: `doc ${i}`, text }));

/** Collects what the hooks saw, in the order they saw it. */
function recorder() {
  const seen: string[] = [];
  const spans = new Map<string, readonly CorpusSpan[]>();
  return {
    seen,
    spans,
    hooks: {
      done: async (doc: RunnerDocument, found: readonly CorpusSpan[]) => {
        seen.push(`done ${doc.id}`);
        spans.set(doc.id, found);
      },
      failed: async (doc: RunnerDocument, error: { name: string }) => {
        seen.push(`failed ${doc.id} ${error.name}`);
      },
      stopped: async (doc: RunnerDocument) => {
        seen.push(`stopped ${doc.id}`);
      },
    },
  };
}

describe('CorpusRun (the one corpus runner of page and CLI)', () => {
  it('runs every document and hands sorted model spans to the done hook', async () => {
    const { engine } = fakeEngine();
    const r = recorder();
    const result = await new CorpusRun({
      engine,
      documents: docs('Ada met Bob.', 'Cyd.'),
      types: ['person', 'location'],
      model: 'm',
      hooks: r.hooks,
    }).run();
    expect(result).toEqual({ outcome: 'finished' });
    expect(r.seen).toEqual(['done d0', 'done d1']);
    expect(r.spans.get('d0')).toEqual([
      { start: 0, end: 3, label: 'location', source: 'model', model: 'm' },
      { start: 0, end: 3, label: 'person', source: 'model', model: 'm' },
      { start: 8, end: 11, label: 'location', source: 'model', model: 'm' },
      { start: 8, end: 11, label: 'person', source: 'model', model: 'm' },
    ]);
  });

  it('keeps input order with several documents in flight, whatever order they finish in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        async (delays, concurrency) => {
          const texts = delays.map((d, i) => `Doc${i} ${'x'.repeat(d)}`);
          const { engine, maxInFlight } = fakeEngine({ concurrency: 8, delay: (p) => p.length % 7 });
          const r = recorder();
          await new CorpusRun({
            engine,
            documents: docs(...texts),
            types: ['t'],
            model: 'm',
            concurrency,
            hooks: r.hooks,
          }).run();
          expect(r.seen).toEqual(texts.map((_, i) => `done d${i}`));
          expect(maxInFlight()).toBeLessThanOrEqual(concurrency);
        },
      ),
      { seed: 7, numRuns: 60 },
    );
  });

  it('never sends more than one request at a time to an engine that answers one at a time', async () => {
    const { engine, maxInFlight } = fakeEngine({ delay: () => 2 });
    const r = recorder();
    await new CorpusRun({
      engine,
      documents: docs('A', 'B', 'C'),
      types: ['t'],
      model: 'm',
      concurrency: 4,
      hooks: r.hooks,
    }).run();
    expect(maxInFlight()).toBe(1);
    expect(r.seen).toEqual(['done d0', 'done d1', 'done d2']);
  });

  it('fails a document with bad input and goes on; ends the run on an engine error', async () => {
    const { engine, sent } = fakeEngine();
    const r = recorder();
    const result = await new CorpusRun({
      engine,
      documents: docs('Ann', 'BAD input', 'Bo', 'CRASH here', 'Never'),
      types: ['t'],
      model: 'm',
      hooks: r.hooks,
    }).run();
    expect(r.seen).toEqual(['done d0', 'failed d1 InputError', 'done d2', 'failed d3 GenerationError']);
    expect(result).toEqual({
      outcome: 'error',
      error: { name: 'GenerationError', message: 'device lost' },
      during: 'engine',
    });
    expect(sent).not.toContain('Never');
  });

  it('ends the run when a result cannot be kept, and says it was the output', async () => {
    const { engine, sent } = fakeEngine({ concurrency: 2 });
    let writes = 0;
    const result = await new CorpusRun({
      engine,
      documents: docs('One', 'Two', 'Three', 'Four', 'Five'),
      types: ['t'],
      model: 'm',
      concurrency: 2,
      hooks: {
        done: async () => {
          if (++writes === 2)
            throw Object.assign(new Error('ENOSPC: no space left on device'), { name: 'Error' });
        },
        failed: async () => {},
      },
    }).run();
    expect(result).toMatchObject({ outcome: 'error', during: 'output', error: { message: /ENOSPC/u } });
    expect(sent.length).toBeLessThanOrEqual(3); // the two written + at most one already in flight
  });

  it('stop interrupts the document in flight (stopped hook) and keeps the finished ones', async () => {
    const { engine, sent } = fakeEngine();
    const r = recorder();
    const run = new CorpusRun({
      engine,
      documents: docs('Ann', 'Bo', 'Cy', 'Di'),
      types: ['a', 'b', 'c'],
      model: 'm',
      hooks: {
        ...r.hooks,
        done: async (doc: RunnerDocument, found: readonly CorpusSpan[]) => {
          await r.hooks.done(doc, found);
          if (doc.id === 'd1') run.stop();
        },
      },
    });
    const result = await run.run();
    expect(result).toEqual({ outcome: 'stopped' });
    expect(r.seen).toEqual(['done d0', 'done d1']);
    expect(sent).toEqual(['Ann', 'Bo']);
  });

  it('an interruption nobody asked for (another request replaced this one) ends the run, document handed back', async () => {
    const { engine } = fakeEngine();
    const r = recorder();
    let calls = 0;
    const replacing: typeof engine = {
      ...engine,
      extract: (job, onEvent) => {
        if (++calls === 2) return Promise.resolve({ type: 'done', requestId: 'x', interrupted: true, stats });
        return engine.extract(job, onEvent);
      },
    };
    const result = await new CorpusRun({
      engine: replacing,
      documents: docs('A', 'B', 'C'),
      types: ['t'],
      model: 'm',
      hooks: r.hooks,
    }).run();
    expect(result).toEqual({ outcome: 'stopped' });
    expect(r.seen).toEqual(['done d0', 'stopped d1']);
  });

  it('a begin hook that returns false skips the document (deleted while queued)', async () => {
    const { engine, sent } = fakeEngine();
    const r = recorder();
    await new CorpusRun({
      engine,
      documents: docs('A', 'B', 'C'),
      types: ['t'],
      model: 'm',
      hooks: { ...r.hooks, begin: async (doc: RunnerDocument) => doc.id !== 'd1' },
    }).run();
    expect(sent).toEqual(['A', 'C']);
    expect(r.seen).toEqual(['done d0', 'done d2']);
  });

  it('reports malformed answers as notes and progress as documents finish', async () => {
    const r = recorder();
    const notes: string[] = [];
    const progress: number[] = [];
    const engine: Pick<Engine, 'extract' | 'interrupt'> = {
      extract: async (_job, onEvent) => {
        onEvent?.({
          type: 'type-done',
          requestId: 'r',
          entityType: 't',
          entities: [],
          rawAnswers: ['oops'],
          malformed: 'no list',
          decodeTokens: 1,
          ms: 1,
        });
        return { type: 'done', requestId: 'r', interrupted: false, stats };
      },
      interrupt: () => {},
    };
    await new CorpusRun({
      engine,
      documents: docs('A', 'B'),
      types: ['t'],
      model: 'm',
      hooks: r.hooks,
      onNote: (doc, message) => notes.push(`${doc.name}: ${message}`),
      onProgress: (p) => progress.push(p.done),
    }).run();
    expect(notes).toEqual(['doc 0: malformed answer (t): no list', 'doc 1: malformed answer (t): no list']);
    expect(progress.at(-1)).toBe(2);
    expect(progress).toContain(1);
  });
});
