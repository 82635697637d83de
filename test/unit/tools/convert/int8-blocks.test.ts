// The q8 format's quantiser: symmetric int8 in blocks of 32, one scale per block.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { INT8_BLOCK_SIZE, quantizeInt8Blocks } from '../../../../tools/convert/quant/int8-channel';

describe('quantizeInt8Blocks', () => {
  it('every value comes back within half a step of its block, and the largest exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(32, 64, 96, 40),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (n, k, seed) => {
          let state = seed || 1;
          const rows = Float32Array.from({ length: n * k }, () => {
            state = (state * 48271) % 2147483647;
            return ((state / 2147483647) * 2 - 1) * (state % 7 === 0 ? 50 : 1);
          });
          const w = quantizeInt8Blocks(rows, n, k);
          const size = k % INT8_BLOCK_SIZE === 0 ? INT8_BLOCK_SIZE : k;
          expect(w.blockSize).toBe(size);
          expect(w.scales).toHaveLength((n * k) / size);
          for (let i = 0; i < rows.length; i++) {
            const scale = w.scales[Math.floor(i / size)]!;
            expect(Math.abs(w.q[i]! * scale - rows[i]!)).toBeLessThanOrEqual(scale / 2 + 1e-6);
            expect(Math.abs(w.q[i]!)).toBeLessThanOrEqual(127);
          }
        },
      ),
      { seed: 11, numRuns: 200 },
    );
  });

  it('gives a GGUF Q8_0 block (d × q with a ±127 extreme) back exactly', () => {
    const d = Math.fround(0.0123);
    const q = Int8Array.from({ length: 32 }, (_, i) => (i === 5 ? -127 : ((i * 37) % 255) - 127));
    const rows = Float32Array.from(q, (v) => Math.fround(v * d));
    const w = quantizeInt8Blocks(rows, 1, 32);
    expect([...w.q]).toEqual([...q]);
    expect(w.scales[0]).toBeCloseTo(d, 7);
  });

  it('an all-zero block has scale 0 and zeros', () => {
    const w = quantizeInt8Blocks(new Float32Array(64), 1, 64);
    expect([...w.scales]).toEqual([0, 0]);
    expect(w.q.every((v) => v === 0)).toBe(true);
  });
});
