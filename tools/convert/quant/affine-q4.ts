/**
 * GGUF's affine 4-bit types as MatMulNBits without zero points plus a per-block offset.
 *
 * Q4_1 (value = d * q + m per block of 32) and Q4_K (per sub-block of 32: value = (d * sc) * q -
 * dmin * mn) are both "affine per block of 32": value = s_b * q + c_b with q in 0..15. Rewritten as
 *   value = s_b * (q - 8) + (c_b + 8 * s_b)
 * the first term is exactly MatMulNBits with the implied zero point 8 (no zero_points input, which
 * every onnxruntime backend runs, WebGPU/JS included: those take only uint8 zero points), and the
 * second is constant over the block. So
 *   y = x @ W^T = MatMulNBits(x, nibbles, s) + blockSums(x) @ C
 * with blockSums(x)[.., j] = sum of x over block j and C[j][n] = c_b + 8 * s_b for block j of row n
 * ([K / 32, N], row-major: the right operand of a plain MatMul). One extra float per 32 weights.
 *
 * Precision. 'float32': Q4_1's d and Q4_K's d * sc (11 + 6 significant bits) are exact scales; the
 * offsets c + 8s are exact unless the two terms are far apart in magnitude (Q4_1: |m| / |8d| above
 * about 2^13; Q4_K: above about 2^7), where they round once to float32. 'float16' (q4f16): Q4_1's
 * scales stay exact, Q4_K's d * sc rounds to fp16 (relative 2^-11), and every offset rounds to fp16
 * (half an fp16 ulp of the block's mid-range value).
 */
import { float16Table, numberToFloat16Bits } from './fp16';
import {
  MATMUL_NBITS_BLOCK_SIZE,
  repackGgufNibbles,
  type MatMulNBitsWeight,
  type ScaleType,
} from './matmul-nbits';

const HALF = MATMUL_NBITS_BLOCK_SIZE / 2;

/** Bytes of one GGUF Q4_1 block (32 values): fp16 d, fp16 m, 16 bytes of nibbles. */
export const Q4_1_AFFINE_BLOCK_BYTES = 20;
/** Bytes of one GGUF Q4_K super-block (256 values): fp16 d, fp16 dmin, 12 bytes of 6-bit scales/mins, 128 bytes of nibbles. */
export const Q4_K_BLOCK_BYTES = 144;
/** Values per Q4_K super-block. */
export const Q4_K_BLOCK_VALUES = 256;

/** A MatMulNBits weight (implied zero point 8) and the offsets that complete it. */
export interface AffineQ4Weight {
  /** Nibbles and scales s_b; never has zero points. */
  weight: MatMulNBitsWeight;
  /**
   * C[j][n] = c_b + 8 * s_b, [K / 32][N] row-major (block j of output row n), of the weight's scale
   * type: Float32Array for 'float32', fp16 bit patterns (Uint16Array) for 'float16'.
   */
  offsets: Float32Array | Uint16Array;
}

interface Store {
  values: Float32Array | Uint16Array;
  /** Stores a value at i; returns what the stored value means. */
  put(i: number, v: number): number;
}

function store(count: number, scaleType: ScaleType): Store {
  if (scaleType === 'float32') {
    const values = new Float32Array(count);
    return { values, put: (i, v) => (values[i] = Math.fround(v)) };
  }
  const values = new Uint16Array(count);
  const table = float16Table();
  return {
    values,
    put: (i, v) => {
      const h = numberToFloat16Bits(v);
      values[i] = h;
      return table[h]!;
    },
  };
}

function checkArgs(
  what: string,
  bytes: Uint8Array,
  n: number,
  k: number,
  perBlock: number,
  blockBytes: number,
) {
  if (!Number.isInteger(n) || !Number.isInteger(k) || n <= 0 || k <= 0) {
    throw new Error(`${what} needs positive integer N and K, got N=${n} K=${k}`);
  }
  if (k % perBlock !== 0) throw new Error(`${what} rows need K % ${perBlock} == 0, got K=${k}`);
  const need = n * (k / perBlock) * blockBytes;
  if (bytes.length < need) throw new Error(`${what} [${n}, ${k}] needs ${need} bytes, got ${bytes.length}`);
}

function result(
  n: number,
  k: number,
  b: Uint8Array,
  scales: Store,
  offsets: Store,
  scaleType: ScaleType,
): AffineQ4Weight {
  const blocksPerRow = k / MATMUL_NBITS_BLOCK_SIZE;
  return {
    weight: { n, k, bits: 4, blockSize: 32, blocksPerRow, b, scales: scales.values, scaleType },
    offsets: offsets.values,
  };
}

/**
 * GGUF Q4_1 rows (N rows of K values, K % 32 == 0) as MatMulNBits (scale d, zero point 8) plus
 * offsets m + 8d. A Q4_1 byte j holds elements j (low nibble) and j + 16; a MatMulNBits byte j holds
 * 2j and 2j + 1, so the nibbles are repacked as for Q4_0. fp16 scales are copied bit for bit.
 */
