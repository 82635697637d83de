import { describe, expect, it } from 'vitest';
import { assignTypeColors } from '../../../../src/lib/type-colors';

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
});
