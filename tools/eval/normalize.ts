/**
 * The official UniNER answer normalisation (`normalize_answer` in the UniNER repository's
 * `src/eval/evaluate.py`, itself the SQuAD normaliser), reproduced with Python's semantics.
 *
 * Order of operations (it matters, and it is the official one):
 *   1. lower case (`str.lower`);
 *   2. delete every ASCII punctuation character (`string.punctuation`), *without* inserting a space:
 *      `U.S.` → `us`, `state-of-the-art` → `stateoftheart`;
 *   3. replace the whole words `a`, `an`, `the` by a space (`re.sub(r'\b(a|an|the)\b', ' ', …)`);
 *      because punctuation is already gone, `the-art` is no longer a word boundary case: see step 2;
 *   4. collapse whitespace: split on Python whitespace and join with single spaces (this also trims).
 */

/** Python's `string.punctuation`: the 32 ASCII punctuation characters. */
export const PYTHON_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

const PUNCTUATION_SET: ReadonlySet<string> = new Set(PYTHON_PUNCTUATION);

/**
 * Python's `\b(a|an|the)\b` on a `str`. Python's `\w` is Unicode-aware (letters, numbers, `_`) while
 * JavaScript's `\b` is ASCII-only even with the `u` flag, so `\b` is spelled out as look-arounds:
 * in `éthe` Python sees no boundary before `the` and keeps it; a JS `\b` would remove it.
 */
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/**
 * The characters for which Python's `str.isspace()` is true, i.e. what `str.split()` splits on.
 * JavaScript's `\s` differs: it includes U+FEFF and lacks U+001C–U+001F and U+0085.
 */
// eslint-disable-next-line no-control-regex -- U+001C–U+001F are whitespace to Python on purpose.
const PYTHON_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/** Normalise one answer string exactly like the official evaluation (see the module comment). */
export function normalizeAnswer(text: string): string {
  // 1. Python's str.lower and JS toLowerCase agree on the cases that matter here (final sigma, İ).
  const lower = text.toLowerCase();
  // 2. Iterate by code point so astral characters are never split.
  let withoutPunctuation = '';
  for (const ch of lower) if (!PUNCTUATION_SET.has(ch)) withoutPunctuation += ch;
  // 3.
  const withoutArticles = withoutPunctuation.replace(ARTICLES, ' ');
  // 4. `' '.join(s.split())`: split drops empty pieces, so leading/trailing whitespace goes too.
  return withoutArticles
    .split(PYTHON_WHITESPACE)
    .filter((word) => word.length > 0)
    .join(' ');
}

/**
 * Normalise a list of answer strings and drop repeats, keeping the first occurrence's position
 * (the official parser appends an item only `if item not in formatted_items`).
 * Empty strings after normalisation (e.g. `"the"`) are kept, as in the official code.
 */
export function normalizeAndDedupe(items: readonly string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const item of items) {
    const normalized = normalizeAnswer(item);
    if (seen.has(normalized)) continue;
    seen.add(normalized);
    result.push(normalized);
  }
  return result;
}

/** The words of a normalised answer (it is already single-space separated). Empty for `""`. */
export function answerWords(normalized: string): string[] {
  return normalized.length === 0 ? [] : normalized.split(' ');
}
