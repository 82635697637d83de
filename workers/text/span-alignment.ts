/**
 * Span alignment: where in the passage is each entity string the model wrote?
 *
 * Offsets are `[start, end)` UTF-16 code units of the passage as given. The rules, in order:
 *
 * 1. Exact occurrences (the string as written, code unit for code unit).
 * 2. Otherwise tolerant occurrences: case-insensitive, any whitespace run matching any whitespace run,
 *    and canonically equivalent Unicode (NFC vs NFD) treated as equal.
 * 3. Whole-word occurrences beat occurrences inside longer words: for each kind, only the whole-word
 *    ones are kept when there are any. A whole-word tolerant match beats an exact match that is only
 *    inside a word (`art` in "Start the Art" highlights "Art", not "St*art*"): a model that changes
 *    case is far more common than one that means a piece of a word.
 * 4. Never highlight what is not there: a string not found gets no spans and `match: 'none'`.
 *
 * A match never starts or ends inside a *unit*: a code point with the combining marks, zero-width
 * joiners and emoji modifiers that follow it. So a surrogate pair is never split, `e` is not found in
 * a decomposed `é`, and `👨` is not found inside the family emoji `👨‍👩‍👧`. Occurrences of one string
 * do not overlap each other (`aa` in `aaaa` is found twice); occurrences of *different* strings may
 * (merging them for display is the UI's job).
 *
 * How the tolerant pass keeps offsets right although folding changes lengths (`ß` → `ss`, `İ` → `i̇`,
 * `é` → `e` + U+0301): the passage is cut into units, each unit is folded on its own (NFD, then upper
 * case, then lower case, then NFD again — upper-then-lower is a close stand-in for full Unicode case
 * folding, which JavaScript lacks), and a folded match is accepted only when both ends fall on unit
 * starts, which map back to passage offsets. NFD rather than NFC because decomposition is per unit,
 * while composition can join separate units (Hangul jamo). As in Unicode case folding, `İ` folds to
 * `i̇`, so it matches `İ`/`i̇` in any case but not a plain `i`.
 */

import type { FoundEntity, Span } from '../protocol';

/** Aligns entity strings against one passage; the tolerant index is built once, on first need. */
export interface Aligner {
  /** Every occurrence of one entity string (see the module rules). */
  align(entity: string): FoundEntity;
  /** {@link Aligner.align} for each distinct string, in first-seen order (exact duplicates removed). */
  alignAll(entities: readonly string[]): FoundEntity[];
}

/**
 * An {@link Aligner} for `passage`. Reuse it for every entity of every type of that passage: the
 * tolerant index costs one pass over the passage, the first time a string is not found exactly.
 */
export function createAligner(passage: string): Aligner {
  let index: FoldedText | undefined;
  const tolerantIndex = () => (index ??= foldText(passage));
  const align = (entity: string): FoundEntity => alignOne(passage, entity, tolerantIndex);
  return {
    align,
    alignAll: (entities) => [...new Set(entities)].map(align),
  };
}

/** One-shot {@link Aligner.alignAll}: every occurrence of each distinct string in `passage`. */
export function alignEntities(passage: string, entities: readonly string[]): FoundEntity[] {
  return createAligner(passage).alignAll(entities);
}

function alignOne(passage: string, entity: string, tolerantIndex: () => FoldedText): FoundEntity {
  if (entity.trim() === '') return { text: entity, spans: [], match: 'none' };

  // Surrounding whitespace is never highlighted: such a string goes to the tolerant pass, which trims.
  const exact = entity === entity.trim() ? findExact(passage, entity) : [];
  const exactWhole = exact.filter((span) => isWholeWord(passage, span));
  if (exactWhole.length > 0) return { text: entity, spans: exactWhole, match: 'exact' };

  const tolerant = findTolerant(tolerantIndex(), entity);
  const tolerantWhole = tolerant.filter((span) => isWholeWord(passage, span));
  if (tolerantWhole.length > 0) return { text: entity, spans: tolerantWhole, match: 'tolerant' };
  if (exact.length > 0) return { text: entity, spans: exact, match: 'exact' };
  if (tolerant.length > 0) return { text: entity, spans: tolerant, match: 'tolerant' };
  return { text: entity, spans: [], match: 'none' };
}

/** Non-overlapping exact occurrences whose ends are unit boundaries. */
function findExact(passage: string, entity: string): Span[] {
  const spans: Span[] = [];
  let from = 0;
  for (;;) {
    const start = passage.indexOf(entity, from);
    if (start < 0) return spans;
    const end = start + entity.length;
    if (isUnitBoundary(passage, start) && isUnitBoundary(passage, end)) {
      spans.push({ start, end });
      from = end;
    } else {
      from = start + 1;
    }
  }
}

