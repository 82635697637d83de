import { describe, expect, it } from 'vitest';
import { assignTypeColors, contrastRatio, LABEL_TEXT, TYPE_PALETTE } from '../../../../src/lib/type-colors';

const WHITE = '255 255 255';
/** The passage view's background in the dark theme (slate-900). */
const SLATE_900 = '15 23 42';

describe('type colours', () => {
  it('gives the common types distinct, well-separated colours', () => {
    const colors = assignTypeColors(['person', 'location', 'organization']);
    expect([...colors.values()].map((c) => c.name)).toEqual(['blue', 'green', 'orange']);
  });

  it('is stable across lists and distinct within one list', () => {
    const a = assignTypeColors(['drug', 'disease']);
    const b = assignTypeColors(['drug']);
    expect(a.get('drug')).toEqual(b.get('drug'));
    const many = assignTypeColors(['person', 'location', 'drug', 'disease', 'gene', 'chemical', 'date']);
    expect(new Set([...many.values()].map((c) => c.name)).size).toBe(7);
  });

  it('computes WCAG contrast ratios', () => {
    expect(contrastRatio(WHITE, '0 0 0')).toBeCloseTo(21, 5);
    expect(contrastRatio('0 0 0', WHITE)).toBeCloseTo(21, 5);
    expect(contrastRatio('119 119 119', WHITE)).toBeCloseTo(4.48, 2);
  });

  it.each(TYPE_PALETTE.map((c) => [c.name, c] as const))(
    '%s: label text ≥ 4.5:1 on its chip and the underline ≥ 3:1 on the page, in both themes',
    (_name, color) => {
      expect(contrastRatio(LABEL_TEXT.light, color.light)).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(LABEL_TEXT.dark, color.dark)).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(color.light, WHITE)).toBeGreaterThanOrEqual(3);
      expect(contrastRatio(color.dark, SLATE_900)).toBeGreaterThanOrEqual(3);
    },
  );
});
