import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../workers/bytes';

describe('formatBytes: one decimal unit system for page and engine', () => {
  it('prints decimal units as downloads and the Hub do', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(12_345)).toBe('12 kB');
    expect(formatBytes(521_000_000)).toBe('521 MB');
    expect(formatBytes(1_400_000_000)).toBe('1.4 GB');
    // The page used 1024-based units under decimal names: 1 MiB read "1 MB" there, "1 MB" here too,
    // but 1,000,000 bytes read "977 kB" there.
    expect(formatBytes(1_000_000)).toBe('1 MB');
  });
});
