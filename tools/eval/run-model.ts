/**
 * The one place where the evaluation runs a model: questions grouped by passage in, raw answers out.
 * Everything else in tools/eval works on predictions files and needs no model.
 */

import type { Dtype } from '../../workers/protocol';
import type { PassageGroup } from './data';
import type { Prediction } from './predictions';

/** What to load and how to ask. */
export interface ModelOptions {
  /** Local folder, URL of a model folder, or Hugging Face Hub id. */
  readonly source: string;
  /** Weight format; omitted lets the engine choose. */
  readonly dtype?: Dtype;
  /** Upper bound of generated tokens per question (UniNER uses 256). */
  readonly maxNewTokens: number;
}

/** Thrown while the engine is not connected to the evaluation tool yet. */
export class ModelRunNotWiredError extends Error {
  override readonly name = 'ModelRunNotWiredError';
}

/**
 * Ask the model every question and yield `{ id, output }` with the raw answer text of each question
 * (not parsed: scoring applies the official parser). Yields one prediction per question id, including
 * every id of a group that repeats an entity type.
 *
 * Not wired yet: this will create the Node engine (workers/engine.ts), encode each passage once and
 * answer its `entityTypes`, mapping each `type-done` event's raw answer back to the question ids.
 */
export function predictWithModel(
  questionsByPassage: readonly PassageGroup[],
  modelOptions: ModelOptions,
): AsyncIterable<Prediction> {
  void questionsByPassage;
  throw new ModelRunNotWiredError(
    `Running a model (${modelOptions.source}) is not wired into the evaluation yet. ` +
      'Score an existing predictions file with --predictions <file.jsonl> instead.',
  );
}
