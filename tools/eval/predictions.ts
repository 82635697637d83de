/**
 * Predictions files: JSON Lines, one object per question, `{"id": "<question id>", "output": "<raw
 * answer text>"}`, plus `"scores": {"<string>": 0.93, …}` when the engine scored the strings it
 * found (each raw string as the model wrote it → its confidence in [0, 1]). `output` is the model's
 * text exactly as generated (before any parsing), so a file can be rescored under any parser. Blank
 * lines are ignored; when an id occurs twice the later line wins (an appended, resumed run overrides
 * an earlier one, scores included) and the repeat is counted.
 */

import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Longest predictions line read (characters). A model's answer is a few KB; a crafted 600 MB line
 * would otherwise be held whole and then parsed into millions of strings.
 */
export const MAX_PREDICTION_LINE_CHARS = 4_000_000;
/** Most `scores` entries on one line (an answer names a few dozen strings). */
export const MAX_SCORES_PER_LINE = 10_000;

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

/** Collects lines into a {@link PredictionsFile}; every line is checked before it is parsed. */
class PredictionsReader {
  private readonly byId = new Map<string, string>();
  private readonly scoresById = new Map<string, Readonly<Record<string, number>>>();
  private duplicates = 0;

  constructor(private readonly where: string) {}

  line(line: string, index: number): void {
    const where = this.where;
    if (line.length > MAX_PREDICTION_LINE_CHARS) throw tooLong(where, index);
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
    if (
      typeof record.scores === 'object' &&
      record.scores !== null &&
      Object.keys(record.scores).length > MAX_SCORES_PER_LINE
    ) {
      throw new PredictionsFormatError(
        `${where}: line ${index + 1}: "scores" has more than ${MAX_SCORES_PER_LINE} entries; an answer names far fewer strings`,
      );
    }
    const scores = record.scores === undefined ? undefined : validScores(record.scores);
    if (scores === null) {
      throw new PredictionsFormatError(
        `${where}: line ${index + 1}: "scores" must map strings to numbers from 0 to 1`,
      );
    }
    if (this.byId.has(record.id)) this.duplicates++;
    this.byId.set(record.id, record.output);
    if (scores === undefined) this.scoresById.delete(record.id);
    else this.scoresById.set(record.id, scores);
  }

  result(): PredictionsFile {
    return { byId: this.byId, scoresById: this.scoresById, duplicates: this.duplicates };
  }
}

function tooLong(where: string, index: number): PredictionsFormatError {
  return new PredictionsFormatError(
    `${where}: line ${index + 1} is longer than ${MAX_PREDICTION_LINE_CHARS} characters; a prediction line holds one answer (is this a predictions file?)`,
  );
}

/** Parse JSON Lines predictions text. `where` names the source in error messages. */
export function parsePredictions(text: string, where = 'predictions'): PredictionsFile {
  const reader = new PredictionsReader(where);
  text.split('\n').forEach((line, index) => reader.line(line, index));
  return reader.result();
}

/**
 * Read a predictions file (see {@link parsePredictions}) in chunks, line by line: memory stays near
 * the parsed predictions, and a line past the limit is refused before it is held whole.
 */
export async function readPredictions(path: string): Promise<PredictionsFile> {
  const reader = new PredictionsReader(path);
  let pending = '';
  let index = 0;
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (pending + (chunk as string)).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) reader.line(line, index++);
    if (pending.length > MAX_PREDICTION_LINE_CHARS) throw tooLong(path, index);
  }
  reader.line(pending, index);
  return reader.result();
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
