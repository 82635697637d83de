/** How engine-client events change the state: a pure function, so it is unit-testable without React. */
import { mergeFileProgress } from '../lib/load-progress';
import type { FoundEntity } from '../../workers/protocol';
import type { ClientEvent } from '../lib/engine-client';
import type { AppState } from './app-state';
import { QUEUED, type TypeRun } from './slices/run';

function counts(entities: readonly FoundEntity[]): { count: number; notFound: number } {
  let count = 0;
  for (const entity of entities) if (entity.spans.length > 0) count++;
  return { count, notFound: entities.length - count };
}

function patchType(state: AppState, type: string, patch: Partial<TypeRun>): AppState['typeRuns'] {
  return { ...state.typeRuns, [type]: { ...(state.typeRuns[type] ?? QUEUED), ...patch } };
}

/** The state patch for one event, or null when the event is not for the current load/run. */
export function reduceEngineEvent(state: AppState, event: ClientEvent): Partial<AppState> | null {
  switch (event.type) {
    case 'load-progress': {
      if (event.requestId !== state.loadRequestId) return null;
      // Merged, not replaced: a finished file's 0/0 "done" event must not take its bytes back.
      const merged = mergeFileProgress(state.loadFiles[event.file], event);
      return { loadFiles: { ...state.loadFiles, [event.file]: merged } };
    }
    case 'ready':
      if (event.requestId !== state.loadRequestId) return null;
      return {
        loadStatus: 'ready',
        loadedModel: event.model,
        fallbackReason: event.fallbackReason ?? state.fallbackReason,
        loadMs: event.loadMs,
        loadError: null,
        // A run re-started on WASM is answered by the model that just loaded.
        ...(state.runStatus === 'running' ? { answeredBy: event.model } : {}),
      };
    case 'fallback': {
      const reloading: Partial<AppState> = {
        loadStatus: 'loading',
        loadedModel: null,
        loadFiles: {},
        fallbackReason: event.reason,
      };
      if (event.during !== 'extract') return reloading;
      if (event.requestId !== state.runRequestId) return reloading;
      return {
        ...reloading,
        typeRuns: Object.fromEntries(state.runTypes.map((t) => [t, QUEUED])),
        results: {},
        chunkProgress: null,
        runNotice: `WebGPU failed (${event.reason}). Restarted the engine on WASM and re-running this request.`,
      };
    }
    case 'stop-timeout':
      // The worker did not answer Stop and was terminated: its model is gone, the next Extract reloads.
      return {
        loadStatus: 'idle',
        loadedModel: null,
        loadFiles: {},
        ...(event.requestId === state.runRequestId
          ? {
              runNotice: `One step of this device took longer than ${(event.waitedMs / 1000).toFixed(1)} s, so Stop restarted the engine. ${answeredWords(event.typesAnswered)} The model loads again on the next Extract.`,
            }
          : {}),
      };
    case 'type-started':
      if (event.requestId !== state.runRequestId) return null;
      return { typeRuns: patchType(state, event.entityType, { status: 'streaming' }) };
    case 'type-partial':
      if (event.requestId !== state.runRequestId) return null;
      return {
        results: { ...state.results, [event.entityType]: event.entities },
        typeRuns: patchType(state, event.entityType, { status: 'streaming', ...counts(event.entities) }),
      };
    case 'type-done':
      if (event.requestId !== state.runRequestId) return null;
      return {
        results: { ...state.results, [event.entityType]: event.entities },
        typeRuns: patchType(state, event.entityType, {
          status: 'done',
          ...counts(event.entities),
          ms: event.ms,
          decodeTokens: event.decodeTokens,
          malformed: event.malformed ?? null,
          rawAnswers: event.rawAnswers,
        }),
      };
    case 'chunk-progress':
      if (event.requestId !== state.runRequestId) return null;
      return { chunkProgress: { done: event.done, total: event.total, estimated: event.estimated === true } };
    case 'done': {
      if (event.requestId !== state.runRequestId) return null;
      const typeRuns = Object.fromEntries(
        Object.entries(state.typeRuns).map(([t, run]) => [
          t,
          run.status === 'done' ? run : { ...run, status: 'stopped' as const },
        ]),
      );
      return { runStatus: event.interrupted ? 'interrupted' : 'done', runStats: event.stats, typeRuns };
    }
    case 'selftest-result':
      return null;
    case 'error':
      if (event.during === 'load' && event.requestId === state.loadRequestId) {
        return { loadStatus: 'error', loadError: event.error, loadedModel: null };
      }
      if (
        (event.during === 'extract' || event.during === 'interrupt') &&
        event.requestId === state.runRequestId
      ) {
        const typeRuns = Object.fromEntries(
          Object.entries(state.typeRuns).map(([t, run]) => [
            t,
            run.status === 'done' ? run : { ...run, status: 'stopped' as const },
          ]),
        );
        // Anything but a bad request may have broken the worker's session: forget the model so the
        // next Extract reloads it in a fresh worker (the client starts one after such a failure).
        const broken = event.error.name !== 'InputError';
        return {
          runStatus: 'error',
          runError: event.error,
          typeRuns,
          ...(broken ? { loadStatus: 'idle' as const, loadedModel: null } : {}),
        };
      }
      return null;
  }
}

/** What a forced stop kept, in words. */
function answeredWords(typesAnswered: number): string {
  if (typesAnswered === 0) return 'No type had been answered yet.';
  return `The ${typesAnswered === 1 ? 'type' : `${typesAnswered} types`} answered before the Stop ${typesAnswered === 1 ? 'is' : 'are'} kept.`;
}
