/**
 * The engine in Node (CLI, eval, bench, tests): the same handler as the Web Worker, driven through
 * promises instead of messages. Runs on onnxruntime-node (device `cpu`).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { env } from '@huggingface/transformers';
import './loading/fetch-guard';
import { InferenceHandler } from './handler';
import {
  DEFAULT_EXTRACT_OPTIONS,
  type Dtype,
  type ExtractOptions,
  type FromWorker,
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
export interface NodeEngine {
  readonly ready: ReadyEvent;
  /** Runs one extraction; resolves with its `done` event (events go to `onEvent`). */
  extract(
    passage: string,
    entityTypes: readonly string[],
    options?: Partial<ExtractOptions>,
    onEvent?: (event: FromWorker) => void,
  ): Promise<DoneEvent>;
  /** The handler itself, for interrupt tests. */
  readonly handler: InferenceHandler;
}

let counter = 0;

/** Loads a model in Node; rejects with an Error named like the engine's error (ModelLoadError…). */
export async function createNodeEngine(options: NodeEngineOptions): Promise<NodeEngine> {
  env.allowLocalModels = true;
  let listener: ((event: FromWorker) => void) | undefined;
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
    handler,
    extract(passage, entityTypes, extractOptions = {}, onEvent) {
      const requestId = `extract-${++counter}`;
      return run<DoneEvent>(
        requestId,
        () =>
          handler.handle({
            type: 'extract',
            requestId,
            passage,
            entityTypes,
            options: { ...DEFAULT_EXTRACT_OPTIONS, ...extractOptions },
          }),
        'done',
        onEvent,
      );
    },
  };
}
