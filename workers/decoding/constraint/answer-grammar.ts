/**
 * The byte-level grammar of one UniNER answer: a JSON list of distinct, non-empty passage substrings.
 *
 *     answer  := ws* '[' ( ']' | string ( ws* ',' ws* string )* ws* ']' )      then only EOS
 *     string  := '"' ( raw byte | escape )+ '"'     whose unescaped bytes occur in the passage
 *
 * - `ws` is a space, at most `maxWhitespace` (default 1) per run: UniNER answers ` ["a", "b"]`, and the
 *   official parser rejects a list after other whitespace or across lines, so tabs, CR and LF (which
 *   JSON would allow) only waste the token budget and lose the answer at evaluation.
 * - A raw byte is any byte >= 0x20 except `"` and `\`; control characters must be escaped.
 * - Escapes: `\" \\ \/ \b \f \n \r \t` and `\uXXXX` (upper or lower case hex, surrogate pairs for
 *   characters above U+FFFF). `\u` may spell any character of the passage (restricting it to control
 *   characters would also need the dead-end analysis in finishCost to know; not done).
 * - Strings start at a character boundary (no leading continuation byte) and may only close at one,
 *   so every answer decodes as valid UTF-8.
 * - A string may only close when it is not one of the strings already closed in this answer.
 * - Length caps (issue #27: small models proposed whole paragraphs, which a reviewer must reject by
 *   hand and which push the right short spans out of a CoNLL export): a string may hold at most
 *   `maxItemBytes` UTF-8 bytes and `maxItemWords` words (spaces + 1), and, in a passage of three words
 *   or more, never the whole passage (all of it but leading/trailing spaces and punctuation). A byte
 *   past a cap is refused like a byte the passage lacks, so the constraint lets the item go there
 *   (fewer tokens generated, nothing kept), never cuts it into a shorter entity.
 * - After {@link AnswerGrammar.letGo} (the constraint gives up the current item: see
 *   `JsonListConstraint`), the current string can only be finished, not extended: a character or an
 *   escape in progress is completed, then it closes, empty or repeated as it may be (the item is
 *   dropped from the answer's entities, so only the JSON has to stay valid).
 *
 * States are small immutable records; {@link AnswerGrammar.step} returns a new one or `null`.
 * {@link AnswerGrammar.finishCost} is the exact length of the shortest way to finish (in bytes, plus
 * one for EOS); the constraint uses it both as "is this state a dead end?" and for the budget rule.
 */

import { isContinuationByte, type PassageAutomaton, type PassageChar } from './passage-automaton';

/** Where in the answer we are. */
export const Phase = {
  /** Before `[`; leading whitespace allowed. */
  Lead: 0,
  /** Right after `[`. */
  Open: 1,
  /** Inside a string. */
  Str: 2,
  /** After a closing quote: whitespace, `,` or `]`. */
  AfterStr: 3,
  /** After a comma: whitespace or `"`. */
  AfterComma: 4,
  /** After `]`: only EOS. */
  Done: 5,
} as const;

/** Escape sub-state inside a string. */
export const Esc = {
  None: 0,
  /** After `\`. */
  Backslash: 1,
  /** Inside the 4 hex digits of `\u`. */
  Hex: 2,
  /** After a high surrogate `\uD8xx`: expecting `\` of the low half. */
  LowBackslash: 3,
  /** Expecting `u` of the low half. */
  LowU: 4,
} as const;

/** One grammar state. Immutable: states are shared between branches of the trie walk. */
export interface AnswerState {
  readonly phase: number;
  /** Whitespace bytes in the current run; inside a string, the spaces written so far (words - 1). */
  readonly ws: number;
  /** Automaton state of the current string (phase `Str`). */
  readonly sam: number;
  /** Unescaped bytes of the current string so far. */
  readonly len: number;
  readonly esc: number;
  /** Value of the hex digits read so far (`Esc.Hex`). */
  readonly hex: number;
  /** Number of hex digits read so far (`Esc.Hex`). */
  readonly digits: number;
  /** The pending high surrogate of a `\u` pair, or -1. */
  readonly high: number;
  /** Strings closed so far in this answer. */
  readonly items: number;
  /**
   * Keys of strings closed since the last {@link AnswerGrammar.commit} (one token can close a string
   * and open the next, e.g. `","`; the next string must already be distinct from it).
   */
  readonly closed: readonly number[];
}

