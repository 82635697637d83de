/**
 * A suffix automaton over the UTF-8 bytes of a passage: "is this byte string a substring of the
 * passage?" in O(1) per byte, which is what constrained decoding asks at every step.
 *
 * Built once per passage (O(n) states and transitions) and shared by every batch row and every entity
 * type asked about that passage. Immutable after construction.
 */

const encoder = new TextEncoder();

/** `true` for UTF-8 continuation bytes (`10xxxxxx`). */
export function isContinuationByte(b: number): boolean {
  return (b & 0xc0) === 0x80;
}

/** One distinct character of the passage, pre-encoded for `\uXXXX` escape handling. */
export interface PassageChar {
  /** The Unicode code point. */
  readonly codePoint: number;
  /** Its UTF-8 bytes (what the automaton advances by). */
  readonly utf8: Uint8Array;
  /** Its UTF-16 code units: one for the BMP, a surrogate pair above it (what `\u` escapes spell). */
  readonly units: readonly number[];
}

/** Suffix automaton over a passage's UTF-8 bytes. State 0 is the root (the empty string). */
export class PassageAutomaton {
  /** The passage as UTF-8. */
  readonly bytes: Uint8Array;
  /** Number of automaton states. */
  readonly stateCount: number;
  /**
   * Per state, 1 when the strings of that state that start at a character boundary also end at one.
   * Well defined because all strings of a state share their end positions, and a string that starts
   * at a boundary ends at one exactly when the passage byte after its end is not a continuation byte.
   */
  readonly complete: Uint8Array;
  /** Every distinct character of the passage (for `\uXXXX` escapes). */
  readonly chars: readonly PassageChar[];
  /**
   * Per state, the byte index where its strings first end in the passage (all strings of a state end
   * at the same positions), so a (state, length) pair names one substring: see {@link substring}.
   */
  private readonly firstEnd: Int32Array;

  // Transitions in CSR form, sorted by byte per state: compact and cache friendly for long passages.
  /** Index of the first transition of each state; `transStart[stateCount]` is the total. */
  readonly transStart: Int32Array;
  /** Byte label of each transition. */
  readonly transByte: Uint8Array;
  /** Target state of each transition. */
  readonly transTarget: Int32Array;

  constructor(passage: string) {
    this.bytes = encoder.encode(passage);
    const n = this.bytes.length;
    const maxStates = Math.max(2, 2 * n);
    const len = new Int32Array(maxStates);
    const link = new Int32Array(maxStates);
    const firstEnd = new Int32Array(maxStates);
    const next: Map<number, number>[] = [new Map()];
    link[0] = -1;
    let size = 1;
    let last = 0;
    for (let i = 0; i < n; i++) {
      const c = this.bytes[i] as number;
      const cur = size++;
      len[cur] = (len[last] as number) + 1;
      firstEnd[cur] = i;
      next.push(new Map());
      let p = last;
      while (p !== -1 && !(next[p] as Map<number, number>).has(c)) {
        (next[p] as Map<number, number>).set(c, cur);
        p = link[p] as number;
      }
      if (p === -1) {
        link[cur] = 0;
      } else {
        const q = (next[p] as Map<number, number>).get(c) as number;
        if ((len[p] as number) + 1 === len[q]) {
          link[cur] = q;
        } else {
          const clone = size++;
          len[clone] = (len[p] as number) + 1;
          firstEnd[clone] = firstEnd[q] as number;
          next.push(new Map(next[q] as Map<number, number>));
          link[clone] = link[q] as number;
          while (p !== -1 && (next[p] as Map<number, number>).get(c) === q) {
            (next[p] as Map<number, number>).set(c, clone);
            p = link[p] as number;
          }
          link[q] = clone;
          link[cur] = clone;
        }
      }
      last = cur;
    }
    this.stateCount = size;
    this.firstEnd = firstEnd.slice(0, size);

    let total = 0;
    for (let s = 0; s < size; s++) total += (next[s] as Map<number, number>).size;
    this.transStart = new Int32Array(size + 1);
    this.transByte = new Uint8Array(total);
    this.transTarget = new Int32Array(total);
    let k = 0;
    for (let s = 0; s < size; s++) {
      this.transStart[s] = k;
      const entries = [...(next[s] as Map<number, number>)].sort((a, b) => a[0] - b[0]);
      for (const [b, t] of entries) {
        this.transByte[k] = b;
        this.transTarget[k] = t;
        k++;
      }
    }
    this.transStart[size] = k;

    this.complete = new Uint8Array(size);
    for (let s = 1; s < size; s++) {
      const after = (firstEnd[s] as number) + 1;
      this.complete[s] = after >= n || !isContinuationByte(this.bytes[after] as number) ? 1 : 0;
    }

    const seen = new Map<number, PassageChar>();
    for (const ch of passage) {
      const cp = ch.codePointAt(0) as number;
      if (seen.has(cp) || (cp >= 0xd800 && cp <= 0xdfff)) continue; // lone surrogates have no UTF-8
      const units = cp > 0xffff ? [ch.charCodeAt(0), ch.charCodeAt(1)] : [cp];
      seen.set(cp, { codePoint: cp, utf8: encoder.encode(ch), units });
    }
    this.chars = [...seen.values()];
  }

  /** The state reached from `state` by `byte`, or -1 when the extended string is not in the passage. */
  next(state: number, byte: number): number {
    let lo = this.transStart[state] as number;
    let hi = (this.transStart[state + 1] as number) - 1;
    const bytes = this.transByte;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const b = bytes[mid] as number;
      if (b === byte) return this.transTarget[mid] as number;
      if (b < byte) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The state reached from `state` by all of `bytes`, or -1. */
  walk(state: number, bytes: Uint8Array): number {
    let s = state;
    for (let i = 0; i < bytes.length && s >= 0; i++) s = this.next(s, bytes[i] as number);
    return s;
  }

  /** The passage bytes of the string of `length` bytes in `state` (the root with length 0: empty). */
  substring(state: number, length: number): Uint8Array {
    if (length === 0) return this.bytes.subarray(0, 0);
    const end = (this.firstEnd[state] as number) + 1;
    return this.bytes.subarray(end - length, end);
  }

  /** `true` when `text` occurs in the passage (test helper; O(|text|)). */
  contains(text: string): boolean {
    return this.walk(0, encoder.encode(text)) >= 0;
  }
}
