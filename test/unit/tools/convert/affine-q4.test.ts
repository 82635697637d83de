/**
 * GGUF Q4_1 and Q4_K as MatMulNBits (zero point 8) plus per-block offsets
 * (tools/convert/quant/affine-q4.ts, wired in tools/convert/graph/llama-graph.ts `q4Linear`):
 *
 * - the weight they stand for equals the GGUF dequantisation (tools/convert/gguf/dequantize.ts) bit
 *   for bit on blocks shaped like real ones (exact offsets), and within one float32 rounding of the
 *   offset on blocks with extreme scale ratios;
 * - the emitted nodes (MatMulNBits + blockSums(x) @ C) run in onnxruntime-node and give
 *   x @ dequant(W)^T to float32 rounding with fp32 scales, to fp16 rounding for q4f16;
 * - the GGUF source offers them with the Q/K row un-permutation applied to raw rows, and a whole
 *   one-layer graph of Q4_1 and Q4_K weights in q4 gives the fp32 graph's logits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { dequantize } from '../../../../tools/convert/gguf/dequantize';
import { GgmlType } from '../../../../tools/convert/gguf/ggml-types';
import { gv, writeGguf, type GgufTensorSpec } from '../../../../tools/convert/gguf/write';
import type { LlamaDims } from '../../../../tools/convert/graph/llama-dims';
import { buildLlamaOnnx, q4Linear } from '../../../../tools/convert/graph/llama-graph';
import { DataType, GraphBuilder } from '../../../../tools/convert/graph/onnx-builder';
import {
  Q4_1_AFFINE_BLOCK_BYTES,
  Q4_K_BLOCK_BYTES,
  dequantizeAffine,
  q4_1ToAffine,
  q4_KToAffine,
  type AffineQ4Weight,
} from '../../../../tools/convert/quant/affine-q4';
import {
  float16BitsToFloat32,
  float32ToFloat16Bits,
  numberToFloat16Bits,
} from '../../../../tools/convert/quant/fp16';
import { openGgufSource } from '../../../../tools/convert/sources/gguf-source';
import { mulberry32, type Rng } from '../../../../tools/fixtures/rng';
import { spmGgufMetadata } from '../../../fixtures/spm-gguf';
import { VOCAB_SIZE } from '../../../../tools/fixtures/tokenizer-json';

const { onnx } = onnxProto;

function putF16(bytes: Uint8Array, p: number, value: number): void {
  const h = numberToFloat16Bits(value);
  bytes[p] = h & 0xff;
  bytes[p + 1] = h >>> 8;
}

const logUniform = (rnd: Rng, lo: number, hi: number) => 2 ** (lo + (hi - lo) * rnd());

/**
 * Random Q4_1 rows. 'real': d = range / 15 and m = the block minimum, as llama.cpp quantises
 * (|m| / d stays well under 2^13, so m + 8d is exact in float32); 'wide': d and m with unrelated
 * exponents over 2^-14..2^2, some d = 0.
 */
function randomQ4_1(n: number, k: number, seed: number, kind: 'real' | 'wide', fanIn = k): Uint8Array {
  const rnd = mulberry32(seed);
  const blocks = (n * k) / 32;
  const bytes = new Uint8Array(blocks * Q4_1_AFFINE_BLOCK_BYTES);
  for (let b = 0, p = 0; b < blocks; b++, p += Q4_1_AFFINE_BLOCK_BYTES) {
    for (let j = 4; j < Q4_1_AFFINE_BLOCK_BYTES; j++) bytes[p + j] = Math.floor(rnd() * 256);
    if (kind === 'real') {
      const range = (3 / Math.sqrt(fanIn)) * (0.3 + rnd());
      const min = -range * (0.2 + 0.6 * rnd());
      putF16(bytes, p, range / 15);
      putF16(bytes, p + 2, min);
    } else {
      putF16(bytes, p, rnd() < 0.05 ? 0 : logUniform(rnd, -14, 2));
      putF16(bytes, p + 2, (rnd() < 0.5 ? -1 : 1) * logUniform(rnd, -14, 2));
    }
  }
  return bytes;
}