/** Options of {@link AnswerGrammar}. */
export interface AnswerGrammarOptions {
  /** Maximum number of strings in the list. Default: unlimited. */
  readonly maxItems?: number;
  /** Maximum spaces per run (before `[`, around commas, before `]`). Default 1. */
  readonly maxWhitespace?: number;
  /** Longest string, in UTF-8 bytes of its unescaped text. Default: unlimited. */
  readonly maxItemBytes?: number;
  /** Most words (runs separated by spaces) in one string. Default: unlimited. */
  readonly maxItemWords?: number;
  /** Refuse a string as long as the whole passage (passages of 3 words or more). Default false. */
  readonly refuseWholePassage?: boolean;
}

/** Bytes of `passage` once leading and trailing spaces and ASCII punctuation are cut off. */
function coreLength(passage: Uint8Array): number {
  const edge = (b: number) => b <= 0x20 || (b < 0x80 && /[!-/:-@[-`{-~]/u.test(String.fromCharCode(b)));
  let start = 0;
  let end = passage.length;
  while (start < end && edge(passage[start] as number)) start++;
  while (end > start && edge(passage[end - 1] as number)) end--;
  return end - start;
}

/** Words of `passage` (runs of bytes between ASCII whitespace). */
function wordCount(passage: Uint8Array): number {
  let words = 0;
  let inWord = false;
  for (const b of passage) {
    const space = b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

const NONE: readonly number[] = [];

/** A character that can follow an automaton state, and the state after it. */
interface CharStep {
  readonly ch: PassageChar;
  readonly target: number;
}
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Unescaped byte of each single-character escape (`\n` → 0x0a...), -1 if not an escape letter. */
const SIMPLE_ESCAPE = new Int16Array(256).fill(-1);
for (const [letter, byte] of [
  ['"', 0x22],
  ['\\', 0x5c],
  ['/', 0x2f],
  ['b', 0x08],
  ['f', 0x0c],
  ['n', 0x0a],
  ['r', 0x0d],
  ['t', 0x09],
] as const) {
  SIMPLE_ESCAPE[letter.charCodeAt(0)] = byte;
}
const U = 0x75;

/** Cheapest JSON spelling length of each unescaped byte inside a string. */
const BYTE_COST = new Uint8Array(256).fill(1);
for (let b = 0; b < 0x20; b++) BYTE_COST[b] = 6; // \u00XX
for (const b of [0x08, 0x09, 0x0a, 0x0c, 0x0d, QUOTE, BACKSLASH]) BYTE_COST[b] = 2;

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  return -1;
}

function isWhitespace(b: number): boolean {
  return b === 0x20;
}

function state(
  phase: number,
  ws: number,
  sam: number,
  len: number,
  esc: number,
  hex: number,
  digits: number,
  high: number,
  items: number,
  closed: readonly number[],
): AnswerState {
  return { phase, ws, sam, len, esc, hex, digits, high, items, closed };
}

/**
 * The answer grammar bound to one passage, plus the set of strings already closed in this answer.
 * One instance per answer (per batch row); the automaton is shared.
 */
export class AnswerGrammar {
  private readonly completed = new Set<number>();
  private readonly maxItems: number;
  private readonly maxWs: number;
  /** The longest a string may grow, in bytes (the byte cap, and one byte short of the whole passage). */
  private readonly maxBytes: number;
  /** The most spaces a string may hold (word cap - 1). */
  private readonly maxSpaces: number;
  private readonly keyBase: number;
  private readonly charByCodePoint: Map<number, PassageChar>;
  /** The passage's characters sorted by UTF-16 units, and their keys `unit0 * 0x10000 + unit1`. */
  private readonly charsByUnits: readonly PassageChar[];
  private readonly unitKeys: Float64Array;
  private readonly charsAfterCache = new Map<number, readonly CharStep[]>();
  private lettingGo = false;

  constructor(
    readonly automaton: PassageAutomaton,
    options: AnswerGrammarOptions = {},
  ) {
    this.maxItems = options.maxItems ?? Infinity;
    this.maxWs = options.maxWhitespace ?? 1;
    const whole =
      options.refuseWholePassage && wordCount(automaton.bytes) >= 3
        ? coreLength(automaton.bytes) - 1
        : Infinity;
    this.maxBytes = Math.min(options.maxItemBytes ?? Infinity, whole);
    this.maxSpaces = (options.maxItemWords ?? Infinity) - 1;
    this.keyBase = automaton.bytes.length + 1;
    this.charByCodePoint = new Map(automaton.chars.map((c) => [c.codePoint, c]));
    const unitKey = (c: PassageChar) => (c.units[0] as number) * 0x10000 + (c.units[1] ?? 0);
    this.charsByUnits = [...automaton.chars].sort((a, b) => unitKey(a) - unitKey(b));
    this.unitKeys = Float64Array.from(this.charsByUnits, unitKey);
  }

  /** The state before any output. */
  initial(): AnswerState {
    return state(Phase.Lead, 0, 0, 0, Esc.None, 0, 0, -1, 0, NONE);
  }

  /** Number of distinct strings committed so far. */
  get committedCount(): number {
    return this.completed.size;
  }

  /**
   * Records the strings closed in `s` as used (call once per accepted token) and returns the state
   * to continue from.
   */
  commit(s: AnswerState): AnswerState {
    if (s.closed.length === 0) return s;
    for (const k of s.closed) this.completed.add(k);
    return state(s.phase, s.ws, s.sam, s.len, s.esc, s.hex, s.digits, s.high, s.items, NONE);
  }

  /**
   * A substring is identified by (automaton state, length): the strings of one state all differ in
   * length. So duplicates are detected without keeping the strings' bytes.
   */
  private key(sam: number, len: number): number {
    return sam * this.keyBase + len;
  }

  /**
   * From now on the current string may close at any character boundary, even empty or repeated (it is
   * being dropped). Cannot be undone; the grammar is otherwise unchanged.
   */
  letGo(): void {
    this.lettingGo = true;
  }

  /** `true` when the current string (automaton `sam`, `len` bytes) may close now. */
  closable(sam: number, len: number, closed: readonly number[]): boolean {
    if (this.lettingGo) return len === 0 || this.automaton.complete[sam] === 1;
    if (len === 0 || this.automaton.complete[sam] !== 1) return false;
    const k = this.key(sam, len);
    return !this.completed.has(k) && !closed.includes(k);
  }

  /** The state after one more byte, or `null` when the byte breaks the grammar. */
  step(s: AnswerState, b: number): AnswerState | null {
    switch (s.phase) {
      case Phase.Lead:
        if (b === 0x5b) return state(Phase.Open, 0, 0, 0, Esc.None, 0, 0, -1, s.items, s.closed);
        if (isWhitespace(b) && s.ws < this.maxWs)
          return state(Phase.Lead, s.ws + 1, 0, 0, Esc.None, 0, 0, -1, s.items, s.closed);
        return null;
      case Phase.Open:
        if (b === 0x5d) return state(Phase.Done, 0, 0, 0, Esc.None, 0, 0, -1, s.items, s.closed);
        if (b === QUOTE && this.maxItems >= 1)
          return state(Phase.Str, 0, 0, 0, Esc.None, 0, 0, -1, s.items, s.closed);
        return null;
      case Phase.Str:
        return this.stepString(s, b);
      case Phase.AfterStr:
        if (b === 0x5d) return state(Phase.Done, 0, 0, 0, Esc.None, 0, 0, -1, s.items, s.closed);
        if (b === 0x2c && s.items < this.maxItems)
          return state(Phase.AfterComma, 0, 0, 0, Esc.None, 0, 0, -1, s.items, s.closed);
        if (isWhitespace(b) && s.ws < this.maxWs)
          return state(Phase.AfterStr, s.ws + 1, 0, 0, Esc.None, 0, 0, -1, s.items, s.closed);
        return null;
      case Phase.AfterComma:
        if (b === QUOTE) return state(Phase.Str, 0, 0, 0, Esc.None, 0, 0, -1, s.items, s.closed);
        if (isWhitespace(b) && s.ws < this.maxWs)
          return state(Phase.AfterComma, s.ws + 1, 0, 0, Esc.None, 0, 0, -1, s.items, s.closed);
        return null;
      default:
        return null;
    }
  }

  /** `true` when a string of `len` bytes holding `spaces` spaces is within the length caps. */
  private fits(len: number, spaces: number): boolean {
    return this.lettingGo || (len <= this.maxBytes && spaces <= this.maxSpaces);
  }

  /** `true` when the string of `s` is being let go and stands at a character boundary: it may only close. */
  private frozen(s: AnswerState): boolean {
    return this.lettingGo && (s.len === 0 || this.automaton.complete[s.sam] === 1);
  }

  /** Raw (unescaped) content byte `b` in a string with no escape pending; `null` if refused. */
  stepRaw(s: AnswerState, b: number): AnswerState | null {
    if (b < 0x20 || b === QUOTE || b === BACKSLASH || this.frozen(s)) return null;
    if (s.len === 0 && isContinuationByte(b)) return null;
    const spaces = this.grow(s, 1, b);
    if (spaces < 0) return null;
    const t = this.automaton.next(s.sam, b);
    return t < 0 ? null : state(Phase.Str, spaces, t, s.len + 1, Esc.None, 0, 0, -1, s.items, s.closed);
  }

  /**
   * The string of `s` grows by `bytes` bytes, the first being `b`: the spaces it then holds, or -1 when
   * that passes a length cap. Caps do not apply while letting go (a character in progress completes).
   */
  private grow(s: AnswerState, bytes: number, b: number): number {
    const spaces = s.ws + (b === 0x20 ? 1 : 0);
    return this.fits(s.len + bytes, spaces) ? spaces : -1;
  }

  /**
   * Like {@link stepRaw} when the caller already looked up the automaton transition `target` of a
   * raw byte `b` (the trie walk merges trie children with automaton transitions).
   */
  rawTo(s: AnswerState, b: number, target: number): AnswerState | null {
    if (
      b < 0x20 ||
      b === QUOTE ||
      b === BACKSLASH ||
      (s.len === 0 && isContinuationByte(b)) ||
      this.frozen(s)
    )
      return null;
    const spaces = this.grow(s, 1, b);
    if (spaces < 0) return null;
    return state(Phase.Str, spaces, target, s.len + 1, Esc.None, 0, 0, -1, s.items, s.closed);
  }

  private stepString(s: AnswerState, b: number): AnswerState | null {
    switch (s.esc) {
      case Esc.None:
        if (b === QUOTE) {
          if (!this.closable(s.sam, s.len, s.closed)) return null;
          return state(Phase.AfterStr, 0, 0, 0, Esc.None, 0, 0, -1, s.items + 1, [
            ...s.closed,
            this.key(s.sam, s.len),
          ]);
        }
        if (b === BACKSLASH && !this.frozen(s))
          return state(Phase.Str, s.ws, s.sam, s.len, Esc.Backslash, 0, 0, -1, s.items, s.closed);
        if (b === BACKSLASH) return null;
        return this.stepRaw(s, b);
      case Esc.Backslash: {
        if (b === U) return state(Phase.Str, s.ws, s.sam, s.len, Esc.Hex, 0, 0, -1, s.items, s.closed);
        const u = SIMPLE_ESCAPE[b] as number;
        if (u < 0) return null;
        const spaces = this.grow(s, 1, u);
        if (spaces < 0) return null;
        const t = this.automaton.next(s.sam, u);
        return t < 0 ? null : state(Phase.Str, spaces, t, s.len + 1, Esc.None, 0, 0, -1, s.items, s.closed);
      }
      case Esc.Hex: {
        const d = hexValue(b);
        if (d < 0) return null;
        const value = s.hex * 16 + d;
        if (s.digits < 3)
          return state(
            Phase.Str,
            s.ws,
            s.sam,
            s.len,
            Esc.Hex,
            value,
            s.digits + 1,
            s.high,
            s.items,
            s.closed,
          );
        let cp: number;
        if (s.high < 0) {
          if (value >= 0xd800 && value <= 0xdbff) {
            return state(Phase.Str, s.ws, s.sam, s.len, Esc.LowBackslash, 0, 0, value, s.items, s.closed);
          }
          if (value >= 0xdc00 && value <= 0xdfff) return null; // lone low surrogate
          cp = value;
        } else {
          if (value < 0xdc00 || value > 0xdfff) return null;
          cp = 0x10000 + ((s.high - 0xd800) << 10) + (value - 0xdc00);
        }
        const ch = this.charByCodePoint.get(cp);
        if (!ch) return null;
        const spaces = this.grow(s, ch.utf8.length, ch.utf8[0] as number);
        if (spaces < 0) return null;
        const t = this.automaton.walk(s.sam, ch.utf8);
        return t < 0
          ? null
          : state(Phase.Str, spaces, t, s.len + ch.utf8.length, Esc.None, 0, 0, -1, s.items, s.closed);
      }
      case Esc.LowBackslash:
        return b === BACKSLASH
          ? state(Phase.Str, s.ws, s.sam, s.len, Esc.LowU, 0, 0, s.high, s.items, s.closed)
          : null;
      case Esc.LowU:
        return b === U
          ? state(Phase.Str, s.ws, s.sam, s.len, Esc.Hex, 0, 0, s.high, s.items, s.closed)
          : null;
      default:
        return null;
    }
  }

  /**
   * Exact number of tokens needed to finish from `s`, EOS included, if each byte were its own token
   * (LLaMA has `<0xNN>` for all 256 bytes, byte-level BPE has all 256 single-byte pieces), or
   * `Infinity` when that exceeds `limit` or no valid ending exists (a dead end).
   *
   * Since it is a shortest-path length, some next byte always lowers it by exactly one: that is what
   * makes the budget rule safe (see `JsonListConstraint`).
   */
  finishCost(s: AnswerState, limit: number): number {
    let cost: number;
    switch (s.phase) {
      case Phase.Lead:
        cost = 3; // [ ] EOS
        break;
      case Phase.Open:
      case Phase.AfterStr:
        cost = 2; // ] EOS
        break;
      case Phase.Done:
        cost = 1;
        break;
      case Phase.AfterComma:
        // " + shortest new string + " ] EOS
        cost = 4 + this.completion(0, 0, limit - 4, s.closed, 0);
        break;
      default:
        cost = 3 + this.stringCost(s, limit - 3); // rest of string + " ] EOS
    }
    return cost <= limit ? cost : Infinity;
  }

  /** Cheapest rest of the current string (escape in progress included), or Infinity beyond `limit`. */
  private stringCost(s: AnswerState, limit: number): number {
    switch (s.esc) {
      case Esc.None:
        return this.completion(s.sam, s.len, limit, s.closed, s.ws);
      case Esc.Backslash: {
        let best = Infinity;
        for (let letter = 0; letter < 128; letter++) {
          const u = SIMPLE_ESCAPE[letter] as number;
          if (u < 0) continue;
          const t = this.automaton.next(s.sam, u);
          if (t >= 0 && this.fits(s.len + 1, s.ws))
            best = Math.min(
              best,
              1 + this.completion(t, s.len + 1, Math.min(limit, best - 1) - 1, s.closed, s.ws),
            );
        }
        // `\u` last: it costs at least 5 bytes, so a cheap simple escape usually skips the scan of
        // the passage's characters.
        return Math.min(
          best,
          1 + this.hexCost(s.sam, s.len, 0, 0, -1, Math.min(limit, best - 1) - 1, s.closed, s.ws),
        );
      }
      case Esc.Hex:
        return this.hexCost(s.sam, s.len, s.digits, s.hex, s.high, limit, s.closed, s.ws);
      case Esc.LowBackslash:
        return 2 + this.hexCost(s.sam, s.len, 0, 0, s.high, limit - 2, s.closed, s.ws);
      default:
        return 1 + this.hexCost(s.sam, s.len, 0, 0, s.high, limit - 1, s.closed, s.ws);
    }
  }

  /**
   * Cheapest way to finish a `\u` escape whose first `digits` hex digits have value `value` (low half
   * of a pair when `high` >= 0), then the string. Only characters of the passage can be spelled;
   * they are sorted by UTF-16 units, so the characters matching the typed digits are one range
   * found by binary search (a CJK passage has thousands of distinct characters).
   */
  private hexCost(
    sam: number,
    len: number,
    digits: number,
    value: number,
    high: number,
    limit: number,
    closed: readonly number[],
    spaces: number,
  ): number {
    const shift = 4 * (4 - digits);
    const base = high < 0 ? 0 : high * 0x10000;
    const scale = high < 0 ? 0x10000 : 1;
    const from = this.lowerBound(base + (value << shift) * scale);
    const to = this.lowerBound(base + ((value + 1) << shift) * scale);
    // Scan whichever is smaller: the characters matching the digits, or those that can follow here.
    // At the root every character can follow: skip listing them.
    const next = sam === 0 ? [] : this.charsAfter(sam);
    const useRange = sam === 0 || to - from <= next.length;
    const count = useRange ? to - from : next.length;
    const floor = 4 - digits; // nothing can be cheaper: stop at the first candidate that reaches it
    let best = Infinity;
    for (let i = 0; i < count && best > floor; i++) {
      let ch: PassageChar;
      let t: number;
      if (useRange) {
        ch = this.charsByUnits[from + i] as PassageChar;
        t = -2; // not walked yet
      } else {
        const entry = next[i] as CharStep;
        ch = entry.ch;
        t = entry.target;
        const key = (ch.units[0] as number) * 0x10000 + (ch.units[1] ?? 0);
        if (key < base + (value << shift) * scale || key >= base + ((value + 1) << shift) * scale) continue;
      }
      if (high >= 0 && ch.units.length !== 2) continue;
      // Digits still to type, plus the whole `\uXXXX` of the low half when this is a high half.
      const rest = floor + (high < 0 && ch.units.length === 2 ? 6 : 0);
      if (rest >= best || rest > limit) continue;
      const grown = spaces + (ch.codePoint === 0x20 ? 1 : 0);
      if (!this.fits(len + ch.utf8.length, grown)) continue;
      if (t === -2) t = this.automaton.walk(sam, ch.utf8);
      if (t < 0) continue;
      best = Math.min(
        best,
        rest + this.completion(t, len + ch.utf8.length, Math.min(limit, best - 1) - rest, closed, grown),
      );
    }
    return best;
  }

  /**
   * The whole characters that can follow automaton state `sam`, with the state after each. Cached:
   * one answer visits few states, and away from the root the list is short.
   */
  private charsAfter(sam: number): readonly CharStep[] {
    let list = this.charsAfterCache.get(sam);
    if (list) return list;
    const out: CharStep[] = [];
    const a = this.automaton;
    let cp = 0;
    let depth = 0;
    const visit = (state: number, need: number): void => {
      const end = a.transStart[state + 1] as number;
      for (let k = a.transStart[state] as number; k < end; k++) {
        const b = a.transByte[k] as number;
        const first = depth === 0;
        if (first === isContinuationByte(b)) continue; // a character starts with a lead or ASCII byte
        const left = first ? (b < 0x80 ? 0 : b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1) : need - 1;
        // Decode UTF-8 on the way down: lead byte payload, then 6 bits per continuation byte.
        const saved = cp;
        cp = first
          ? b & (b < 0x80 ? 0x7f : b >= 0xf0 ? 0x07 : b >= 0xe0 ? 0x0f : 0x1f)
          : (cp << 6) | (b & 0x3f);
        const target = a.transTarget[k] as number;
        if (left === 0) {
          const ch = this.charByCodePoint.get(cp);
          if (ch) out.push({ ch, target });
        } else {
          depth++;
          visit(target, left);
          depth--;
        }
        cp = saved;
      }
    };
    visit(sam, 0);
    list = out;
    this.charsAfterCache.set(sam, list);
    return list;
  }

  /** First index in `charsByUnits` whose key is >= `key`. */
  private lowerBound(key: number): number {
    let lo = 0;
    let hi = this.unitKeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.unitKeys[mid] as number) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Cheapest extension (in JSON-spelled bytes) of the current string after which it may close: it
   * must end at a character boundary and differ from every string already closed.
   *
   * Depth-first with branch and bound. It only recurses through states that cannot close, i.e. the
   * few strings already used and the middle of multi-byte characters, so it stays tiny; the common
   * case (the string can close right now) is O(1).
   */
  private completion(
    sam: number,
    len: number,
    limit: number,
    closed: readonly number[],
    spaces: number,
  ): number {
    if (this.closable(sam, len, closed)) return 0;
    if (limit <= 0) return Infinity;
    const a = this.automaton;
    let best = Infinity;
    const end = a.transStart[sam + 1] as number;
    for (let k = a.transStart[sam] as number; k < end; k++) {
      const b = a.transByte[k] as number;
      if (len === 0 && isContinuationByte(b)) continue;
      const c = BYTE_COST[b] as number;
      if (c >= best || c > limit) continue;
      const grown = spaces + (b === 0x20 ? 1 : 0);
      if (!this.fits(len + 1, grown)) continue;
      const total =
        c +
        this.completion(a.transTarget[k] as number, len + 1, Math.min(limit, best - 1) - c, closed, grown);
      if (total < best) {
        best = total;
        if (best === 1) break; // nothing non-closable is cheaper than one byte
      }
    }
    return best;
  }
}
