import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PassageAutomaton } from '../../../../../workers/decoding/constraint';

const encoder = new TextEncoder();

/** Naive byte-substring test, the reference for the automaton. */
function bytesInclude(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe('PassageAutomaton', () => {
  it('accepts exactly the byte substrings of the passage', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', 'é', '😀', ' ') }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'é', ' ') }),
        (passage, probe) => {
          const a = new PassageAutomaton(passage);
          expect(a.contains(probe)).toBe(bytesInclude(encoder.encode(passage), encoder.encode(probe)));
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('knows whether a string ends at a character boundary', () => {
    const a = new PassageAutomaton('xé😀y');
    const stateOf = (bytes: number[]) => a.walk(0, Uint8Array.from(bytes));
    const e = [...encoder.encode('é')];
    const emoji = [...encoder.encode('😀')];
    expect(a.complete[stateOf([0x78])]).toBe(1); // "x"
    expect(a.complete[stateOf([0x78, e[0] as number])]).toBe(0); // "x" + half of é
    expect(a.complete[stateOf([0x78, ...e])]).toBe(1);
    expect(a.complete[stateOf(emoji.slice(0, 3))]).toBe(0);
    expect(a.complete[stateOf(emoji)]).toBe(1);
    expect(a.complete[stateOf([...emoji, 0x79])]).toBe(1);
  });

  it('lists the distinct characters with their UTF-16 units', () => {
    const a = new PassageAutomaton('aa😀\n');
    expect(a.chars.map((c) => c.codePoint)).toEqual([0x61, 0x1f600, 0x0a]);
    expect(a.chars[1]?.units).toEqual([0xd83d, 0xde00]);
  });

  it('handles the empty passage', () => {
    const a = new PassageAutomaton('');
    expect(a.stateCount).toBe(1);
    expect(a.next(0, 0x61)).toBe(-1);
    expect(a.contains('')).toBe(true);
  });
});