/**
 * Random Q4_K rows: random 6-bit scales/mins and nibbles. 'real': d and dmin within a factor of 2 of
 * each other, as llama.cpp's make_qkx2 gives; 'wide': unrelated exponents over 2^-16..2^-2.
 */
function randomQ4_K(n: number, k: number, seed: number, kind: 'real' | 'wide', fanIn = k): Uint8Array {
  const rnd = mulberry32(seed);
  const blocks = (n * k) / 256;
  const bytes = new Uint8Array(blocks * Q4_K_BLOCK_BYTES);
  for (let b = 0, p = 0; b < blocks; b++, p += Q4_K_BLOCK_BYTES) {
    for (let j = 4; j < Q4_K_BLOCK_BYTES; j++) bytes[p + j] = Math.floor(rnd() * 256);
    if (kind === 'real') {
      // Values reach about 15 * 63 * d: keep them near 3 / sqrt(fan-in).
      const d = (3 / Math.sqrt(fanIn) / (15 * 40)) * (0.5 + rnd());
      putF16(bytes, p, d);
      putF16(bytes, p + 2, d * (0.1 + 0.9 * rnd()));
    } else {
      putF16(bytes, p, logUniform(rnd, -16, -2));
      putF16(bytes, p + 2, logUniform(rnd, -16, -2));
    }
  }
  return bytes;
}

const TYPES = {
  Q4_1: { ggml: GgmlType.Q4_1, random: randomQ4_1, convert: q4_1ToAffine },
  Q4_K: { ggml: GgmlType.Q4_K, random: randomQ4_K, convert: q4_KToAffine },
} as const;

/** Compares bit patterns; returns the count of differing values and the worst |diff| / tolerance. */
function compare(actual: Float32Array, expected: Float32Array, tolerance: (i: number) => number) {
  expect(actual.length).toBe(expected.length);
  let differing = 0;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    if (Object.is(actual[i], expected[i]) || actual[i] === expected[i]) continue;
    differing++;
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / tolerance(i));
  }
  return { differing, worst };
}

/** The offset C of the block holding element i of an [N, K] weight, as a number. */
function offsetAt(a: AffineQ4Weight, i: number): number {
  const { n, k } = a.weight;
  const c = a.offsets[Math.floor((i % k) / 32) * n + Math.floor(i / k)]!;
  return a.weight.scaleType === 'float16' ? float16BitsToFloat32(Uint16Array.of(c))[0]! : c;
}

describe('dequantizeAffine equals the GGUF dequantisation', () => {
  const n = 48;
  const k = 768;
  for (const [type, t] of Object.entries(TYPES)) {
    it(`${type}, blocks shaped like llama.cpp's: bit-exact`, () => {
      const bytes = t.random(n, k, 11, 'real');
      const affine = t.convert(bytes, n, k, 'float32');
      expect(affine.weight.zeroPoints).toBeUndefined();
      expect(affine.offsets).toHaveLength((k / 32) * n);
      const { differing } = compare(dequantizeAffine(affine), dequantize(t.ggml, bytes, n * k), () => 1);
      expect(differing).toBe(0);
    });

    it(`${type}, extreme scale ratios: within float32 rounding of the offset`, () => {
      const bytes = t.random(n, k, 12, 'wide');
      const affine = t.convert(bytes, n, k, 'float32');
      const expected = dequantize(t.ggml, bytes, n * k);
      const { differing, worst } = compare(
        dequantizeAffine(affine),
        expected,
        (i) => 2 ** -22 * Math.max(Math.abs(offsetAt(affine, i)), Math.abs(expected[i]!)),
      );
      console.log(`[affine-q4] ${type} wide: ${differing} of ${n * k} values not bit-exact`);
      expect(worst).toBeLessThanOrEqual(1);
    });

    it(`${type}, fp16 scales and offsets (q4f16): within fp16 rounding`, () => {
      const bytes = t.random(n, k, 13, 'real');
      const affine = t.convert(bytes, n, k, 'float16');
      expect(affine.weight.scales).toBeInstanceOf(Uint16Array);
      expect(affine.offsets).toBeInstanceOf(Uint16Array);
      const expected = dequantize(t.ggml, bytes, n * k);
      let maxAbs = 0;
      for (const v of expected) maxAbs = Math.max(maxAbs, Math.abs(v));
      // Offset rounding (2^-12 |C|) plus, for Q4_K, scale rounding times |q - 8| <= 8.
      const { worst } = compare(dequantizeAffine(affine), expected, () => 2 ** -11 * maxAbs);
      expect(worst).toBeLessThanOrEqual(1);
    });
  }

  it('refuses rows that are not whole blocks, and short data', () => {
    expect(() => q4_KToAffine(new Uint8Array(144), 1, 128)).toThrow(/K % 256/);
    expect(() => q4_1ToAffine(new Uint8Array(19), 1, 32)).toThrow(/needs 20 bytes/);
  });
});

