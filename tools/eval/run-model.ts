/**
 * The one place where the evaluation runs a model: questions grouped by passage in, raw answers out.
 * Everything else in tools/eval works on predictions files and needs no model.
 *
 * Each passage is encoded once (the engine's prefix reuse) and every entity type of its group is
 * answered from that cache. Decoding is greedy and, by default, unconstrained: the paper's numbers
 * come from free generation scored by the official parser, so constrained decoding (`--constrain`)
 * is an opt-in that measures the app's behaviour rather than the paper's protocol.
 */

import { createEngine, type ServerArgValues } from '../engine-factory';
import { MAX_ENTITY_TYPES } from '../../workers/limits';
import { normalizeEntityType } from '../../workers/text/prompt';
import type { Dtype, FoundEntity, LoadedModelInfo, PromptStyle } from '../../workers/protocol';
import type { Engine, EngineEvent } from '../../workers/engine';
import type { PassageGroup } from './data';
import { officialResponse, parseOfficialRaw } from './official-parser';
import type { Prediction } from './predictions';

/** What to load and how to ask. */
export interface ModelOptions {
  /** Local folder, URL of a model folder, or Hugging Face Hub id (when no `server` is given). */
  readonly source?: string;
  /** An inference server instead (tools/engine-factory.ts flags); its `concurrency` passages at once. */
  readonly server?: ServerArgValues;
  /** Weight format; omitted lets the engine choose. */
  readonly dtype?: Dtype;
  /** Upper bound of generated tokens per question (UniNER uses 256). */
  readonly maxNewTokens: number;
  /** Constrained decoding (valid JSON lists of passage substrings). Default false, as in the paper. */
  readonly constrain?: boolean;
  /** With `constrain`: the entity length caps (default true). */
  readonly lengthCap?: boolean;
  /**
   * Free decoding: let answers run to EOS or the budget. Default false: an answer stops once its first
   * line fixes what the official parser reads (the engine's `stopWhenListDecided`), which scores the
   * same — the official `get_response` would only read further if the model went on to write a turn
   * of its own ("ASSISTANT: …"), which a UniNER model does not do.
   */
  readonly fullAnswers?: boolean;
  /** How questions are put to the model; omitted lets the engine choose (UniNER's for UniNER). */
  readonly promptStyle?: PromptStyle;
  /** Called once the model is loaded, with what the engine actually chose (dtype, prompt style…). */
  readonly onLoaded?: (model: LoadedModelInfo) => void;
}

/** The answer to one type: raw text for the official parser, and the engine's score per string. */
interface TypeAnswer {
  readonly output: string;
  /** Absent when no entity of the answer carries a score. */
  readonly scores?: Readonly<Record<string, number>>;
}

/**
 * The engine's confidence per entity string (`FoundEntity.text` → `score`), for the strings that
 * have one; `undefined` when none has. Scoring later matches these keys to the strings the official
 * parser reads from the raw answer; strings with no key there count as unscored.
 */
export function scoresOfEntities(entities: readonly FoundEntity[]): Record<string, number> | undefined {
  const pairs = entities.flatMap((e) =>
    typeof e.score === 'number' && Number.isFinite(e.score) ? [[e.text, e.score] as const] : [],
  );
  // fromEntries defines own properties, so an entity named "__proto__" stays an ordinary key.
  return pairs.length === 0 ? undefined : Object.fromEntries(pairs);
}

/**
 * The key the engine uses to tell types apart: it trims, collapses whitespace and drops
 * case-insensitive repeats (see `validateEntityTypes`), so `type-done` events name the normalised type.
 * `null` for a type the engine would refuse (empty or too long).
 */
function typeKey(entityType: string): string | null {
  try {
    return normalizeEntityType(entityType).toLowerCase();
  } catch {
    return null;
  }
}

/**
 * One answer text per type from the `rawAnswers` of its `type-done` event (one per passage chunk).
 * Eval sentences are short, so there is one chunk and its text goes out verbatim, to be parsed by
 * the official parser like the paper's outputs. A passage longer than one chunk has one answer per
 * chunk; joining them would give text the official parser reads only up to the first `]`, so the
 * chunks' lists (as the official pipeline reads each: `get_response`, then `parser`) are merged into
 * one JSON list instead.
 */
