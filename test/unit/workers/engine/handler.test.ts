/**
 * The worker's message handler driven directly (no Worker): load errors, interruption within one
 * decode step, the latest extraction winning, and requests without a model.
 */
import { describe, expect, it } from 'vitest';
import { InferenceHandler } from '../../../../workers/handler';
import type { FromWorker, ToWorker } from '../../../../workers/protocol';
import { ensureFixtures } from '../../../../tools/fixtures/ensure';
import { TINY_LLAMA_DIR } from '../../../../tools/fixtures/paths';

function recordingHandler() {
  const events: FromWorker[] = [];
  const handler = new InferenceHandler((event) => events.push(event), { runtime: 'node' });
  return { handler, events };
}

async function loaded() {
  ensureFixtures();
  const recorder = recordingHandler();
  await recorder.handler.handle({
    type: 'load',
    requestId: 'load',
    device: 'wasm',
    model: { source: TINY_LLAMA_DIR, dtype: 'q4' },
  });
  expect(recorder.events.at(-1)?.type).toBe('ready');
  return recorder;
}

const extract = (requestId: string, maxNewTokens = 200): ToWorker => ({
  type: 'extract',
  requestId,
  passage: 'Grace Hopper wrote COBOL compilers for the Navy in Arlington and lectured at Yale and Harvard.',
  entityTypes: ['person', 'location', 'organization', 'programming language'],
  // Unconstrained random weights rarely emit EOS, so every type would run all its tokens.
  options: { constrain: false, maxNewTokens },
});

describe('InferenceHandler', () => {
  it('reports ready with the device, dtype and model facts', async () => {
    const { events } = await loaded();
    const ready = events.at(-1) as Extract<FromWorker, { type: 'ready' }>;
    expect(ready.model).toMatchObject({
      device: 'cpu',
      dtype: 'q4',
      isUniner: false,
      promptStyle: 'uniner',
      contextLength: 2048,
    });
    expect(events.some((e) => e.type === 'load-progress')).toBe(true);
  });

  it('stops an extraction within one decode step and ends with done (interrupted)', async () => {
    const { handler, events } = await loaded();
    let eventsAtInterrupt = -1;
    const running = handler.handle(extract('x1'));
    // Interrupt as soon as the first type has started generating.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (events.some((e) => e.type === 'type-started' && e.requestId === 'x1')) {
          clearInterval(timer);
          void handler.handle({ type: 'interrupt', requestId: 'x1' });
          eventsAtInterrupt = events.length;
          resolve();
        }
      }, 1);
    });
    await running;
    const mine = events.filter((e) => e.requestId === 'x1');
    const done = mine.at(-1) as Extract<FromWorker, { type: 'done' }>;
    expect(done.type).toBe('done');
    expect(done.interrupted).toBe(true);
    // Far fewer tokens than the 4 × 200 the request allowed: at most the step in flight finished.
    expect(done.stats.decodeTokens).toBeLessThan(20);
    expect(mine.filter((e) => e.type === 'type-started')).toHaveLength(1);
    // No further type starts after the interrupt.
    expect(events.slice(eventsAtInterrupt).filter((e) => e.type === 'type-started')).toHaveLength(0);
  });

  it('lets the latest extraction win: a new request interrupts the running one', async () => {
    const { handler, events } = await loaded();
    const first = handler.handle(extract('a'));
    const second = handler.handle({ ...(extract('b', 4) as Extract<ToWorker, { type: 'extract' }>) });
    await Promise.all([first, second]);
    const doneA = events.find((e) => e.type === 'done' && e.requestId === 'a') as Extract<
      FromWorker,
      { type: 'done' }
    >;
    const doneB = events.find((e) => e.type === 'done' && e.requestId === 'b') as Extract<
      FromWorker,
      { type: 'done' }
    >;
    expect(doneA.interrupted).toBe(true);
    expect(doneB.interrupted).toBe(false);
    expect(events.filter((e) => e.type === 'type-done' && e.requestId === 'b')).toHaveLength(4);
  });

  it('answers extract without a model with a clear error', async () => {
    const { handler, events } = recordingHandler();
    await handler.handle(extract('no-model'));
    expect(events).toEqual([
      {
        type: 'error',
        requestId: 'no-model',
        during: 'extract',
        error: { name: 'ModelLoadError', message: expect.stringMatching(/load/i) },
      },
    ]);
  });

  it('rejects empty passages and empty types with InputError before any work', async () => {
    const { handler, events } = await loaded();
    await handler.handle({
      type: 'extract',
      requestId: 'e1',
      passage: '  \n ',
      entityTypes: ['person'],
      options: { constrain: true, maxNewTokens: 8 },
    });
    await handler.handle({
      type: 'extract',
      requestId: 'e2',
      passage: 'Hi',
      entityTypes: [' '],
      options: { constrain: true, maxNewTokens: 8 },
    });
    const errors = events.filter((e) => e.type === 'error');
    expect(errors.map((e) => (e as Extract<FromWorker, { type: 'error' }>).error.name)).toEqual([
      'InputError',
      'InputError',
    ]);
  });

  it.each([
    ['a folder that does not exist', { source: '/nonexistent/model-folder' }, /config\.json/],
    [
      'a weight format the folder lacks',
      { source: TINY_LLAMA_DIR, dtype: 'q4f16' as const },
      /model_q4f16\.onnx/,
    ],
    ['something that is not a model source', { source: 'not a model!' }, /not a model/],
  ])('fails to load %s with a ModelLoadError that says what is wrong', async (_label, model, pattern) => {
    ensureFixtures();
    const { handler, events } = recordingHandler();
    await handler.handle({ type: 'load', requestId: 'bad', device: 'wasm', model });
    const error = events.at(-1) as Extract<FromWorker, { type: 'error' }>;
    expect(error.type).toBe('error');
    expect(error.error.name).toBe('ModelLoadError');
    expect(error.error.message).toMatch(pattern);
    // The device is reported once one was chosen, so the client retries on WASM only for WebGPU failures.
    expect(error.device).toBe(model.source === 'not a model!' ? undefined : 'cpu');
  });
});
