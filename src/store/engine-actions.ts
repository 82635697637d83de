/**
 * Actions that talk to the engine. The client is bound once at start-up (`bindEngine`), which also
 * routes its events into the store; tests bind a client built on a fake worker.
 */
import type { ExtractOptions, ModelSource } from '../../workers/protocol';
import type { Engine } from '../../workers/engine';
import type { EngineClient } from '../lib/engine-client';
import { createWorkerEngine } from '../lib/engine-client/worker-engine';
import { appBaseUrl, resolveAppPath } from '../lib/app-path';
import { findPreset, isConfigured, validateCustomSource } from '../lib/model-presets';
import { useAppStore } from './app-store';
import type { AppState } from './app-state';
import { reduceEngineEvent } from './engine-events';
import { reviewForResults, startReviewForRun } from './review-actions';
import { QUEUED } from './slices/run';

let client: EngineClient | null = null;

type ClientEvent = Parameters<Parameters<EngineClient['subscribe']>[0]>[0];

/** Waits for the next frame where there is one (browsers), else a macrotask (tests, workers). */
function nextFrame(callback: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => callback());
  else setTimeout(callback, 16);
}

/** Connects a client to the store; returns a function that disconnects it. */
export function bindEngine(engine: EngineClient): () => void {
  client = engine;
  const apply = (event: ClientEvent) => {
    const state = useAppStore.getState();
    const patch = reduceEngineEvent(state, event);
    if (!patch) return;
    // New results of the run become the review's model spans in the same update.
    const review = patch.results ? reviewForResults({ ...state, ...patch }, patch.results) : null;
    useAppStore.setState(review ? { ...patch, ...review } : patch);
  };
  // Partial results carry the whole list so far, and each one re-lays out every mark: keep only the
  // latest per type and apply them once per frame. Any other event flushes them first, so order holds.
  let pending = new Map<string, ClientEvent>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const events = [...pending.values()];
    pending = new Map();
    for (const event of events) apply(event);
  };
  const unsubscribe = engine.subscribe((event) => {
    if (event.type === 'type-partial') {
      pending.set(`${event.requestId}\u0000${event.entityType}`, event);
      if (!scheduled) {
        scheduled = true;
        nextFrame(() => {
          if (scheduled) flush();
        });
      }
      return;
    }
    if (pending.size > 0) flush();
    apply(event);
  });
  return () => {
    unsubscribe();
    pending.clear();
    if (client === engine) client = null;
  };
}

/** The model source the settings point at, or an explanation of why there is none. */
export function selectedModel(state: AppState): { model: ModelSource } | { problem: string } {
  const dtype = state.dtype === 'auto' ? undefined : state.dtype;
  const style = state.promptStyle === 'auto' ? {} : { promptStyle: state.promptStyle };
  if (state.modelChoice === 'custom') {
    const problem = validateCustomSource(state.customSource);
    return problem
      ? { problem }
      : // A folder next to the app (`/models/x`, `./models/x`) goes to the worker as an absolute URL.
        {
          model: { source: resolveAppPath(state.customSource.trim()), ...(dtype ? { dtype } : {}), ...style },
        };
  }
  const preset = findPreset(state.presetId);
  if (!preset) return { problem: 'Choose a model.' };
  if (!isConfigured(preset)) {
    return {
      problem: `${preset.label} is not configured in this build (set VITE_UNINER_MODEL_URL). Pick another model.`,
    };
  }
  // The preset id, not its source: the worker resolves it to the same registry entry and so knows
  // its per-device weights and that it is UniNER (a bare URL says neither).
  // A preset that lives next to the app (the bundled model) is resolved against the page's base URL.
  const base = appBaseUrl();
  return {
    model: {
      source: preset.id,
      ...(base ? { appBaseUrl: base } : {}),
      ...(dtype ? { dtype } : {}),
      ...style,
    },
  };
}

function requireClient(): EngineClient {
  if (!client) throw new Error('The engine is not connected (bindEngine was not called).');
  return client;
}

/** Loads the selected model. Resolves when ready; never rejects (errors land in the store). */
export async function loadSelectedModel(): Promise<boolean> {
  const state = useAppStore.getState();
  const choice = selectedModel(state);
  if ('problem' in choice) {
    useAppStore.setState({
      loadStatus: 'error',
      loadError: { name: 'NoModelSelected', message: choice.problem },
    });
    return false;
  }
  const { requestId, promise } = requireClient().load({
    model: choice.model,
    device: state.devicePreference,
  });
  useAppStore.setState({
    loadStatus: 'loading',
    loadRequestId: requestId,
    loadSource: choice.model.source,
    loadPromptStyle: state.promptStyle,
    loadFiles: {},
    loadedModel: null,
    fallbackReason: null,
    loadMs: null,
    loadError: null,
  });
  return promise.then(
    () => true,
    () => false,
  );
}