export function answerFromChunks(rawAnswers: readonly string[]): string {
  if (rawAnswers.length === 1) return rawAnswers[0] ?? '[]';
  const merged: string[] = [];
  for (const raw of rawAnswers)
    for (const item of parseOfficialRaw(officialResponse(raw))) if (!merged.includes(item)) merged.push(item);
  return JSON.stringify(merged);
}

/** Splits `items` into runs of at most `size`. */
function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Asks the engine every type of one passage; answers by {@link typeKey}. */
async function answerGroup(
  engine: Engine,
  group: PassageGroup,
  options: ModelOptions,
): Promise<Map<string, TypeAnswer>> {
  const answers = new Map<string, TypeAnswer>();
  // The engine dedupes types the same way typeKey does; ask each key once, in first-seen order.
  const askable = new Map<string, string>();
  for (const type of group.entityTypes) {
    const key = typeKey(type);
    if (key !== null && !askable.has(key)) askable.set(key, type);
  }
  if (group.passage.trim() === '') return answers; // the engine refuses it; scored as []
  for (const types of batches([...askable.values()], MAX_ENTITY_TYPES)) {
    const onEvent = (event: EngineEvent): void => {
      if (event.type !== 'type-done') return;
      const key = typeKey(event.entityType);
      if (key === null) return;
      const scores = scoresOfEntities(event.entities);
      answers.set(key, {
        // Constrained: what the app shows, the list of kept entities (an item the constraint let go
        // stays in the raw text, where the official parser would count it). Free: the raw text.
        output: options.constrain
          ? JSON.stringify(event.entities.map((entity) => entity.text))
          : answerFromChunks(event.rawAnswers),
        ...(scores === undefined ? {} : { scores }),
      });
    };
    const done = await engine.extract(
      {
        passage: group.passage,
        entityTypes: types,
        options: {
          constrain: options.constrain ?? false,
          lengthCap: options.lengthCap ?? true,
          maxNewTokens: options.maxNewTokens,
          reusePrefix: true,
          stopWhenListDecided: !(options.constrain ?? false) && !(options.fullAnswers ?? false),
        },
      },
      onEvent,
    );
    if (done.interrupted) throw new Error('The engine stopped an evaluation request early.');
  }
  return answers;
}

/**
 * Ask the model every question and yield `{ id, output, scores? }` with the raw answer text of each
 * question (not parsed: scoring applies the official parser) and the engine's scores of its strings. Yields one prediction per question id, including
 * every id of a group that repeats an entity type (the answer is reused). The model is loaded once,
 * on the first iteration; load and model errors reject the iteration.
 */
export async function* predictWithModel(
  questionsByPassage: readonly PassageGroup[],
  modelOptions: ModelOptions,
): AsyncGenerator<Prediction> {
  if (questionsByPassage.length === 0) return;
  const { engine, model, description } = await createEngine({
    ...(modelOptions.server === undefined ? {} : { server: modelOptions.server }),
    ...(modelOptions.source === undefined ? {} : { source: modelOptions.source }),
    ...(modelOptions.dtype === undefined ? {} : { dtype: modelOptions.dtype }),
    ...(modelOptions.promptStyle === undefined ? {} : { promptStyle: modelOptions.promptStyle }),
    constrain: modelOptions.constrain ?? false,
    onNote: (message) => console.error(message),
  });
  for (const line of description) console.error(line);
  modelOptions.onLoaded?.(model);
  // A server answers several passages at once (it batches them); the answers still come out in order.
  const window = modelOptions.server === undefined ? 1 : Number(modelOptions.server.concurrency ?? 4);
  const pending: Promise<Map<string, TypeAnswer>>[] = [];
  let next = 0;
  const fill = () => {
    while (pending.length < window && next < questionsByPassage.length) {
      const answers = answerGroup(engine, questionsByPassage[next++]!, modelOptions);
      // Handled when its turn comes; until then a rejection must not count as unhandled.
      answers.catch(() => undefined);
      pending.push(answers);
    }
  };
  for (const group of questionsByPassage) {
    fill();
    const answers = await pending.shift()!;
    for (const question of group.questions) {
      const key = typeKey(question.entityType);
      const answer = key === null ? undefined : answers.get(key);
      yield {
        id: question.id,
        output: answer?.output ?? '[]',
        ...(answer?.scores === undefined ? {} : { scores: answer.scores }),
      };
    }
  }
}
