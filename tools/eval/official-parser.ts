/**
 * The official UniNER answer parser (`parser` in the UniNER repository's `src/eval/evaluate.py`),
 * reproduced with Python's semantics. The evaluation tool owns this copy on purpose: the engine's
 * streaming parser (workers/) salvages as much as it can for display, while scoring must be exactly
 * as forgiving — and as strict — as the paper's code.
 *
 * Python:
 *
 *     match = re.match(r'\[(.*?)\]', text)        # anchored at 0, `.` ≠ '\n', first ']' ends it
 *     text = match.group() if match else '[]'
 *     items = json.loads(text)
 *     for item in items: normalize_answer(item) … # dedupe; any exception → []
 *
 * Consequences that this module reproduces (each one is tested):
 * - An answer that does not start with `[` (leading space, prose, a code fence) parses to `[]`.
 * - The match ends at the FIRST `]` on the first line, so an entity containing `]`, or a list
 *   broken over lines, yields invalid JSON and the whole answer is `[]`.
 * - Nested lists can therefore never parse (the inner `]` ends the match); the official code's tuple
 *   branch is unreachable.
 * - Items that are not strings (numbers, `null`, booleans, objects) make `normalize_answer` raise
 *   (`.lower()` of a non-str), which the `except` turns into `[]` for the WHOLE answer. We do the
 *   same: one non-string item empties the answer. (Not `str()`-ing them, not dropping them.)
 * - Python's `json.loads` accepts `NaN`/`Infinity`/`-Infinity`, `JSON.parse` does not; the outcome is
 *   the same because such values are non-strings, which empty the answer anyway.
 * - Text after the first `]` (e.g. `["a"] and more`) is ignored.
 */

import { normalizeAndDedupe } from './normalize';

/**
 * `re.match(r'\[(.*?)\]', text)`: anchored at position 0; Python's `.` excludes only `\n`
 * (JavaScript's `.` also excludes `\r`, U+2028 and U+2029, hence the explicit class).
 */
const OFFICIAL_LIST = /^\[[^\n]*?\]/;

/**
 * The list of raw (not normalised) strings the official parser would accept, or `[]` where it
 * would give up. Use {@link parseOfficialAnswer} for scoring.
 */
export function parseOfficialRaw(text: string): string[] {
  const match = OFFICIAL_LIST.exec(text);
  // No match: the official code parses the literal '[]'.
  if (match === null) return [];
  let value: unknown;
  try {
    value = JSON.parse(match[0]);
  } catch {
    return [];
  }
  // The match starts with '[' so a successful parse is always an array; checked for the types' sake.
  if (!Array.isArray(value)) return [];
  const items: string[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'string') return [];
    items.push(item);
  }
  return items;
}

/**
 * Parse one answer (model output or gold) exactly like the official evaluation: the normalised,
 * deduplicated entity strings in first-seen order; `[]` on any failure.
 */
export function parseOfficialAnswer(text: string): string[] {
  return normalizeAndDedupe(parseOfficialRaw(text));
}
