import { describe, expect, it } from 'vitest';
import type { DoneEvent, RunStats } from '../../../../workers/protocol';
import {
  createEngineClient,
  EngineRequestError,
  shouldRetryOnWasm,
  SupersededError,
  type ClientEvent,
} from '../../../../src/lib/engine-client';
import { fakeFactory, modelInfo } from '../fake-worker';

const stats: RunStats = { prefillTokens: 10, decodeTokens: 5, prefillMs: 1, decodeMs: 2, ms: 3, chunks: 1 };
const model = { source: 'onnx-community/Qwen2.5-0.5B-Instruct' };
const params = {
  passage: 'Ada Lovelace wrote notes.',
  entityTypes: ['person'],
  options: { constrain: true, maxNewTokens: 256 },
};

function setup() {
  const { factory, workers } = fakeFactory();
  const client = createEngineClient(factory);
  const events: ClientEvent[] = [];
  client.subscribe((e) => events.push(e));
  return { client, workers, events };
}

describe('engine client', () => {
  it('creates the worker lazily and numbers requests', () => {
    const { client, workers } = setup();
    expect(workers).toHaveLength(0);
    const a = client.load({ model, device: 'wasm' });
    const b = client.extract(params);
    expect(workers).toHaveLength(1);
    expect(a.requestId).not.toBe(b.requestId);
    expect(workers[0]!.posted.map((m) => [m.type, m.requestId])).toEqual([
      ['load', a.requestId],
      ['extract', b.requestId],
    ]);
    expect(workers[0]!.last('load').device).toBe('wasm');
  });

  it('drops events of superseded requests, per kind', async () => {
    const { client, workers, events } = setup();
    const first = client.load({ model, device: 'wasm' });
    const second = client.load({ model: { source: 'HuggingFaceTB/SmolLM2-360M-Instruct' }, device: 'wasm' });
    await expect(first.promise).rejects.toBeInstanceOf(SupersededError);
    const w = workers[0]!;
    w.emit({
      type: 'load-progress',
      requestId: first.requestId,
      file: 'a.onnx',
      loadedBytes: 1,
      totalBytes: 2,
      stage: 'download',
    });
    w.emit({ type: 'ready', requestId: first.requestId, model: modelInfo('wasm'), loadMs: 5 });
    expect(events).toEqual([]);
    w.emit({ type: 'ready', requestId: second.requestId, model: modelInfo('wasm'), loadMs: 5 });
    await expect(second.promise).resolves.toMatchObject({ type: 'ready' });

    const run1 = client.extract(params);
    const run2 = client.extract(params);
    // The older run is interrupted in the worker and its promise rejected.
    expect(w.posted.filter((m) => m.type === 'interrupt').map((m) => m.requestId)).toEqual([run1.requestId]);
    await expect(run1.promise).rejects.toBeInstanceOf(SupersededError);
    w.emit({ type: 'type-partial', requestId: run1.requestId, entityType: 'person', entities: [] });
    w.emit({ type: 'done', requestId: run1.requestId, interrupted: true, stats });
    w.emit({ type: 'type-started', requestId: run2.requestId, entityType: 'person', chunk: 0 });
    // A load event with an extract id (or vice versa) is stale too.
    w.emit({
      type: 'load-progress',
      requestId: run2.requestId,
      file: 'x',
      loadedBytes: 0,
      totalBytes: 0,
      stage: 'download',
    });
    const done: DoneEvent = { type: 'done', requestId: run2.requestId, interrupted: false, stats };
    w.emit(done);
    await expect(run2.promise).resolves.toEqual(done);
    expect(events.map((e) => [e.type, e.requestId])).toEqual([
      ['ready', second.requestId],
      ['type-started', run2.requestId],
      ['done', run2.requestId],
    ]);
  });

  it('typed `on` listeners receive only their type', () => {
    const { client, workers } = setup();
    const seen: string[] = [];
    const off = client.on('ready', (e) => seen.push(e.model.displayName));
    const { requestId } = client.load({ model, device: 'wasm' });
    workers[0]!.emit({
      type: 'load-progress',
      requestId,
      file: 'f',
      loadedBytes: 1,
      totalBytes: 1,
      stage: 'done',
    });
    workers[0]!.emit({ type: 'ready', requestId, model: modelInfo('wasm'), loadMs: 1 });
    off();
    expect(seen).toEqual(['Qwen2.5 0.5B Instruct']);
  });

  it('restarts on WASM in a fresh worker when a WebGPU load fails', async () => {
    const { client, workers, events } = setup();
    const { requestId, promise } = client.load({ model, device: 'auto' });
    workers[0]!.emit({
      type: 'error',
      requestId,
      error: { name: 'WebGpuError', message: 'adapter lost' },
      during: 'load',
      device: 'webgpu',
    });
    expect(workers[0]!.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    const retry = workers[1]!.last('load');
    expect(retry).toMatchObject({
      requestId,
      device: 'wasm',
      fallbackReason: 'WebGpuError: adapter lost',
      model,
    });
    expect(events).toEqual([
      { type: 'fallback', requestId, during: 'load', reason: 'WebGpuError: adapter lost' },
    ]);
    // Late events of the dead worker are ignored.
    workers[0]!.emit({ type: 'ready', requestId, model: modelInfo('webgpu'), loadMs: 1 });
    expect(client.loadedModel).toBeNull();
    workers[1]!.emit({
      type: 'ready',
      requestId,
      model: modelInfo('wasm'),
      loadMs: 9,
      fallbackReason: retry.fallbackReason,
    });
    await expect(promise).resolves.toMatchObject({ model: { device: 'wasm' } });
    expect(client.loadedModel?.device).toBe('wasm');
  });

  it('does not retry a WASM load, and reports the second failure', async () => {
    const { client, workers, events } = setup();
    const wasm = client.load({ model, device: 'wasm' });
    workers[0]!.emit({
      type: 'error',
      requestId: wasm.requestId,
      error: { name: 'ModelNotFound', message: '404' },
      during: 'load',
      device: 'wasm',
    });
    await expect(wasm.promise).rejects.toBeInstanceOf(EngineRequestError);
    expect(workers).toHaveLength(1);
    expect(events.map((e) => e.type)).toEqual(['error']);

    // The failed worker is not reused: the next load gets a fresh one (workers[1]), its fallback another.
    const gpu = client.load({ model, device: 'webgpu' });
    expect(workers[0]!.terminated).toBe(true);
    workers[1]!.emit({
      type: 'error',
      requestId: gpu.requestId,
      error: { name: 'DeviceError', message: 'device lost' },
      during: 'load',
      device: 'webgpu',
    });
    workers[2]!.emit({
      type: 'error',
      requestId: gpu.requestId,
      error: { name: 'OutOfMemory', message: 'too big' },
      during: 'load',
      device: 'wasm',
    });
    await expect(gpu.promise).rejects.toMatchObject({ name: 'OutOfMemory', message: 'too big' });
    expect(workers).toHaveLength(3);
  });

  it('re-runs an extraction on WASM when it fails mid-run on WebGPU', async () => {
    const { client, workers, events } = setup();
    const load = client.load({ model, device: 'webgpu' });
    workers[0]!.emit({ type: 'ready', requestId: load.requestId, model: modelInfo('webgpu'), loadMs: 1 });
    const run = client.extract(params);
    workers[0]!.emit({ type: 'type-started', requestId: run.requestId, entityType: 'person', chunk: 0 });
    workers[0]!.emit({
      type: 'error',
      requestId: run.requestId,
      error: { name: 'Error', message: 'The tensor is disposed' },
      during: 'extract',
      device: 'webgpu',
    });
    expect(workers[0]!.terminated).toBe(true);
    const w = workers[1]!;
    const reload = w.last('load');
    expect(reload).toMatchObject({ device: 'wasm', fallbackReason: 'Error: The tensor is disposed' });
    expect(w.posted.some((m) => m.type === 'extract')).toBe(false); // held until ready
    w.emit({ type: 'ready', requestId: reload.requestId, model: modelInfo('wasm'), loadMs: 1 });
    expect(w.last('extract')).toMatchObject({
      requestId: run.requestId,
      passage: params.passage,
      entityTypes: ['person'],
    });
    w.emit({ type: 'done', requestId: run.requestId, interrupted: false, stats });
    await expect(run.promise).resolves.toMatchObject({ interrupted: false });
    expect(events.map((e) => e.type)).toEqual(['ready', 'type-started', 'fallback', 'ready', 'done']);
    expect(events[2]).toMatchObject({ during: 'extract', requestId: run.requestId });
  });

  it('reports an extraction error on WASM without restarting', async () => {
    const { client, workers } = setup();
    const load = client.load({ model, device: 'wasm' });
    workers[0]!.emit({ type: 'ready', requestId: load.requestId, model: modelInfo('wasm'), loadMs: 1 });
    const run = client.extract(params);
    workers[0]!.emit({
      type: 'error',
      requestId: run.requestId,
      error: { name: 'ContextOverflow', message: 'too long' },
      during: 'extract',
      device: 'wasm',
    });
    await expect(run.promise).rejects.toMatchObject({ name: 'ContextOverflow' });
    expect(workers).toHaveLength(1);
  });

  it('interrupts the current extraction', async () => {
    const { client, workers } = setup();
    client.interrupt(); // nothing running: no-op, no worker
    expect(workers).toHaveLength(0);
    const load = client.load({ model, device: 'wasm' });
    workers[0]!.emit({ type: 'ready', requestId: load.requestId, model: modelInfo('wasm'), loadMs: 1 });
    const run = client.extract(params);
    client.interrupt();
    expect(workers[0]!.last('interrupt')).toEqual({ type: 'interrupt', requestId: run.requestId });
    workers[0]!.emit({ type: 'done', requestId: run.requestId, interrupted: true, stats });
    await expect(run.promise).resolves.toMatchObject({ interrupted: true });
    client.interrupt(); // finished: no second interrupt
    expect(workers[0]!.posted.filter((m) => m.type === 'interrupt')).toHaveLength(1);
  });

  it('interrupting a run held for a WASM restart ends it at once', async () => {
    const { client, workers, events } = setup();
    const load = client.load({ model, device: 'auto' });
    workers[0]!.emit({
      type: 'error',
      requestId: load.requestId,
      error: { name: 'WebGpuError', message: 'x' },
      during: 'load',
      device: 'webgpu',
    });
    const run = client.extract(params);
    expect(workers[1]!.posted.map((m) => m.type)).toEqual(['load']);
    client.interrupt();
    await expect(run.promise).resolves.toMatchObject({ interrupted: true });
    expect(events.at(-1)).toMatchObject({ type: 'done', requestId: run.requestId, interrupted: true });
  });

  it('turns a worker crash into an error of the pending request', async () => {
    const { client, workers } = setup();
    const load = client.load({ model, device: 'wasm' });
    workers[0]!.onerror?.({ message: 'SyntaxError in worker.ts' });
    await expect(load.promise).rejects.toMatchObject({
      name: 'WorkerCrashed',
      message: 'SyntaxError in worker.ts',
    });
  });

  it('runs a self-test and resolves with its result', async () => {
    const { client, workers } = setup();
    const test = client.selftest('Hello', 4);
    const sent = workers[0]!.last('selftest');
    expect(sent).toMatchObject({ prompt: 'Hello', maxNewTokens: 4 });
    workers[0]!.emit({
      type: 'selftest-result',
      requestId: sent.requestId,
      device: 'wasm',
      dtype: 'q4',
      promptIds: [1],
      generatedIds: [2],
      text: '',
    });
    await expect(test.promise).resolves.toMatchObject({ generatedIds: [2] });
  });
});

describe('engine client: poisoned workers', () => {
  it('starts a fresh worker for the next load after a failure, but not after an InputError', () => {
    const { client, workers } = setup();
    const load = client.load({ model, device: 'wasm' });
    workers[0]!.emit({ type: 'ready', requestId: load.requestId, model: modelInfo('wasm'), loadMs: 1 });
    const bad = client.extract(params);
    workers[0]!.emit({
      type: 'error',
      requestId: bad.requestId,
      error: { name: 'InputError', message: 'empty' },
      during: 'extract',
    });
    expect(client.loadedModel).not.toBeNull();
    const run = client.extract(params);
    workers[0]!.emit({
      type: 'error',
      requestId: run.requestId,
      error: { name: 'RangeError', message: 'OOM' },
      during: 'extract',
    });
    expect(client.loadedModel).toBeNull();
    client.load({ model, device: 'wasm' });
    expect(workers[0]!.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(workers[1]!.last('load').device).toBe('wasm');
  });

  it('does not fall back to WASM for an InputError on WebGPU', () => {
    const { client, workers } = setup();
    const load = client.load({ model, device: 'webgpu' });
    workers[0]!.emit({
      type: 'error',
      requestId: load.requestId,
      error: { name: 'InputError', message: 'bad dtype' },
      during: 'load',
      device: 'webgpu',
    });
    expect(workers).toHaveLength(1);
  });
});

describe('engine client: which failures restart on WASM (ErrorEvent.device)', () => {
  it('does not restart when an auto load failed on WASM (e.g. a missing file: WASM again would fail too)', async () => {
    const { client, workers, events } = setup();
    const load = client.load({ model, device: 'auto' });
    workers[0]!.emit({
      type: 'error',
      requestId: load.requestId,
      error: { name: 'ModelLoadError', message: 'config.json: 404' },
      during: 'load',
      device: 'wasm',
    });
    await expect(load.promise).rejects.toMatchObject({ name: 'ModelLoadError' });
    expect(workers).toHaveLength(1);
    expect(events.map((e) => e.type)).toEqual(['error']);
  });

  it('does not restart when a load failed before any device was chosen', async () => {
    const { client, workers } = setup();
    const bad = client.load({ model: { source: 'not a model' }, device: 'webgpu' });
    workers[0]!.emit({
      type: 'error',
      requestId: bad.requestId,
      error: { name: 'ModelLoadError', message: '"not a model" is not a model' },
      during: 'load',
    });
    await expect(bad.promise).rejects.toMatchObject({ name: 'ModelLoadError' });
    const big = client.load({ model, device: 'auto' });
    workers[1]!.emit({
      type: 'error',
      requestId: big.requestId,
      error: { name: 'DeviceError', message: 'This model needs WebGPU' },
      during: 'load',
    });
    await expect(big.promise).rejects.toMatchObject({ name: 'DeviceError' });
    expect(workers).toHaveLength(2);
    expect(workers.flatMap((w) => w.posted).filter((m) => m.type === 'load' && m.fallbackReason)).toEqual([]);
  });

  it('restarts after a worker crash during a load that may have been on WebGPU, not during a WASM one', async () => {
    const { client, workers, events } = setup();
    const gpu = client.load({ model, device: 'auto' });
    workers[0]!.onerror?.({ message: 'GPU process died' });
    expect(workers).toHaveLength(2);
    expect(workers[1]!.last('load')).toMatchObject({ device: 'wasm', requestId: gpu.requestId });
    expect(events).toEqual([
      {
        type: 'fallback',
        requestId: gpu.requestId,
        during: 'load',
        reason: 'WorkerCrashed: GPU process died',
      },
    ]);
    const wasm = client.load({ model, device: 'wasm' });
    workers[1]!.onerror?.({ message: 'out of memory' });
    await expect(wasm.promise).rejects.toMatchObject({ name: 'WorkerCrashed' });
    expect(workers).toHaveLength(2);
  });

  it('restarts an extraction whose worker crashed while the model ran on WebGPU', () => {
    const { client, workers } = setup();
    const load = client.load({ model, device: 'webgpu' });
    workers[0]!.emit({ type: 'ready', requestId: load.requestId, model: modelInfo('webgpu'), loadMs: 1 });
    client.extract(params);
    workers[0]!.onerror?.({ message: 'device lost' });
    expect(workers).toHaveLength(2);
    expect(workers[1]!.last('load')).toMatchObject({ device: 'wasm' });
  });

  it('decides from the device the failure names', () => {
    const none = { requested: undefined, loadedDevice: undefined };
    const err = (name: string) => ({ name, message: 'x' });
    expect(shouldRetryOnWasm(err('Error'), 'webgpu', none)).toBe(true);
    expect(shouldRetryOnWasm(err('InputError'), 'webgpu', none)).toBe(false);
    expect(shouldRetryOnWasm(err('Error'), 'wasm', { requested: 'auto', loadedDevice: undefined })).toBe(
      false,
    );
    expect(shouldRetryOnWasm(err('Error'), 'cpu', none)).toBe(false);
    expect(
      shouldRetryOnWasm(err('ModelLoadError'), undefined, { requested: 'auto', loadedDevice: undefined }),
    ).toBe(false);
    expect(
      shouldRetryOnWasm(err('WorkerCrashed'), undefined, { requested: 'auto', loadedDevice: undefined }),
    ).toBe(true);
    expect(
      shouldRetryOnWasm(err('WorkerCrashed'), undefined, { requested: 'wasm', loadedDevice: undefined }),
    ).toBe(false);
    expect(
      shouldRetryOnWasm(err('WorkerCrashed'), undefined, { requested: undefined, loadedDevice: 'webgpu' }),
    ).toBe(true);
    expect(
      shouldRetryOnWasm(err('WorkerCrashed'), undefined, { requested: undefined, loadedDevice: 'wasm' }),
    ).toBe(false);
  });
});

describe('engine client: a Stop the worker does not answer', () => {
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('terminates the worker after the deadline, ends the run as interrupted, and reloads in a fresh worker', async () => {
    const { factory, workers } = fakeFactory();
    const client = createEngineClient(factory, { stopDeadlineMs: 20 });
    const events: ClientEvent[] = [];
    client.subscribe((e) => events.push(e));
    const load = client.load({ model, device: 'wasm' });
    workers[0]!.emit({ type: 'ready', requestId: load.requestId, model: modelInfo('wasm'), loadMs: 1 });
    const run = client.extract(params);
    client.interrupt();
    client.interrupt(); // a second press does not extend the wait
    await expect(run.promise).resolves.toMatchObject({ requestId: run.requestId, interrupted: true });
    expect(workers[0]!.terminated).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['ready', 'stop-timeout', 'done']);
    expect(client.loadedModel).toBeNull();
    // Late events of the dead worker are ignored; the next load gets a fresh worker.
    workers[0]!.emit({ type: 'done', requestId: run.requestId, interrupted: true, stats });
    expect(events).toHaveLength(3);
    client.load({ model, device: 'wasm' });
    expect(workers).toHaveLength(2);
  });

  it('keeps and reports what the run had done when a step outlasts the deadline (a slow device)', async () => {
    const { factory, workers } = fakeFactory();
    const client = createEngineClient(factory, { stopDeadlineMs: 20 });
    const events: ClientEvent[] = [];
    client.subscribe((e) => events.push(e));
    const load = client.load({ model, device: 'wasm' });
    workers[0]!.emit({ type: 'ready', requestId: load.requestId, model: modelInfo('wasm'), loadMs: 1 });
    const run = client.extract(params);
    for (const [entityType, decodeTokens] of [
      ['person', 7],
      ['location', 5],
    ] as const)
      workers[0]!.emit({
        type: 'type-done',
        requestId: run.requestId,
        entityType,
        entities: [],
        rawAnswers: ['[]'],
        decodeTokens,
        ms: 1,
      });
    client.interrupt(); // the third type's step never ends
    const done = await run.promise;
    expect(done).toMatchObject({ interrupted: true, stats: { decodeTokens: 12, forcedStop: true } });
    expect(events.find((e) => e.type === 'stop-timeout')).toMatchObject({ typesAnswered: 2 });
    expect(events.filter((e) => e.type === 'type-done')).toHaveLength(2);
  });

  it('does nothing when the worker stops in time', async () => {
    const { factory, workers } = fakeFactory();
    const client = createEngineClient(factory, { stopDeadlineMs: 20 });
    const load = client.load({ model, device: 'wasm' });
    workers[0]!.emit({ type: 'ready', requestId: load.requestId, model: modelInfo('wasm'), loadMs: 1 });
    const run = client.extract(params);
    client.interrupt();
    workers[0]!.emit({ type: 'done', requestId: run.requestId, interrupted: true, stats });
    await expect(run.promise).resolves.toMatchObject({ interrupted: true, stats });
    const next = client.extract(params);
    await wait(40);
    expect(workers[0]!.terminated).toBe(false);
    expect(client.loadedModel).not.toBeNull();
    workers[0]!.emit({ type: 'done', requestId: next.requestId, interrupted: false, stats });
    await expect(next.promise).resolves.toMatchObject({ interrupted: false });
  });
});