export function q4_1ToAffine(
  bytes: Uint8Array,
  n: number,
  k: number,
  scaleType: ScaleType = 'float32',
): AffineQ4Weight {
  checkArgs('Q4_1', bytes, n, k, MATMUL_NBITS_BLOCK_SIZE, Q4_1_AFFINE_BLOCK_BYTES);
  const blocks = k / MATMUL_NBITS_BLOCK_SIZE;
  const total = n * blocks;
  const table = float16Table();
  const b = new Uint8Array(total * HALF);
  const scales = store(total, scaleType);
  const offsets = store(total, scaleType);
  for (let row = 0, p = 0, i = 0; row < n; row++) {
    for (let blk = 0; blk < blocks; blk++, i++, p += Q4_1_AFFINE_BLOCK_BYTES) {
      const dBits = bytes[p]! | (bytes[p + 1]! << 8);
      const d = table[dBits]!;
      const m = table[bytes[p + 2]! | (bytes[p + 3]! << 8)]!;
      if (scaleType === 'float16') (scales.values as Uint16Array)[i] = dBits;
      else scales.put(i, d);
      offsets.put(blk * n + row, m + 8 * d);
      repackGgufNibbles(bytes, p + 4, b, i * HALF);
    }
  }
  return result(n, k, b, scales, offsets, scaleType);
}

/**
 * The eight 6-bit (scale, min) pairs of a Q4_K super-block from the 12 bytes at `s` (llama.cpp's
 * `get_scale_min_k4`, as tools/convert/gguf/dequantize.ts reads them).
 */
function scaleMinK4(src: Uint8Array, s: number, sc: Uint8Array, mn: Uint8Array): void {
  for (let j = 0; j < 4; j++) {
    sc[j] = src[s + j]! & 63;
    mn[j] = src[s + j + 4]! & 63;
  }
  for (let j = 4; j < 8; j++) {
    sc[j] = (src[s + j + 4]! & 0x0f) | ((src[s + j - 4]! >>> 6) << 4);
    mn[j] = (src[s + j + 4]! >>> 4) | ((src[s + j]! >>> 6) << 4);
  }
}

/**
 * GGUF Q4_K rows (N rows of K values, K % 256 == 0) as MatMulNBits (scale d * sc, zero point 8) plus
 * offsets 8 * d * sc - dmin * mn, one per sub-block of 32. In a super-block, the 32 bytes of chunk c
 * hold sub-block 2c in their low nibbles and 2c + 1 in their high nibbles (byte l = element l of each).
 */
export function q4_KToAffine(
  bytes: Uint8Array,
  n: number,
  k: number,
  scaleType: ScaleType = 'float32',
): AffineQ4Weight {
  checkArgs('Q4_K', bytes, n, k, Q4_K_BLOCK_VALUES, Q4_K_BLOCK_BYTES);
  const blocks = k / MATMUL_NBITS_BLOCK_SIZE;
  const superBlocks = k / Q4_K_BLOCK_VALUES;
  const total = n * blocks;
  const table = float16Table();
  const b = new Uint8Array(total * HALF);
  const scales = store(total, scaleType);
  const offsets = store(total, scaleType);
  const sc = new Uint8Array(8);
  const mn = new Uint8Array(8);
  for (let row = 0, p = 0; row < n; row++) {
    for (let sb = 0; sb < superBlocks; sb++, p += Q4_K_BLOCK_BYTES) {
      const d = table[bytes[p]! | (bytes[p + 1]! << 8)]!;
      const dmin = table[bytes[p + 2]! | (bytes[p + 3]! << 8)]!;
      scaleMinK4(bytes, p + 4, sc, mn);
      for (let sub = 0; sub < 8; sub++) {
        const blk = sb * 8 + sub;
        const i = row * blocks + blk;
        // Both products are exact in float32 (11 + 6 significant bits), as dequantize's d1 and m1.
        const s = Math.fround(d * sc[sub]!);
        const m1 = Math.fround(dmin * mn[sub]!);
        scales.put(i, s);
        offsets.put(blk * n + row, 8 * s - m1);
        const q = p + 16 + (sub >> 1) * 32;
        const o = i * HALF;
        if (sub & 1) {
          for (let j = 0; j < HALF; j++)
            b[o + j] = (bytes[q + 2 * j]! >>> 4) | (bytes[q + 2 * j + 1]! & 0xf0);
        } else {
          for (let j = 0; j < HALF; j++) {
            b[o + j] = (bytes[q + 2 * j]! & 0x0f) | ((bytes[q + 2 * j + 1]! & 0x0f) << 4);
          }
        }
      }
    }
  }
  return result(n, k, b, scales, offsets, scaleType);
}

/**
 * The float32 weight [N, K] that MatMulNBits plus the offsets stand for: (q - 8) * s + C per element,
 * computed in double and rounded once to float32 (as tools/convert/gguf/dequantize.ts rounds
 * d * q + m), so an exact offset reproduces the GGUF dequantisation bit for bit.
 */
export function dequantizeAffine(affine: AffineQ4Weight): Float32Array {
  const { weight, offsets } = affine;
  const { n, k, blocksPerRow: blocks, b } = weight;
  const table = float16Table();
  const half = weight.scaleType === 'float16';
  const out = new Float32Array(n * k);
  for (let row = 0; row < n; row++) {
    for (let blk = 0; blk < blocks; blk++) {
      const i = row * blocks + blk;
      const s = half ? table[weight.scales[i]!]! : weight.scales[i]!;
      const c = half ? table[offsets[blk * n + row]!]! : offsets[blk * n + row]!;
      const base = i * HALF;
      const y = row * k + blk * MATMUL_NBITS_BLOCK_SIZE;
      for (let j = 0; j < MATMUL_NBITS_BLOCK_SIZE; j++) {
        const byte = b[base + (j >> 1)]!;
        out[y + j] = ((j & 1 ? byte >>> 4 : byte & 0x0f) - 8) * s + c;
      }
    }
  }
  return out;
}
