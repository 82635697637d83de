/** Shared setup for engine tests on the synthetic models (Node, onnxruntime-node). */
import { ensureFixtures } from '../../../../tools/fixtures/ensure';
import { SCRIPTED_LLAMA_DIR, TINY_LLAMA_DIR } from '../../../../tools/fixtures/paths';
import { createNodeEngine, type NodeEngine } from '../../../../workers/node-engine';
import type { ExtractJob } from '../../../../workers/engine';
import type { Dtype, FromWorker } from '../../../../workers/protocol';

const engines = new Map<string, Promise<NodeEngine>>();

/** A loaded engine per (model, dtype), shared by the tests of one file. */
export function engineFor(model: 'tiny' | 'scripted', dtype: Dtype = 'fp32'): Promise<NodeEngine> {
  const key = `${model}:${dtype}`;
  let engine = engines.get(key);
  if (!engine) {
    ensureFixtures();
    engine = createNodeEngine({ source: model === 'tiny' ? TINY_LLAMA_DIR : SCRIPTED_LLAMA_DIR, dtype });
    engines.set(key, engine);
  }
  return engine;
}

/** Runs one extraction and returns every event it produced, in order. */
export async function extractEvents(
  engine: NodeEngine,
  passage: string,
  types: readonly string[],
  options: ExtractJob['options'] = {},
): Promise<FromWorker[]> {
  const events: FromWorker[] = [];
  const done = await engine.extract({ passage, entityTypes: types, options }, (event) => events.push(event));
  events.push(done);
  return events;
}

/** The `type-done` events, keyed by entity type. */
export function doneByType(events: readonly FromWorker[]) {
  const result = new Map<string, Extract<FromWorker, { type: 'type-done' }>>();
  for (const event of events) if (event.type === 'type-done') result.set(event.entityType, event);
  return result;
}