/** True when the loaded model is what the settings select. */
function loadedMatchesSelection(state: AppState): boolean {
  const choice = selectedModel(state);
  return (
    state.loadStatus === 'ready' &&
    'model' in choice &&
    state.loadSource === choice.model.source &&
    state.loadPromptStyle === state.promptStyle
  );
}

/** Counts `runExtraction` calls, so a call that waited for a load knows whether a newer one came since. */
let latestRun = 0;

/**
 * Runs the extraction for the current passage and types, loading the selected model first when needed.
 * Resolves when the run is over; never rejects (errors land in the store). When Extract is pressed
 * again while the model loads, only the newest press runs: the older ones end when the load does.
 */
export async function runExtraction(): Promise<void> {
  const run = ++latestRun;
  let state = useAppStore.getState();
  const passage = state.passage;
  const types = [...state.entityTypes];
  if (!passage.trim()) {
    useAppStore.setState({
      runStatus: 'error',
      runError: { name: 'EmptyPassage', message: 'Paste or type a passage first.' },
    });
    return;
  }
  if (types.length === 0) {
    useAppStore.setState({
      runStatus: 'error',
      runError: { name: 'NoEntityTypes', message: 'Add at least one entity type.' },
    });
    return;
  }
  if (!loadedMatchesSelection(state)) {
    if (state.loadStatus !== 'loading' && !(await loadSelectedModel())) return;
    if (state.loadStatus === 'loading' && !(await waitForLoad())) return;
    // Callers resume in no particular order after the load: the newest press wins, whichever resumes last.
    if (run !== latestRun) return;
    state = useAppStore.getState();
  }
  const { requestId, promise } = requireClient().extract({
    passage,
    entityTypes: types,
    options: {
      constrain: state.constrain,
      maxNewTokens: state.maxNewTokens,
      ...(state.datasetName.trim() ? { datasetName: state.datasetName.trim() } : {}),
    },
  });
  useAppStore.setState({
    runStatus: 'running',
    runRequestId: requestId,
    runPassage: passage,
    runTypes: types,
    typeRuns: Object.fromEntries(types.map((t) => [t, QUEUED])),
    results: {},
    runStats: null,
    chunkProgress: null,
    runNotice: null,
    runError: null,
    answeredBy: state.loadedModel,
    ...startReviewForRun(state, passage, types),
  });
  await promise.catch(() => undefined);
}

/** Waits for the load in progress to end; true when it ended ready. */
function waitForLoad(): Promise<boolean> {
  return new Promise((resolve) => {
    const unsubscribe = useAppStore.subscribe((s) => {
      if (s.loadStatus === 'ready' || s.loadStatus === 'error') {
        unsubscribe();
        resolve(s.loadStatus === 'ready');
      }
    });
  });
}

/** Stops the running extraction (it ends with `done`, interrupted). */
export function stopExtraction(): void {
  client?.interrupt();
}

/**
 * The page's worker as an `Engine` (what the shared corpus runner drives): extractions go through the
 * connected client, and `load` loads the selected model the way the model panel does. Null before
 * `bindEngine`.
 */
export function workerEngine(): Engine | null {
  if (!client) return null;
  const bound = client;
  return createWorkerEngine(bound, async () => {
    if (!(await ensureSelectedModel()) || !bound.loadedModel)
      throw Object.assign(new Error(useAppStore.getState().loadError?.message ?? 'The model did not load.'), {
        name: 'ModelLoadError',
      });
    return bound.loadedModel;
  });
}

/** Loads the selected model unless it is loaded (or waits for the load in progress); true when ready. */
export async function ensureSelectedModel(): Promise<boolean> {
  const state = useAppStore.getState();
  if (loadedMatchesSelection(state)) return true;
  if (state.loadStatus === 'loading') return waitForLoad();
  return loadSelectedModel();
}

/** The extraction options the settings give (the same for the editor's passage and the corpus). */
export function extractOptionsOf(state: AppState): ExtractOptions {
  return {
    constrain: state.constrain,
    maxNewTokens: state.maxNewTokens,
    ...(state.datasetName.trim() ? { datasetName: state.datasetName.trim() } : {}),
  };
}
