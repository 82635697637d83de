import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onWordBoundaries, rangeForSelection, snapToWords } from '../../../../../src/lib/review/word-snap';

const TEXT = 'Alice Smith met Bob in São Paulo, Brazil.';
const slice = (r: { start: number; end: number } | null) => (r ? TEXT.slice(r.start, r.end) : null);

describe('word snapping', () => {
  it('widens a ragged selection to whole words and trims spaces and punctuation', () => {
    expect(slice(snapToWords(TEXT, { start: 2, end: 9 }))).toBe('Alice Smith');
    expect(slice(snapToWords(TEXT, { start: 24, end: 34 }))).toBe('São Paulo');
    expect(snapToWords(TEXT, { start: 32, end: 34 })).toBeNull();
  });

  it('keeps a selection on word edges, and a deliberate one, as selected (spaces trimmed)', () => {
    expect(onWordBoundaries(TEXT, { start: 16, end: 19 })).toBe(true);
    expect(slice(rangeForSelection(TEXT, { start: 15, end: 20 }, false))).toBe('Bob');
    expect(slice(rangeForSelection(TEXT, { start: 2, end: 9 }, true))).toBe('ice Smi');
    expect(slice(rangeForSelection(TEXT, { start: 2, end: 9 }, false))).toBe('Alice Smith');
    // Backwards selections (focus before anchor) work the same.
    expect(slice(rangeForSelection(TEXT, { start: 9, end: 2 }, false))).toBe('Alice Smith');
    expect(rangeForSelection(TEXT, { start: 5, end: 6 }, false)).toBeNull();
  });

  it('always lands on word edges and contains the selected word characters', () => {
    fc.assert(
      fc.property(fc.nat(TEXT.length), fc.nat(TEXT.length), (a, b) => {
        const range = rangeForSelection(TEXT, { start: a, end: b }, false);
        if (!range) return;
        expect(onWordBoundaries(TEXT, range)).toBe(true);
        expect(range.start).toBeLessThan(range.end);
      }),
    );
  });
});
