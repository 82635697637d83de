/**
 * Predictions files: JSON Lines, one object per question, `{"id": "<question id>", "output": "<raw
 * answer text>"}`, plus `"scores": {"<string>": 0.93, …}` when the engine scored the strings it
 * found (each raw string as the model wrote it → its confidence in [0, 1]). `output` is the model's
 * text exactly as generated (before any parsing), so a file can be rescored under any parser. Blank
 * lines are ignored; when an id occurs twice the later line wins (an appended, resumed run overrides
 * an earlier one, scores included) and the repeat is counted.
 */

import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';

/** One line of a predictions file. */
export interface Prediction {
  readonly id: string;
  readonly output: string;
  /** Confidence per raw entity string; absent when the engine gave none. */
  readonly scores?: Readonly<Record<string, number>>;
}

/** Thrown for a malformed predictions file; the message names the file and line. */
export class PredictionsFormatError extends Error {
  override readonly name = 'PredictionsFormatError';
}

/** The predictions of a file by question id. */
export interface PredictionsFile {
  readonly byId: ReadonlyMap<string, string>;
  /** The `scores` of the lines that have them, by question id. */
  readonly scoresById: ReadonlyMap<string, Readonly<Record<string, number>>>;
  /** Lines whose id had already occurred (the later one was kept). */
  readonly duplicates: number;
}

/** `value` as a scores object, or `null` when it is not an object of numbers in [0, 1]. */
function validScores(value: unknown): Record<string, number> | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const entries = Object.entries(value);
  if (!entries.every(([, score]) => typeof score === 'number' && score >= 0 && score <= 1)) return null;
  // fromEntries defines own properties, so a string like "__proto__" stays an ordinary key.
  return Object.fromEntries(entries) as Record<string, number>;
}

/** Parse JSON Lines predictions text. `where` names the source in error messages. */
export function parsePredictions(text: string, where = 'predictions'): PredictionsFile {
  const byId = new Map<string, string>();
  const scoresById = new Map<string, Readonly<Record<string, number>>>();
  let duplicates = 0;
  text.split('\n').forEach((line, index) => {
    if (line.trim().length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new PredictionsFormatError(`${where}: line ${index + 1}: not JSON (${(error as Error).message})`);
    }
    const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    if (typeof record.id !== 'string' || typeof record.output !== 'string') {
      throw new PredictionsFormatError(
        `${where}: line ${index + 1}: expected {"id": string, "output": string}`,
      );
    }
    const scores = record.scores === undefined ? undefined : validScores(record.scores);
    if (scores === null) {
      throw new PredictionsFormatError(
        `${where}: line ${index + 1}: "scores" must map strings to numbers from 0 to 1`,
      );
    }
    if (byId.has(record.id)) duplicates++;
    byId.set(record.id, record.output);
    if (scores === undefined) scoresById.delete(record.id);
    else scoresById.set(record.id, scores);
  });
  return { byId, scoresById, duplicates };
}

/** Read a predictions file (see {@link parsePredictions}). */
export async function readPredictions(path: string): Promise<PredictionsFile> {
  return parsePredictions(await readFile(path, 'utf8'), path);
}

/** One JSON Lines line (with its newline) for a prediction. */
export function formatPrediction(prediction: Prediction): string {
  // Only the documented keys, in a fixed order, whatever else the object carries.
  const { id, output, scores } = prediction;
  return `${JSON.stringify(scores === undefined ? { id, output } : { id, output, scores })}\n`;
}

/** Write predictions to a file as they arrive (a crash keeps what was written); yields them on. */
export async function* teePredictions(
  predictions: AsyncIterable<Prediction>,
  path: string,
): AsyncGenerator<Prediction> {
  const stream = createWriteStream(path, { encoding: 'utf8' });
  try {
    for await (const prediction of predictions) {
      if (!stream.write(formatPrediction(prediction))) await once(stream, 'drain');
      yield prediction;
    }
  } finally {
    stream.end();
    await once(stream, 'close');
  }
}

/** Write a whole list of predictions to a file. */
export async function writePredictions(path: string, predictions: Iterable<Prediction>): Promise<void> {
  async function* all(): AsyncGenerator<Prediction> {
    yield* predictions;
  }
  for await (const _ of teePredictions(all(), path)) {
    // Draining the tee writes the file.
  }
}