/** Non-overlapping tolerant occurrences, mapped back to passage offsets. */
function findTolerant(index: FoldedText, entity: string): Span[] {
  const needle = foldText(entity.trim()).folded;
  const spans: Span[] = [];
  if (needle === '') return spans;
  let from = 0;
  for (;;) {
    const a = index.folded.indexOf(needle, from);
    if (a < 0) return spans;
    const b = a + needle.length;
    const start = index.origAt[a] ?? -1;
    const end = index.origAt[b] ?? -1;
    if (start >= 0 && end >= 0) {
      spans.push({ start, end });
      from = b;
    } else {
      from = a + 1;
    }
  }
}

/** A text folded unit by unit, with the way back to original offsets. */
interface FoldedText {
  readonly folded: string;
  /**
   * For each folded offset that starts a unit (and for `folded.length`): the original offset of that
   * unit (the original length). -1 inside a unit's folded text, where no match may start or end.
   */
  readonly origAt: Int32Array;
}

function foldText(text: string): FoldedText {
  const parts: string[] = [];
  const starts: number[] = []; // [foldedOffset, origOffset] pairs, flattened
  let foldedLength = 0;
  let i = 0;
  while (i < text.length) {
    const start = i;
    const cp = text.codePointAt(i) ?? 0;
    i += cp > 0xffff ? 2 : 1;
    let piece: string;
    if (isWhitespace(cp)) {
      // A whole whitespace run is one unit folded to one space: runs match runs of any length.
      while (i < text.length && isWhitespace(text.codePointAt(i) ?? 0)) i++;
      piece = ' ';
    } else {
      let prev = cp;
      for (;;) {
        const next = text.codePointAt(i);
        if (next === undefined || !isExtender(next, prev)) break;
        i += next > 0xffff ? 2 : 1;
        prev = next;
      }
      piece =
        i - start === 1 && cp < 0x80 ? asciiLower(text.charAt(start), cp) : foldUnit(text.slice(start, i));
    }
    starts.push(foldedLength, start);
    parts.push(piece);
    foldedLength += piece.length;
  }
  const origAt = new Int32Array(foldedLength + 1).fill(-1);
  for (let k = 0; k < starts.length; k += 2) origAt[starts[k]!] = starts[k + 1]!;
  origAt[foldedLength] = text.length;
  return { folded: parts.join(''), origAt };
}

function foldUnit(unit: string): string {
  return unit.normalize('NFD').toUpperCase().toLowerCase().normalize('NFD');
}

function asciiLower(char: string, cp: number): string {
  return cp >= 0x41 && cp <= 0x5a ? String.fromCharCode(cp + 32) : char;
}

const EXTENDER = /^[\p{M}\u200d\p{Emoji_Modifier}]$/u;
const WHITESPACE = /^\s$/u;
const WORD = /^[\p{L}\p{N}\p{M}\p{Pc}]$/u;

/** Whether `cp` belongs to the unit of the code point before it (`prev`). */
function isExtender(cp: number, prev: number): boolean {
  if (prev === 0x200d) return true; // the code point after a zero-width joiner is joined to the unit
  return cp >= 0x300 && EXTENDER.test(String.fromCodePoint(cp));
}

function isWhitespace(cp: number): boolean {
  if (cp < 0x80) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d);
  return WHITESPACE.test(String.fromCodePoint(cp));
}

function isWordChar(cp: number | undefined): boolean {
  if (cp === undefined) return false;
  if (cp < 0x80) {
    return (
      (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f
    );
  }
  return WORD.test(String.fromCodePoint(cp));
}

/** The code point that ends just before `offset` (a whole surrogate pair when there is one). */
function codePointBefore(text: string, offset: number): number | undefined {
  if (offset <= 0) return undefined;
  const low = text.charCodeAt(offset - 1);
  if (low >= 0xdc00 && low <= 0xdfff && offset >= 2) {
    const high = text.charCodeAt(offset - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.codePointAt(offset - 2);
  }
  return low;
}

/** True when `offset` is not inside a surrogate pair nor inside a unit (base + marks, ZWJ joins). */
function isUnitBoundary(text: string, offset: number): boolean {
  if (offset <= 0 || offset >= text.length) return true;
  const unit = text.charCodeAt(offset);
  const before = text.charCodeAt(offset - 1);
  if (unit >= 0xdc00 && unit <= 0xdfff && before >= 0xd800 && before <= 0xdbff) return false;
  return !isExtender(text.codePointAt(offset) ?? 0, codePointBefore(text, offset) ?? 0);
}

/** No word character on both sides of either end (a string may itself start or end with punctuation). */
function isWholeWord(text: string, span: Span): boolean {
  const startOk = !(
    isWordChar(codePointBefore(text, span.start)) && isWordChar(text.codePointAt(span.start))
  );
  const endOk = !(isWordChar(codePointBefore(text, span.end)) && isWordChar(text.codePointAt(span.end)));
  return startOk && endOk;
}
