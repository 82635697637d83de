// @vitest-environment jsdom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../../../src/App';
import { createEngineClient } from '../../../../src/lib/engine-client';
import { initialAppState, STORAGE_KEY, useAppStore } from '../../../../src/store/app-store';
import { bindEngine, runExtraction } from '../../../../src/store/engine-actions';
import { fakeFactory, modelInfo } from '../fake-worker';

const passage = 'Ada Lovelace met Charles Babbage in London.';
const stats = { prefillTokens: 20, decodeTokens: 8, prefillMs: 5, decodeMs: 40, ms: 60, chunks: 1 };
let unbind = () => {};

function setup() {
  const { factory, workers } = fakeFactory();
  const client = createEngineClient(factory);
  unbind = bindEngine(client);
  useAppStore.setState({
    ...initialAppState,
    passage,
    entityTypes: ['person', 'location'],
    modelChoice: 'custom',
    customSource: 'onnx-community/Qwen2.5-0.5B-Instruct',
    devicePreference: 'auto',
  });
  return { client, workers };
}

beforeEach(() => localStorage.clear());
afterEach(() => {
  unbind();
  cleanup();
});

describe('store ← engine client (fake worker)', () => {
  it('loads on first Extract, streams highlights, finishes with counts and time', async () => {
    const { workers } = setup();
    render(<App />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Extract' }));
    const w = workers[0]!;
    const load = w.last('load');
    expect(load.model.source).toBe('onnx-community/Qwen2.5-0.5B-Instruct');
    expect(useAppStore.getState().loadStatus).toBe('loading');
    act(() =>
      w.emit({
        type: 'load-progress',
        requestId: load.requestId,
        file: 'onnx/model_q4f16.onnx',
        loadedBytes: 50,
        totalBytes: 100,
        stage: 'download',
      }),
    );
    expect(
      screen.getByRole('progressbar', { name: 'onnx/model_q4f16.onnx' }).getAttribute('aria-valuenow'),
    ).toBe('50');
    await act(async () =>
      w.emit({ type: 'ready', requestId: load.requestId, model: modelInfo('webgpu'), loadMs: 1234 }),
    );
    const extract = w.last('extract');
    expect(extract).toMatchObject({
      passage,
      entityTypes: ['person', 'location'],
      options: { constrain: true, maxNewTokens: 256 },
    });
    const id = extract.requestId;
    act(() => {
      w.emit({ type: 'type-started', requestId: id, entityType: 'person', chunk: 0 });
      w.emit({
        type: 'type-partial',
        requestId: id,
        entityType: 'person',
        entities: [{ text: 'Ada Lovelace', spans: [{ start: 0, end: 12 }], match: 'exact' }],
      });
    });
    // Highlights appear while the answer streams (partial results are applied once per frame).
    await waitFor(() =>
      expect(
        document.querySelector('mark[data-type="person"][data-start="0"][data-end="12"]'),
      ).not.toBeNull(),
    );
    expect(document.querySelector('[data-type-status="streaming"]')?.textContent).toContain('person');
    expect(document.querySelector('[data-type-status="queued"]')?.textContent).toContain('location');
    act(() => {
      w.emit({
        type: 'type-done',
        requestId: id,
        entityType: 'person',
        entities: [
          { text: 'Ada Lovelace', spans: [{ start: 0, end: 12 }], match: 'exact' },
          { text: 'Charles Babbage', spans: [{ start: 17, end: 32 }], match: 'exact' },
        ],
        rawAnswers: ['["Ada Lovelace", "Charles Babbage"]'],
        decodeTokens: 8,
        ms: 420,
      });
      w.emit({
        type: 'type-done',
        requestId: id,
        entityType: 'location',
        entities: [{ text: 'London', spans: [{ start: 36, end: 42 }], match: 'exact' }],
        rawAnswers: ['["London"]'],
        decodeTokens: 3,
        ms: 100,
      });
      w.emit({ type: 'done', requestId: id, interrupted: false, stats });
    });
    expect(document.querySelectorAll('mark')).toHaveLength(3);
    expect(document.querySelector('[data-type-status="done"]')?.textContent).toMatch(
      /person.*done: 2 found in 0\.42 s/,
    );
    expect(screen.getByText(/Answered by/).textContent).toContain('not UniNER');
    expect(screen.getByText('200.0 tokens/s')).toBeTruthy();
    expect(document.querySelector('[data-device="webgpu"]')?.textContent).toBe('WebGPU');
  });

  it('shows the WASM restart when a run fails on WebGPU and keeps the passage', async () => {
    const { workers } = setup();
    const running = runExtraction();
    const load = workers[0]!.last('load');
    workers[0]!.emit({ type: 'ready', requestId: load.requestId, model: modelInfo('webgpu'), loadMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const id = workers[0]!.last('extract').requestId;
    workers[0]!.emit({
      type: 'type-partial',
      requestId: id,
      entityType: 'person',
      entities: [{ text: 'Ada', spans: [{ start: 0, end: 3 }], match: 'exact' }],
    });
    workers[0]!.emit({
      type: 'error',
      requestId: id,
      error: { name: 'DeviceError', message: 'device lost' },
      during: 'extract',
      device: 'webgpu',
    });
    let state = useAppStore.getState();
    expect(state.results).toEqual({});
    expect(state.typeRuns.person?.status).toBe('queued');
    expect(state.runNotice).toContain('re-running');
    expect(state.fallbackReason).toBe('DeviceError: device lost');
    const w = workers[1]!;
    w.emit({
      type: 'ready',
      requestId: w.last('load').requestId,
      model: modelInfo('wasm'),
      loadMs: 2,
      fallbackReason: 'DeviceError: device lost',
    });
    w.emit({
      type: 'error',
      requestId: id,
      error: { name: 'InputError', message: 'Too many types.' },
      during: 'extract',
    });
    await running;
    state = useAppStore.getState();
    expect(state.answeredBy?.device).toBe('wasm');
    expect(state.runStatus).toBe('error');
    expect(state.passage).toBe(passage);
    render(<App />);
    // In words, without the class name (ErrorBanner.tsx).
    expect(screen.getByRole('alert').textContent).toContain('Extraction failed: Too many types.');
    expect(screen.getByRole('alert').textContent).not.toContain('InputError');
    expect(screen.getByText(/Fallback: DeviceError: device lost/)).toBeTruthy();
  });

  it('Stop interrupts the run', async () => {
    const { workers } = setup();
    render(<App />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Extract' }));
    const w = workers[0]!;
    await act(async () =>
      w.emit({ type: 'ready', requestId: w.last('load').requestId, model: modelInfo('wasm'), loadMs: 1 }),
    );
    const id = w.last('extract').requestId;
    await user.click(screen.getByRole('button', { name: 'Stop' }));
    expect(w.last('interrupt').requestId).toBe(id);
    act(() => w.emit({ type: 'done', requestId: id, interrupted: true, stats }));
    expect(useAppStore.getState().runStatus).toBe('interrupted');
    expect(useAppStore.getState().typeRuns.person?.status).toBe('stopped');
  });

  it('sends the chosen question format with the load, and a change of format reloads the model', async () => {
    const { workers } = setup();
    render(<App />);
    const user = userEvent.setup();
    await user.click(screen.getByText('Advanced options'));
    await user.selectOptions(screen.getByLabelText('Question format'), 'uniner');
    await user.click(screen.getByRole('button', { name: 'Extract' }));
    const w = workers[0]!;
    const first = w.last('load');
    expect(first.model).toEqual({ source: 'onnx-community/Qwen2.5-0.5B-Instruct', promptStyle: 'uniner' });
    await act(async () =>
      w.emit({ type: 'ready', requestId: first.requestId, model: modelInfo('wasm'), loadMs: 1 }),
    );
    await act(async () =>
      w.emit({ type: 'done', requestId: w.last('extract').requestId, interrupted: false, stats }),
    );
    await user.click(screen.getByRole('button', { name: 'Extract' }));
    expect(w.posted.filter((m) => m.type === 'load')).toHaveLength(1);
    await act(async () =>
      w.emit({ type: 'done', requestId: w.last('extract').requestId, interrupted: false, stats }),
    );
    await user.selectOptions(screen.getByLabelText('Question format'), 'auto');
    await user.click(screen.getByRole('button', { name: 'Extract' }));
    // A new model gets a fresh worker (the client never loads twice into one).
    const reload = workers.at(-1)!.last('load');
    expect(reload.requestId).not.toBe(first.requestId);
    expect(reload.model).toEqual({ source: 'onnx-community/Qwen2.5-0.5B-Instruct' });
  });

  it('Ctrl+Enter runs Extract; the passage, types and settings persist, results do not', async () => {
    const { workers } = setup();
    render(<App />);
    const user = userEvent.setup();
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(workers[0]!.last('load')).toBeTruthy();
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY)!).state;
    expect(saved.passage).toBe(passage);
    expect(saved.entityTypes).toEqual(['person', 'location']);
    expect(saved.customSource).toBe('onnx-community/Qwen2.5-0.5B-Instruct');
    expect(saved).not.toHaveProperty('results');
    expect(saved).not.toHaveProperty('loadStatus');
  });

  it('Extract pressed again while the model loads runs only the newest passage, once', async () => {
    const { workers } = setup();
    const runs = ['First passage about Ada.', 'Second passage about Ada.', 'Third passage about Ada.'].map(
      (text) => {
        useAppStore.setState({ passage: text });
        return runExtraction();
      },
    );
    const w = workers[0]!;
    expect(w.posted.filter((m) => m.type === 'load')).toHaveLength(1);
    await act(async () =>
      w.emit({ type: 'ready', requestId: w.last('load').requestId, model: modelInfo('wasm'), loadMs: 1 }),
    );
    const extracts = w.posted.filter((m) => m.type === 'extract');
    expect(extracts.map((m) => m.passage)).toEqual(['Third passage about Ada.']);
    expect(useAppStore.getState().runPassage).toBe('Third passage about Ada.');
    act(() => w.emit({ type: 'done', requestId: extracts[0]!.requestId, interrupted: false, stats }));
    await Promise.all(runs);
    expect(useAppStore.getState().runStatus).toBe('done');
  });
});