/** x [1, M, K] @ W^T through `q4Linear` alone (MatMulNBits + block-sum correction). */
async function runQ4Linear(
  affine: AffineQ4Weight,
  x: Float32Array,
  m: number,
  format: 'q4' | 'q4f16',
): Promise<Float32Array> {
  const { n, k } = affine.weight;
  const g = new GraphBuilder();
  g.input('x', DataType.FLOAT, [1, 'M', k]);
  g.output('y', DataType.FLOAT, [1, 'M', n]);
  q4Linear(g, 'x', 'w', affine.weight, format, affine.offsets, 'y');
  const session = await ort.InferenceSession.create(g.encode('affine_q4'));
  try {
    const { y } = await session.run({ x: new ort.Tensor('float32', x, [1, m, k]) });
    return y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** The worst |actual - x @ w^T| over Σ|x w| (double reference), and over max |y|. */
function errors(actual: Float32Array, x: Float32Array, w: Float32Array, m: number, n: number, k: number) {
  let worstMag = 0;
  let worstAbs = 0;
  let maxY = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let a = 0;
      for (let e = 0; e < k; e++) {
        const p = x[i * k + e]! * w[j * k + e]!;
        s += p;
        a += Math.abs(p);
      }
      const diff = Math.abs(actual[i * n + j]! - s);
      worstMag = Math.max(worstMag, diff / (a + 1e-12));
      worstAbs = Math.max(worstAbs, diff);
      maxY = Math.max(maxY, Math.abs(s));
    }
  }
  return { ofMagnitude: worstMag, ofMaxY: worstAbs / maxY };
}

describe('MatMulNBits + blockSums(x) @ C in onnxruntime-node equals x @ dequant(W)^T', () => {
  const m = 3;
  const n = 192;
  const k = 768;
  const rnd = mulberry32(5);
  // Activations with a mean (as after RMSNorm and SiLU), so the block sums matter.
  const x = Float32Array.from({ length: m * k }, () => rnd() * 2 - 0.7);
  for (const [type, t] of Object.entries(TYPES)) {
    for (const [format, scaleType, tolerance] of [
      ['q4', 'float32', 1e-5],
      ['q4f16', 'float16', 2e-3],
    ] as const) {
      it(`${type}, ${format} (${scaleType} scales)`, async () => {
        const bytes = t.random(n, k, 21, 'real');
        const w = dequantize(t.ggml, bytes, n * k);
        const xs = format === 'q4f16' ? float16BitsToFloat32(float32ToFloat16Bits(x)) : x;
        const y = await runQ4Linear(t.convert(bytes, n, k, scaleType), x, m, format);
        const e = errors(y, xs, w, m, n, k);
        console.log(
          `[affine-q4] ${type} ${format}: worst error ${e.ofMagnitude.toExponential(2)} of Σ|x w|, ` +
            `${e.ofMaxY.toExponential(2)} of max |y|`,
        );
        expect(e.ofMagnitude).toBeLessThan(tolerance);
        expect(e.ofMaxY).toBeLessThan(tolerance);
      });
    }
  }

  it('computes the block sums once per input', () => {
    const bytes = randomQ4_1(32, 64, 3, 'real');
    const g = new GraphBuilder();
    g.input('x', DataType.FLOAT, [1, 'M', 64]);
    for (const name of ['a', 'b']) {
      const a = q4_1ToAffine(bytes, 32, 64, 'float16');
      g.output(q4Linear(g, 'x', name, a.weight, 'q4f16', a.offsets), DataType.FLOAT, [1, 'M', 32]);
    }
    const model = onnx.ModelProto.decode(g.encode('shared'));
    const count = (op: string) => model.graph!.node!.filter((node) => node.opType === op).length;
    expect(count('ReduceSum')).toBe(1);
    expect(count('MatMulNBits')).toBe(2);
    expect(count('MatMul')).toBe(2);
  });
});

