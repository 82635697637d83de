/**
 * The page's Web Worker as an {@link Engine}: the face the shared corpus runner
 * (`workers/corpus/corpus-runner.ts`) drives, over the page's one {@link EngineClient}. The client
 * stays the page's own API (it also loads with progress, self-tests and restarts on WASM); this
 * adapter only routes one request's events and turns the client's page-specific endings into the
 * engine contract.
 */
import type { Engine, EngineEvent, ExtractJob } from '../../../workers/engine';
import { DEFAULT_EXTRACT_OPTIONS } from '../../../workers/limits';
import type { DoneEvent, LoadedModelInfo } from '../../../workers/protocol';
import { SupersededError } from './errors';
import { EMPTY_STATS } from './stop-safety-net';
import type { EngineClient } from './types';

/** What the adapter needs of the client (tests pass a client over a fake worker). */
export type WorkerEngineClient = Pick<
  EngineClient,
  'extract' | 'interrupt' | 'subscribe' | 'loadedModel' | 'dispose'
>;

/**
 * Wraps the client. `load` is the page's own model choice (the store's "load the selected model",
 * which knows the preset, device and progress bar); it resolves with the loaded model.
 */
export function createWorkerEngine(client: WorkerEngineClient, load: () => Promise<LoadedModelInfo>): Engine {
  return {
    get model() {
      return client.loadedModel;
    },
    load,
    async extract(job: ExtractJob, onEvent?: (event: EngineEvent) => void): Promise<DoneEvent> {
      const request = client.extract({
        passage: job.passage,
        entityTypes: job.entityTypes,
        options: { ...DEFAULT_EXTRACT_OPTIONS, ...job.options },
      });
      // After a WebGPU failure the client re-runs the request on WASM under the same id: a type already
      // answered (before the failure) keeps its first answer rather than being counted twice.
      const answered = new Set<string>();
      const unsubscribe = client.subscribe((event) => {
        if (event.requestId !== request.requestId) return;
        switch (event.type) {
          case 'type-done':
            if (answered.has(event.entityType)) return;
            answered.add(event.entityType);
            onEvent?.(event);
            return;
          case 'type-started':
          case 'type-partial':
          case 'chunk-progress':
            onEvent?.(event);
            return;
          default:
            return;
        }
      });
      try {
        return await request.promise;
      } catch (error) {
        // Another request of the page (the editor's Extract) replaced this one: for the engine's user
        // that is an interruption, not a failure of the passage or the engine.
        if (error instanceof SupersededError)
          return { type: 'done', requestId: request.requestId, interrupted: true, stats: EMPTY_STATS };
        throw error;
      } finally {
        unsubscribe();
      }
    },
    interrupt: () => client.interrupt(),
    dispose: () => {
      client.dispose();
      return Promise.resolve();
    },
  };
}
