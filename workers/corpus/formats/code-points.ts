/**
 * Offsets in Unicode code points, the unit Python (spaCy, Prodigy) indexes strings by, against our
 * UTF-16 code units: they differ after every character outside the Basic Multilingual Plane (emoji,
 * some CJK), which JavaScript stores as two units and Python as one.
 */

/** Maps UTF-16 offsets of `text` to code point offsets and back. */
export interface OffsetMap {
  toCodePoints(utf16: number): number;
  toUtf16(codePoint: number): number;
}

/** An offset map for `text` (a UTF-16 offset inside a surrogate pair maps to the pair's code point). */
export function offsetMap(text: string): OffsetMap {
  // Positions (UTF-16) of the second unit of each surrogate pair: each one shifts later offsets by 1.
  const pairs: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) pairs.push(++i);
    }
  }
  if (!pairs.length) return { toCodePoints: (n) => n, toUtf16: (n) => n };
  // The code point offset just after each pair's character (pair k starts at UTF-16 pairs[k] - 1,
  // code point pairs[k] - 1 - k): offsets at or past it lie after that pair.
  const pairStarts = pairs.map((p, k) => p - k);
  return {
    toCodePoints: (utf16) => utf16 - countBelow(pairs, utf16 + 1),
    // A code point offset moves one unit right for each pair whose character starts before it
    // (binary search: a loop over all pairs per offset made importing many spans quadratic).
    toUtf16: (codePoint) => codePoint + countBelow(pairStarts, codePoint + 1),
  };
}

/** How many sorted values are < limit. */
function countBelow(sorted: readonly number[], limit: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
