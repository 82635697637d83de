/**
 * Predictions files: JSON Lines, one object per question, `{"id": "<question id>", "output": "<raw
 * answer text>"}`. `output` is the model's text exactly as generated (before any parsing), so a file
 * can be rescored under any parser. Blank lines are ignored; when an id occurs twice the later line
 * wins (an appended, resumed run overrides an earlier one) and the repeat is counted.
 */

import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';

/** One line of a predictions file. */
export interface Prediction {
  readonly id: string;
  readonly output: string;
}

/** Thrown for a malformed predictions file; the message names the file and line. */
export class PredictionsFormatError extends Error {
  override readonly name = 'PredictionsFormatError';
}

/** The predictions of a file by question id. */
export interface PredictionsFile {
  readonly byId: ReadonlyMap<string, string>;
  /** Lines whose id had already occurred (the later one was kept). */
  readonly duplicates: number;
}

/** Parse JSON Lines predictions text. `where` names the source in error messages. */
export function parsePredictions(text: string, where = 'predictions'): PredictionsFile {
  const byId = new Map<string, string>();
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
    if (byId.has(record.id)) duplicates++;
    byId.set(record.id, record.output);
  });
  return { byId, duplicates };
}

/** Read a predictions file (see {@link parsePredictions}). */
export async function readPredictions(path: string): Promise<PredictionsFile> {
  return parsePredictions(await readFile(path, 'utf8'), path);
}

/** One JSON Lines line (with its newline) for a prediction. */
export function formatPrediction(prediction: Prediction): string {
  // Only the two documented keys, in a fixed order, whatever else the object carries.
  return `${JSON.stringify({ id: prediction.id, output: prediction.output })}\n`;
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
