/**
 * The engine in Node (CLI, eval, bench, tests): the same handler as the Web Worker, driven through
 * promises instead of messages. Runs on onnxruntime-node (device `cpu`). Implements {@link Engine}.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { env } from '@huggingface/transformers';
import './loading/fetch-guard';
import type { Engine, EngineEvent, ExtractJob } from './engine';
import { InferenceHandler } from './handler';
import {
  DEFAULT_EXTRACT_OPTIONS,
  type Dtype,
  type FromWorker,
  type LoadedModelInfo,
  type PromptStyle,
  type ReadyEvent,
  type DoneEvent,
} from './protocol';

/** Options of {@link createNodeEngine}. */
export interface NodeEngineOptions {
  /** Preset id, Hub id, URL or local folder. */
  readonly source: string;
  readonly dtype?: Dtype;
  readonly promptStyle?: PromptStyle;
  /** Every event, as the worker would post it (progress, partial results…). */
  readonly onEvent?: (event: FromWorker) => void;
}

/** A loaded model in Node. */
export interface NodeEngine extends Engine {
  readonly model: LoadedModelInfo;
  /** The `ready` event of the load (device, format, load time). */
  readonly ready: ReadyEvent;
  /** The handler itself, for interrupt tests. */
  readonly handler: InferenceHandler;
}

let counter = 0;

function isEngineEvent(event: FromWorker): event is EngineEvent {
  return (
    event.type === 'type-started' ||
    event.type === 'type-partial' ||
    event.type === 'type-done' ||
    event.type === 'chunk-progress'
  );
}

/** Loads a model in Node; rejects with an Error named like the engine's error (ModelLoadError…). */
export async function createNodeEngine(options: NodeEngineOptions): Promise<NodeEngine> {
  env.allowLocalModels = true;
  let listener: ((event: FromWorker) => void) | undefined;
  let runningId: string | undefined;
  const handler = new InferenceHandler(
    (event) => {
      options.onEvent?.(event);
      listener?.(event);
    },
    { runtime: 'node' },
  );
  const run = async <T extends FromWorker>(
    requestId: string,
    send: () => Promise<void>,
    final: T['type'],
    extra?: (event: FromWorker) => void,
  ): Promise<T> => {
    let result: T | undefined;
    let failure: Error | undefined;
    listener = (event) => {
      if (event.requestId !== requestId) return;
      extra?.(event);
      if (event.type === final) result = event as T;
      if (event.type === 'error')
        failure = Object.assign(new Error(event.error.message), { name: event.error.name });
    };
    await send();
    listener = undefined;
    if (failure) throw failure;
    if (!result) throw new Error(`The engine ended request ${requestId} without a ${final} event.`);
    return result;
  };

  const loadId = `load-${++counter}`;
  const ready = await run<ReadyEvent>(
    loadId,
    () =>
      handler.handle({
        type: 'load',
        requestId: loadId,
        device: 'wasm',
        model: {
          // A folder on disk wins over a Hub id of the same spelling; transformers.js wants it absolute.
          source: existsSync(options.source) ? resolve(options.source) : options.source,
          ...(options.dtype ? { dtype: options.dtype } : {}),
          ...(options.promptStyle ? { promptStyle: options.promptStyle } : {}),
        },
      }),
    'ready',
  );
  return {
    ready,
    model: ready.model,
    handler,
    load: () => Promise.resolve(ready.model),
    async extract(job: ExtractJob, onEvent?: (event: EngineEvent) => void): Promise<DoneEvent> {
      const requestId = `extract-${++counter}`;
      runningId = requestId;
      try {
        return await run<DoneEvent>(
          requestId,
          () =>
            handler.handle({
              type: 'extract',
              requestId,
              passage: job.passage,
              entityTypes: job.entityTypes,
              options: { ...DEFAULT_EXTRACT_OPTIONS, ...job.options },
            }),
          'done',
          onEvent ? (event) => isEngineEvent(event) && onEvent(event) : undefined,
        );
      } finally {
        if (runningId === requestId) runningId = undefined;
      }
    },
    interrupt() {
      if (runningId) void handler.handle({ type: 'interrupt', requestId: runningId });
    },
    dispose: () => handler.dispose(),
  };
}
