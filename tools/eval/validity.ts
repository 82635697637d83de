/**
 * How well-formed the model's answers are, beside the scores: a free-running model can write prose,
 * broken JSON or strings that are not in the passage, which the official parser silently scores as
 * `[]` or as wrong. Constrained decoding should bring every count here to 0.
 *
 * Definitions (each answer is first read like the official pipeline: {@link officialResponse}, the
 * text after the last `ASSISTANT:`, Python-stripped; questions with no prediction are not counted):
 * - `invalidJsonAnswers`: the response, as a whole, is not a JSON list of strings: `JSON.parse` of it
 *   throws, or gives something other than an array, or an array with a non-string item. Stricter than
 *   the official parser: `["a"] and more` or `["a"]\n["b"]` count here yet still score `a`.
 * - `officialFallbacks`: answers the official parser gives up on and scores as `[]` although they are
 *   not an empty list: no `[…]` at the very start of the first line, `json.loads` fails on that
 *   match, or an item is not a string. Their content is lost to scoring. Mostly also invalid JSON,
 *   but not always: `["a",\n"b"]` and `["a]b"]` are valid JSON the official parser cannot read.
 * - `predictedStrings`: the distinct raw strings the official parser reads, summed over questions
 *   (before normalisation, so `Obama` and `obama` are two).
 * - `emptyStrings`: those that are `""` (what a constraint that lets an item go can leave behind).
 * - `notInPassage`: those that are empty or not an exact (case-sensitive) substring of the passage
 *   (an empty string is no span, so it counts here too).
 * - `notInPassageIgnoringCase`: those that are empty or not a substring after lower-casing both
 *   (`String.prototype.toLowerCase`, no other normalisation).
 */

import { officialResponse, parseOfficialList } from './official-parser';

/** One answered question: its raw output and the passage it was about. */
export interface ValidityInput {
  readonly output: string | undefined;
  readonly passage: string;
}

/** The counts defined in the module comment. */
export interface Validity {
  /** Questions with a prediction (the denominator of the two answer counts). */
  readonly answers: number;
  readonly invalidJsonAnswers: number;
  readonly officialFallbacks: number;
  readonly predictedStrings: number;
  readonly emptyStrings: number;
  readonly notInPassage: number;
  readonly notInPassageIgnoringCase: number;
}

/** Whether `text` as a whole is a JSON array of strings. */
export function isJsonStringList(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Count {@link Validity} over questions. */
export function countValidity(questions: Iterable<ValidityInput>): Validity {
  let answers = 0;
  let invalidJsonAnswers = 0;
  let officialFallbacks = 0;
  let predictedStrings = 0;
  let emptyStrings = 0;
  let notInPassage = 0;
  let notInPassageIgnoringCase = 0;
  for (const { output, passage } of questions) {
    if (output === undefined) continue;
    answers++;
    const response = officialResponse(output);
    if (!isJsonStringList(response)) invalidJsonAnswers++;
    const items = parseOfficialList(response);
    if (items === null) {
      officialFallbacks++;
      continue;
    }
    const lowerPassage = passage.toLowerCase();
    for (const item of new Set(items)) {
      predictedStrings++;
      if (item === '') emptyStrings++;
      if (item === '' || !passage.includes(item)) notInPassage++;
      if (item === '' || !lowerPassage.includes(item.toLowerCase())) notInPassageIgnoringCase++;
    }
  }
  return {
    answers,
    invalidJsonAnswers,
    officialFallbacks,
    predictedStrings,
    emptyStrings,
    notInPassage,
    notInPassageIgnoringCase,
  };
}
