/**
 * Word snapping for spans a person adds: a selection made by dragging rarely lands exactly on word
 * edges ("lice Smit"), so it is widened to whole words and trimmed of surrounding spaces and
 * punctuation. A selection already on word edges is kept as it is, and so is a deliberate one (Alt
 * held), so a person can still mark part of a word ("Obama" in "Obama-era").
 */

/** Letters, digits and marks: what a word is made of (any script). */
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

function isWordChar(text: string, index: number): boolean {
  return index >= 0 && index < text.length && WORD_CHAR.test(text[index]!);
}

/** A half-open `[start, end)` range of UTF-16 code units. */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

/** True when neither edge of the range cuts through a word. */
export function onWordBoundaries(text: string, range: TextRange): boolean {
  const { start, end } = range;
  const startOk = !(isWordChar(text, start - 1) && isWordChar(text, start));
  const endOk = !(isWordChar(text, end - 1) && isWordChar(text, end));
  return startOk && endOk;
}

/**
 * The range trimmed of white space and punctuation at both ends, then widened to the words it
 * touches. Returns null when nothing but spaces and punctuation is selected (no word to mark).
 */
export function snapToWords(text: string, range: TextRange): TextRange | null {
  let start = Math.max(0, Math.min(range.start, range.end));
  let end = Math.min(text.length, Math.max(range.start, range.end));
  while (start < end && !isWordChar(text, start)) start++;
  while (end > start && !isWordChar(text, end - 1)) end--;
  if (start >= end) return null;
  while (isWordChar(text, start - 1)) start--;
  while (isWordChar(text, end)) end++;
  return { start, end };
}

/**
 * The range a selection becomes: as selected when `deliberate` or already on word edges (only the
 * white space at its ends trimmed), else snapped to whole words. Null for an empty selection.
 */
export function rangeForSelection(text: string, range: TextRange, deliberate: boolean): TextRange | null {
  let start = Math.max(0, Math.min(range.start, range.end));
  let end = Math.min(text.length, Math.max(range.start, range.end));
  while (start < end && /\s/u.test(text[start]!)) start++;
  while (end > start && /\s/u.test(text[end - 1]!)) end--;
  if (start >= end) return null;
  if (deliberate || onWordBoundaries(text, { start, end })) return { start, end };
  return snapToWords(text, { start, end });
}