describe('the GGUF source offers Q4_1 and Q4_K weights as MatMulNBits + offsets', () => {
  const work = mkdtempSync(join(tmpdir(), 'affine-q4-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const dims: LlamaDims = {
    hiddenSize: 256,
    numHeads: 4,
    numKvHeads: 2,
    headDim: 64,
    numLayers: 1,
    intermediateSize: 512,
    vocabSize: VOCAB_SIZE,
    maxPositions: 64,
    rmsNormEps: 1e-6,
    ropeTheta: 10000,
  };
  // ggml shapes [k, n]; Q and K (permuted for RoPE in GGUF) get one type each.
  const kv = dims.numKvHeads * dims.headDim;
  const h = dims.hiddenSize;
  const f = dims.intermediateSize;
  const specs: GgufTensorSpec[] = [
    { name: 'token_embd.weight', shape: [h, VOCAB_SIZE], type: GgmlType.Q4_1 },
    { name: 'blk.0.attn_norm.weight', shape: [h], type: GgmlType.F32 },
    { name: 'blk.0.attn_q.weight', shape: [h, h], type: GgmlType.Q4_1 },
    { name: 'blk.0.attn_k.weight', shape: [h, kv], type: GgmlType.Q4_K },
    { name: 'blk.0.attn_v.weight', shape: [h, kv], type: GgmlType.Q4_1 },
    { name: 'blk.0.attn_output.weight', shape: [h, h], type: GgmlType.Q4_K },
    { name: 'blk.0.ffn_norm.weight', shape: [h], type: GgmlType.F32 },
    { name: 'blk.0.ffn_gate.weight', shape: [h, f], type: GgmlType.Q4_K },
    { name: 'blk.0.ffn_up.weight', shape: [h, f], type: GgmlType.Q4_1 },
    { name: 'blk.0.ffn_down.weight', shape: [f, h], type: GgmlType.Q4_K },
    { name: 'output_norm.weight', shape: [h], type: GgmlType.F32 },
  ];
  const path = join(work, 'affine.gguf');
  const written = (async () => {
    let seed = 100;
    await writeGguf(path, {
      metadata: spmGgufMetadata({
        'general.name': gv.str('affine-q4-test'),
        'llama.context_length': gv.u32(dims.maxPositions),
        'llama.embedding_length': gv.u32(h),
        'llama.block_count': gv.u32(1),
        'llama.feed_forward_length': gv.u32(f),
        'llama.attention.head_count': gv.u32(dims.numHeads),
        'llama.attention.head_count_kv': gv.u32(dims.numKvHeads),
        'llama.attention.layer_norm_rms_epsilon': gv.f32(dims.rmsNormEps),
        'llama.rope.dimension_count': gv.u32(dims.headDim),
        'llama.rope.freq_base': gv.f32(dims.ropeTheta),
      }),
      tensors: specs,
      tensorData: (spec) => {
        const [k = 0, n = 1] = spec.shape;
        if (spec.type === GgmlType.F32) return new Uint8Array(new Float32Array(k).fill(1).buffer);
        const random = spec.type === GgmlType.Q4_1 ? randomQ4_1 : randomQ4_K;
        return random(n, k, seed++, 'real', spec.name === 'token_embd.weight' ? 16 : k);
      },
    });
    return openGgufSource(path);
  })();

  it('every linear layer: bit-exact against the (un-permuted) dequantised rows', async () => {
    const source = await written;
    try {
      for (const name of ['q', 'k', 'v', 'o', 'gate', 'up', 'down'].map((p) => `layers.0.${p}_proj`)) {
        const linear = source.weights.linear(name);
        expect(linear.q4Affine, name).toBeDefined();
        expect(linear.q4_0).toBeUndefined();
        const affine = linear.q4Affine!('float32');
        expect([affine.weight.n, affine.weight.k]).toEqual([linear.n, linear.k]);
        const { differing } = compare(dequantizeAffine(affine), linear.rows(), () => 1);
        expect(differing, name).toBe(0);
      }
    } finally {
      await source.close();
    }
  });

  it('a one-layer graph: q4 logits equal the fp32 logits to float error, q4f16 to fp16 error', async () => {
    const source = await written;
    const logits: Record<string, Float32Array> = {};
    try {
      const ids = [1, 450, 4996, 17354, 1701, 432];
      const s = ids.length;
      for (const format of ['fp32', 'q4', 'q4f16'] as const) {
        const bytes = buildLlamaOnnx(source.dims, source.weights, {
          format,
          tiedEmbeddings: source.tiedEmbeddings,
          q4Scheme: 'symmetric',
          // Float activations and the table head: this checks that the 4-bit layers are exact, not
          // int8 activation rounding or an 8-bit head (whose kernel rounds differently per row count).
          accuracyLevel: 0,
          tiedHead: 'table',
        });
        const session = await ort.InferenceSession.create(bytes);
        try {
          const int64 = (values: number[]) =>
            new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, s]);
          const empty = new ort.Tensor('float32', new Float32Array(0), [1, dims.numKvHeads, 0, dims.headDim]);
          const run = (keep: bigint) =>
            session.run({
              input_ids: int64(ids),
              attention_mask: int64(ids.map(() => 1)),
              position_ids: int64(ids.map((_, i) => i)),
              'past_key_values.0.key': empty,
              'past_key_values.0.value': empty,
              num_logits_to_keep: new ort.Tensor('int64', BigInt64Array.of(keep), []),
            });
          const out = await run(0n);
          logits[format] = out.logits!.data as Float32Array;
          // num_logits_to_keep = 1: only the last position's row, the same numbers.
          const last = await run(1n);
          expect(last.logits!.dims).toEqual([1, 1, out.logits!.dims[2]]);
          expect([...(last.logits!.data as Float32Array)]).toEqual([
            ...logits[format].slice(logits[format].length - Number(out.logits!.dims[2])),
          ]);
        } finally {
          await session.release();
        }
      }
    } finally {
      await source.close();
    }
    const fp32 = logits.fp32!;
    let scale = 0;
    for (const v of fp32) scale = Math.max(scale, Math.abs(v));
    const worst = (other: Float32Array) => {
      let d = 0;
      for (let i = 0; i < fp32.length; i++) d = Math.max(d, Math.abs(other[i]! - fp32[i]!));
      return d;
    };
    const q4 = worst(logits.q4!);
    const q4f16 = worst(logits.q4f16!);
    console.log(
      `[affine-q4] one-layer Q4_1/Q4_K graph, max |logit| ${scale.toFixed(3)}: ` +
        `q4 vs fp32 ${q4.toExponential(2)}, q4f16 vs fp32 ${q4f16.toExponential(2)}`,
    );
    expect(q4).toBeLessThan(1e-4 * scale);
    expect(q4f16).toBeLessThan(2e-2 * scale);
  });
});
