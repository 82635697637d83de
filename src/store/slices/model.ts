import type { LoadedModelInfo, PromptStyle, WorkerError } from '../../../workers/protocol';
import type { FileProgress } from '../../lib/load-progress';
import type { AppStateCreator } from '../app-state';

/** Where model loading stands. */
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** The model load as the worker reports it. Not persisted. */
export interface ModelSlice {
  readonly loadStatus: LoadStatus;
  /** Request id of the current load; events of other loads are ignored. */
  readonly loadRequestId: string | null;
  /** What the current load asked for (preset source, Hub id or URL). */
  readonly loadSource: string | null;
  /** The question format the current load asked for (a change means a reload). */
  readonly loadPromptStyle: PromptStyle | 'auto' | null;
  /** Per-file download progress of the current load, by file name. */
  readonly loadFiles: Readonly<Record<string, FileProgress>>;
  /** The model that is loaded and ready, or null. */
  readonly loadedModel: LoadedModelInfo | null;
  /** Why the preferred device was not used (set as soon as a WebGPU failure triggers the WASM retry). */
  readonly fallbackReason: string | null;
  readonly loadMs: number | null;
  readonly loadError: WorkerError | null;
}

export const createModelSlice: AppStateCreator<ModelSlice> = () => ({
  loadStatus: 'idle',
  loadRequestId: null,
  loadSource: null,
  loadPromptStyle: null,
  loadFiles: {},
  loadedModel: null,
  fallbackReason: null,
  loadMs: null,
  loadError: null,
});
