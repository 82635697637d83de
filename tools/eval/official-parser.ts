/**
 * The official UniNER answer parser (`parser` in the UniNER repository's `src/eval/evaluate.py`),
 * reproduced with Python's semantics. The evaluation tool owns this copy on purpose: the engine's
 * streaming parser (workers/) salvages as much as it can for display, while scoring must be exactly
 * as forgiving — and as strict — as the paper's code.
 *
 * Python (model outputs first go through `get_response` of the official inference code; gold
 * answers do not):
 *
 *     text = r.split('ASSISTANT:')[-1].strip()    # get_response: after the LAST 'ASSISTANT:', stripped
 *     match = re.match(r'\[(.*?)\]', text)        # anchored at 0, `.` ≠ '\n', first ']' ends it
 *     text = match.group() if match else '[]'
 *     items = json.loads(text)
 *     for item in items: normalize_answer(item) … # dedupe; any exception → []
 *
 * Consequences that this module reproduces (each one is tested):
 * - A model output is cut after its last `ASSISTANT:` (case-sensitive) and stripped of the characters
 *   Python's `str.isspace()` accepts, which is not JavaScript's `trim()` set (Python also strips
 *   U+001C–U+001F and U+0085 but keeps U+FEFF); so ` ["a"]` or `\n["a"]` scores as `["a"]`.
 * - After that step, an answer that does not start with `[` (prose, a code fence) parses to `[]`;
 *   a gold answer, which skips it, must start with `[` itself.
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

/** The marker `get_response` splits on (the prompt's final assistant turn). */
const ASSISTANT_MARKER = 'ASSISTANT:';

/**
 * The code points Python 3's `str.isspace()` is true for, i.e. what `str.strip()` with no argument
 * removes (listed from CPython 3.11: `[c for c in range(0x110000) if chr(c).isspace()]`). All are in
 * the BMP, so one UTF-16 code unit each.
 */
const PYTHON_WHITESPACE: ReadonlySet<number> = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002,
  0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Python's `text.strip()`: leading and trailing {@link PYTHON_WHITESPACE} removed. */
export function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PYTHON_WHITESPACE.has(text.charCodeAt(start))) start++;
  while (end > start && PYTHON_WHITESPACE.has(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/**
 * The official `get_response` for one model output: `r.split('ASSISTANT:')[-1].strip()`, the text
 * after the last `ASSISTANT:` (all of it when there is none), Python-stripped. Every model output
 * goes through this before {@link parseOfficialRaw}, whether it comes from a model run or a
 * predictions file; gold answers do not (the official code parses them as they are).
 */
export function officialResponse(output: string): string {
  const at = output.lastIndexOf(ASSISTANT_MARKER);
  return pythonStrip(at === -1 ? output : output.slice(at + ASSISTANT_MARKER.length));
}

/**
 * `re.match(r'\[(.*?)\]', text)`: anchored at position 0; Python's `.` excludes only `\n`
 * (JavaScript's `.` also excludes `\r`, U+2028 and U+2029, hence the explicit class).
 */
const OFFICIAL_LIST = /^\[[^\n]*?\]/;

/**
 * The list of raw (not normalised) strings the official parser would accept, or `null` where it
 * gives up and falls back to `[]`: no `[…]` at position 0 of the first line, `json.loads` fails on
 * it, or an item is not a string. `[]` means the answer really was an empty list. The validity
 * counts use the difference; scoring uses {@link parseOfficialRaw}.
 */
export function parseOfficialList(text: string): string[] | null {
  const match = OFFICIAL_LIST.exec(text);
  // No match: the official code parses the literal '[]'.
  if (match === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(match[0]);
  } catch {
    return null;
  }
  // The match starts with '[' so a successful parse is always an array; checked for the types' sake.
  if (!Array.isArray(value)) return null;
  const items: string[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'string') return null;
    items.push(item);
  }
  return items;
}

/**
 * The list of raw (not normalised) strings the official parser would accept, or `[]` where it
 * would give up. Use {@link parseOfficialAnswer} for scoring.
 */
export function parseOfficialRaw(text: string): string[] {
  return parseOfficialList(text) ?? [];
}

/**
 * Parse one answer exactly like the official `parser`: the normalised, deduplicated entity strings
 * in first-seen order; `[]` on any failure. This is how gold answers are read; a model output must go
 * through {@link parseOfficialOutput} instead.
 */
export function parseOfficialAnswer(text: string): string[] {
  return normalizeAndDedupe(parseOfficialRaw(text));
}

/**
 * Parse one raw model output like the official pipeline: `parser(get_response(output))`, i.e.
 * {@link officialResponse} then {@link parseOfficialAnswer}. Used for every scored prediction.
 */
export function parseOfficialOutput(output: string): string[] {
  return parseOfficialAnswer(officialResponse(output));
}
