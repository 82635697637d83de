/**
 * MatMulNBits weights (tools/convert/quant/matmul-nbits.ts) run through a one-node ONNX model in
 * onnxruntime-node: the operator's output must equal x @ W^T for the weight our own
 * `dequantizeMatMulNBits` reads back, so the layout (nibble order, scale order, zero-point packing,
 * padding) is the operator's. The Q4_0 repack must be lossless against the GGUF dequantisation; the
 * Q4_1 repack (float zero points) within float rounding of it.
 */
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { dequantize } from '../../../../tools/convert/gguf/dequantize';
import { GgmlType } from '../../../../tools/convert/gguf/ggml-types';
import {
  float16BitsToFloat32,
  float32ToFloat16Bits,
  numberToFloat16Bits,
} from '../../../../tools/convert/quant/fp16';
import {
  Q4_0_BLOCK_BYTES,
  dequantizeMatMulNBits,
  permuteMatMulNBitsRows,
  permuteRows,
  q4_0ToMatMulNBits,
  quantizeAsymmetricQ4,
  quantizeSymmetricQ4,
  unpermuteQkRowOrder,
  zeroPointBytesPerRow,
  type MatMulNBitsWeight,
} from '../../../../tools/convert/quant/matmul-nbits';

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;

/** A deterministic generator (mulberry32) of uniform [0, 1) numbers. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Roughly normal weights with some larger outliers, like a trained projection. */
function weights(count: number, seed: number): Float32Array {
  const rnd = random(seed);
  const w = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const g = rnd() + rnd() + rnd() - 1.5;
    w[i] = g * (rnd() < 0.02 ? 1 : 0.1);
  }
  return w;
}

function bytesOf(a: Float32Array | Uint16Array | Uint8Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Bit-for-bit equality of two float32 arrays (fast; vitest's deep equality is slow on 10^5 items). */
function expectSameValues(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  const first = a.findIndex((v, i) => v !== e[i]);
  if (first >= 0) expect.fail(`[${first}]: ${actual[first]} != ${expected[first]}`);
}

/** One MatMulNBits node: Y[M, N] = A[M, K] @ dequant(B)^T. */
function matMulNBitsModel(weight: MatMulNBitsWeight): Uint8Array {
  const floatType = weight.scaleType === 'float16' ? T.FLOAT16 : T.FLOAT;
  const tensor = (
    name: string,
    dataType: number,
    dims: number[],
    data: Float32Array | Uint16Array | Uint8Array,
  ) => ({
    name,
    dataType,
    dims,
    rawData: bytesOf(data),
  });
  const initializer: OnnxTypes.ITensorProto[] = [
    tensor('B', T.UINT8, [weight.n, weight.blocksPerRow, 16], weight.b),
    tensor('scales', floatType, [weight.n * weight.blocksPerRow], weight.scales),
  ];
  const inputs = ['A', 'B', 'scales'];
  if (weight.zeroPoints) {
    initializer.push(tensor('zero_points', T.UINT8, [weight.zeroPoints.length], weight.zeroPoints));
    inputs.push('zero_points');
  }
  const info = (name: string, dims: (number | string)[]): OnnxTypes.IValueInfoProto => ({
    name,
    type: {
      tensorType: {
        elemType: floatType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
  const int = (name: string, i: number): OnnxTypes.IAttributeProto => ({
    name,
    type: onnx.AttributeProto.AttributeType.INT,
    i,
  });
  const model: OnnxTypes.IModelProto = {
    irVersion: 8,
    producerName: 'matmul-nbits.test',
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'com.microsoft', version: 1 },
    ],
    graph: {
      name: 'matmul_nbits',
      node: [
        {
          opType: 'MatMulNBits',
          domain: 'com.microsoft',
          input: inputs,
          output: ['Y'],
          attribute: [int('K', weight.k), int('N', weight.n), int('bits', 4), int('block_size', 32)],
        },
      ],
      initializer,
      input: [info('A', ['M', weight.k])],
      output: [info('Y', ['M', weight.n])],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** Runs the node on x [M, K] (fp16 A and Y when the scales are fp16). */
async function runMatMulNBits(weight: MatMulNBitsWeight, x: Float32Array, m: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(matMulNBitsModel(weight));
  try {
    const fp16 = weight.scaleType === 'float16';
    const a = fp16
      ? new ort.Tensor('float16', float32ToFloat16Bits(x), [m, weight.k])
      : new ort.Tensor('float32', x, [m, weight.k]);
    const { Y } = await session.run({ A: a });
    const data = Y!.data;
    return fp16 ? float16BitsToFloat32(data as Uint16Array) : (data as Float32Array);
  } finally {
    await session.release();
  }
}

/** x [M, K] @ w[N, K]^T in double, with Σ|x w| per output for a tolerance. */
function reference(x: Float32Array, w: Float32Array, m: number, n: number, k: number) {
  const y = new Float64Array(m * n);
  const mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let a = 0;
      for (let e = 0; e < k; e++) {
        const p = x[i * k + e]! * w[j * k + e]!;
        s += p;
        a += Math.abs(p);
      }
      y[i * n + j] = s;
      mag[i * n + j] = a;
    }
  }
  return { y, mag };
}

/** The worst |ORT - reference| / (Σ|x w| + 1e-6) over all outputs. */
function worstRelativeError(
  actual: Float32Array,
  x: Float32Array,
  w: Float32Array,
  m: number,
  n: number,
  k: number,
) {
  const { y, mag } = reference(x, w, m, n, k);
  let worst = 0;
  for (let i = 0; i < y.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - y[i]!) / (mag[i]! + 1e-6));
  }
  return worst;
}

/** |w - dequant(q(w))| stays within half a step (plus fp16 scale rounding and clamping slack). */
function maxQuantisationError(w: Float32Array, weight: MatMulNBitsWeight, n: number, k: number): number {
  const back = dequantizeMatMulNBits(weight);
  let worst = 0;
  for (let row = 0; row < n; row++) {
    for (let e = 0; e < k; e++) {
      let blockMax = 0;
      const start = row * k + Math.floor(e / 32) * 32;
      for (let j = start; j < Math.min(row * k + k, start + 32); j++)
        blockMax = Math.max(blockMax, Math.abs(w[j]!));
      const err = Math.abs(w[row * k + e]! - back[row * k + e]!);
      worst = Math.max(worst, blockMax === 0 ? (err === 0 ? 0 : Infinity) : err / blockMax);
    }
  }
  return worst;
}

/** Random GGUF Q4_0 rows: random nibbles, fp16 scales of sane size and both signs. */
function randomQ4_0(n: number, k: number, seed: number): Uint8Array {
  const rnd = random(seed);
  const blocks = (n * k) / 32;
  const bytes = new Uint8Array(blocks * Q4_0_BLOCK_BYTES);
  for (let b = 0; b < blocks; b++) {
    const p = b * Q4_0_BLOCK_BYTES;
    const d = numberToFloat16Bits((rnd() < 0.5 ? -1 : 1) * 2 ** (-10 + 8 * rnd()));
    bytes[p] = d & 0xff;
    bytes[p + 1] = d >>> 8;
    for (let j = 2; j < Q4_0_BLOCK_BYTES; j++) bytes[j + p] = Math.floor(rnd() * 256);
  }
  return bytes;
}

const M = 3;
const SHAPES = [
  { n: 192, k: 576, note: 'SmolLM2 shapes' },
  { n: 24, k: 80, note: 'K not a multiple of 32, an odd number of blocks' },
];

describe('MatMulNBits in onnxruntime-node equals x @ W^T of the packed weight', () => {
  for (const { n, k, note } of SHAPES) {
    const w = weights(n * k, n + k);
    const x = weights(M * k, 7 * k);

    it(`asymmetric with zero points, fp32 scales (N=${n} K=${k}, ${note})`, async () => {
      const q = quantizeAsymmetricQ4(w, n, k, 'float32');
      expect(q.zeroPoints!.length).toBe(n * zeroPointBytesPerRow(Math.ceil(k / 32)));
      expect(maxQuantisationError(w, q, n, k)).toBeLessThanOrEqual(1 / 15 + 1e-6);
      const y = await runMatMulNBits(q, x, M);
      expect(worstRelativeError(y, x, dequantizeMatMulNBits(q), M, n, k)).toBeLessThan(1e-5);
    });

    it(`symmetric without zero points, fp32 scales (N=${n} K=${k}, ${note})`, async () => {
      const q = quantizeSymmetricQ4(w, n, k, 'float32');
      expect(q.zeroPoints).toBeUndefined();
      expect(maxQuantisationError(w, q, n, k)).toBeLessThanOrEqual(1 / 14 + 1e-6);
      const y = await runMatMulNBits(q, x, M);
      expect(worstRelativeError(y, x, dequantizeMatMulNBits(q), M, n, k)).toBeLessThan(1e-5);
      // Explicit zero points of 8 are the same weight.
      const explicit = {
        ...q,
        zeroPoints: new Uint8Array(n * zeroPointBytesPerRow(q.blocksPerRow)).fill(0x88),
      };
      expectSameValues(await runMatMulNBits(explicit, x, M), y);
    });
  }

  it('Q4_0 repacked losslessly (N=192 K=576): same weight as the GGUF dequantisation, same product', async () => {
    const n = 192;
    const k = 576;
    const gguf = randomQ4_0(n, k, 42);
    const exact = dequantize(GgmlType.Q4_0, gguf, n * k);
    const q = q4_0ToMatMulNBits(gguf, n, k, 'float32');
    expect(q.zeroPoints).toBeUndefined();
    expectSameValues(dequantizeMatMulNBits(q), exact);
    const q16 = q4_0ToMatMulNBits(gguf, n, k, 'float16');
    expectSameValues(dequantizeMatMulNBits(q16), exact);
    expect(Buffer.compare(q16.b, q.b)).toBe(0);
    const x = weights(M * k, 3);
    const y = await runMatMulNBits(q, x, M);
    expect(worstRelativeError(y, x, exact, M, n, k)).toBeLessThan(1e-5);
  });

  it('fp16 scales (q4f16): asymmetric and Q4_0 run with fp16 A', async () => {
    const n = 192;
    const k = 576;
    const w = weights(n * k, 11);
    const x = float16BitsToFloat32(float32ToFloat16Bits(weights(M * k, 12)));
    const q = quantizeAsymmetricQ4(w, n, k, 'float16');
    expect(q.scales).toBeInstanceOf(Uint16Array);
    expect(maxQuantisationError(w, q, n, k)).toBeLessThanOrEqual(1 / 15 + 2e-3);
    const y = await runMatMulNBits(q, x, M);
    expect(worstRelativeError(y, x, dequantizeMatMulNBits(q), M, n, k)).toBeLessThan(2e-3);
    const gguf = randomQ4_0(n, k, 43);
    const q0 = q4_0ToMatMulNBits(gguf, n, k, 'float16');
    const y0 = await runMatMulNBits(q0, x, M);
    expect(worstRelativeError(y0, x, dequantize(GgmlType.Q4_0, gguf, n * k), M, n, k)).toBeLessThan(2e-3);
  });
});

describe('quantisers', () => {
  it('constant and all-zero blocks give no NaN', () => {
    const w = new Float32Array(2 * 64);
    w.fill(0.25, 64, 96); // row 1, block 0: constant
    w.fill(-3, 96, 128); // row 1, block 1: negative constant
    for (const quantize of [quantizeAsymmetricQ4, quantizeSymmetricQ4]) {
      for (const scaleType of ['float32', 'float16'] as const) {
        const back = dequantizeMatMulNBits(quantize(w, 2, 64, scaleType));
        expect(back.every(Number.isFinite)).toBe(true);
        expect([...back.subarray(0, 64)]).toEqual(new Array(64).fill(0));
        expect(back[70]).toBeCloseTo(0.25, 2);
        expect(back[100]).toBeCloseTo(-3, 2);
      }
    }
  });
});

describe('Q/K head permutation', () => {
  /** convert_hf_to_gguf.py: w.reshape(heads, 2, rows/heads/2, cols).swapaxes(1, 2).reshape(w.shape). */
  function llamaCppPermute(w: Float32Array, rows: number, cols: number, heads: number): Float32Array {
    const half = rows / heads / 2;
    const out = new Float32Array(w.length);
    // Output index (h, i, s, c) in the (heads, half, 2, cols) array reads input (h, s, i, c).
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < half; i++)
        for (let s = 0; s < 2; s++)
          for (let c = 0; c < cols; c++) {
            const to = ((h * half + i) * 2 + s) * cols + c;
            const from = ((h * 2 + s) * half + i) * cols + c;
            out[to] = w[from]!;
          }
    return out;
  }

  it.each([
    [576, 9],
    [192, 3],
    [64, 1],
  ])(
    'undoes the forward permutation (%i rows, %i heads) for fp32, Q4_0 and MatMulNBits rows',
    (rows, heads) => {
      const cols = 64;
      const hf = weights(rows * cols, rows);
      const ggufRows = llamaCppPermute(hf, rows, cols, heads);
      const order = unpermuteQkRowOrder(rows, heads);
      expectSameValues(permuteRows(ggufRows, order, cols), hf);
      expect([...order].sort((a, b) => a - b)).toEqual([...Array(rows).keys()]);

      // Q4_0 block rows move as whole rows: dequantising after the reorder = reordering the values.
      const q4 = randomQ4_0(rows, cols, heads);
      const rowBytes = (cols / 32) * Q4_0_BLOCK_BYTES;
      const reordered = dequantize(GgmlType.Q4_0, permuteRows(q4, order, rowBytes), rows * cols);
      expectSameValues(reordered, permuteRows(dequantize(GgmlType.Q4_0, q4, rows * cols), order, cols));

      // And a MatMulNBits weight with zero points.
      const packed = quantizeAsymmetricQ4(ggufRows, rows, cols);
      expectSameValues(
        dequantizeMatMulNBits(permuteMatMulNBitsRows(packed, order)),
        permuteRows(dequantizeMatMulNBits(packed), order, cols),
      );
    },
  );

  it('refuses rows that do not split into heads of two halves', () => {
    expect(() => unpermuteQkRowOrder(10, 3)).toThrow(/heads/);
  });
});
