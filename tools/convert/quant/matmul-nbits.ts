/**
 * 4-bit weights in the layout of onnxruntime's com.microsoft `MatMulNBits` (bits 4, block_size 32),
 * which computes Y = A @ dequant(B)^T with dequant(q) = (q - zero_point) * scale per block of 32
 * along K:
 *   B            uint8 [N, ceil(K / 32), 16]: two 4-bit values per byte, low nibble = even element
 *   scales       [N * ceil(K / 32)]: float32, or fp16 bits for the q4f16 variant (A is then fp16 too)
 *   zero_points  optional uint8 [N * ceil(blocks / 2)]: two 4-bit zero points per byte, low nibble
 *                first, every row padded to a whole byte; without it every zero point is 8
 * Weights come as rows [N = out features][K = in features], the Hugging Face and GGUF layout. A K
 * that is not a multiple of 32 is padded with zeros (quantised to the block's zero point).
 */
import { float16Table, numberToFloat16Bits } from './fp16';

export const MATMUL_NBITS_BITS = 4;
export const MATMUL_NBITS_BLOCK_SIZE = 32;
const HALF = MATMUL_NBITS_BLOCK_SIZE / 2;

export type ScaleType = 'float32' | 'float16';

/** The initializers and attributes of one MatMulNBits node. */
export interface MatMulNBitsWeight {
  /** Output features (attribute N). */
  n: number;
  /** Input features (attribute K). */
  k: number;
  bits: 4;
  blockSize: 32;
  /** ceil(K / 32). */
  blocksPerRow: number;
  /** uint8 [N, blocksPerRow, 16]. */
  b: Uint8Array;
  /** [N * blocksPerRow]: Float32Array for 'float32', fp16 bit patterns (Uint16Array) for 'float16'. */
  scales: Float32Array | Uint16Array;
  scaleType: ScaleType;
  /** uint8 [N * ceil(blocksPerRow / 2)], or undefined for the implied zero point 8. */
  zeroPoints?: Uint8Array;
}

/** Bytes of packed zero points per row: two per byte, each row padded to a whole byte. */
export function zeroPointBytesPerRow(blocksPerRow: number): number {
  return Math.ceil(blocksPerRow / 2);
}

function checkShape(length: number, n: number, k: number): void {
  if (!Number.isInteger(n) || !Number.isInteger(k) || n <= 0 || k <= 0) {
    throw new Error(`MatMulNBits needs positive integer N and K, got N=${n} K=${k}`);
  }
  if (length !== n * k) throw new Error(`weight has ${length} values, expected N*K = ${n}*${k} = ${n * k}`);
}

/** Scale storage plus a function that stores one scale and returns the value the operator will use. */
function scaleStore(count: number, scaleType: ScaleType) {
  if (scaleType === 'float32') {
    const scales = new Float32Array(count);
    const put = (i: number, s: number): number => (scales[i] = Math.fround(s));
    return { scales, put };
  }
  const scales = new Uint16Array(count);
  const table = float16Table();
  const put = (i: number, s: number): number => {
    const h = numberToFloat16Bits(s);
    scales[i] = h;
    return table[h]!;
  };
  return { scales, put };
}

function quantizeQ4(
  rows: Float32Array,
  n: number,
  k: number,
  scaleType: ScaleType,
  asymmetric: boolean,
): MatMulNBitsWeight {
  checkShape(rows.length, n, k);
  const blocks = Math.ceil(k / MATMUL_NBITS_BLOCK_SIZE);
  const b = new Uint8Array(n * blocks * HALF);
  const { scales, put } = scaleStore(n * blocks, scaleType);
  const zpPerRow = zeroPointBytesPerRow(blocks);
  const zeroPoints = asymmetric ? new Uint8Array(n * zpPerRow) : undefined;
  const q = new Uint8Array(MATMUL_NBITS_BLOCK_SIZE);
  for (let row = 0; row < n; row++) {
    const rowStart = row * k;
    for (let blk = 0; blk < blocks; blk++) {
      const start = blk * MATMUL_NBITS_BLOCK_SIZE;
      const end = Math.min(k, start + MATMUL_NBITS_BLOCK_SIZE);
      let zp = 8;
      let scale: number;
      if (asymmetric) {
        // The range always holds 0, so 0 (and the padding) is exactly representable as the zero point.
        let min = 0;
        let max = 0;
        for (let j = start; j < end; j++) {
          const v = rows[rowStart + j]!;
          if (v < min) min = v;
          if (v > max) max = v;
        }
        scale = put(row * blocks + blk, (max - min) / 15);
        zp = scale > 0 ? Math.min(15, Math.max(0, Math.round(-min / scale))) : 0;
        const z = zeroPoints!;
        const zi = row * zpPerRow + (blk >> 1);
        z[zi] = blk & 1 ? z[zi]! | (zp << 4) : zp;
      } else {
        let maxAbs = 0;
        for (let j = start; j < end; j++) maxAbs = Math.max(maxAbs, Math.abs(rows[rowStart + j]!));
        scale = put(row * blocks + blk, maxAbs / 7);
      }
      const inverse = scale > 0 ? 1 / scale : 0;
      for (let j = 0; j < MATMUL_NBITS_BLOCK_SIZE; j++) {
        const e = start + j;
        q[j] = e < end ? Math.min(15, Math.max(0, Math.round(rows[rowStart + e]! * inverse) + zp)) : zp;
      }
      const base = (row * blocks + blk) * HALF;
      for (let j = 0; j < HALF; j++) b[base + j] = q[2 * j]! | (q[2 * j + 1]! << 4);
    }
  }
  const weight: MatMulNBitsWeight = {
    n,
    k,
    bits: 4,
    blockSize: 32,
    blocksPerRow: blocks,
    b,
    scales,
    scaleType,
  };
  if (zeroPoints) weight.zeroPoints = zeroPoints;
  return weight;
}

/**
 * Asymmetric 4-bit quantisation: per block of 32, scale = (max - min) / 15 over a range that
 * includes 0, zero point = round(-min / scale) in 0..15, q = round(w / scale) + zero point. An all-zero
 * block gets scale 0 and zero point 0 (no NaN). With 'float16' the scale is rounded to fp16 first
 * and q computed against the rounded scale.
 */
export function quantizeAsymmetricQ4(
  rows: Float32Array,
  n: number,
  k: number,
  scaleType: ScaleType = 'float32',
): MatMulNBitsWeight {
  return quantizeQ4(rows, n, k, scaleType, true);
}

/**
 * Symmetric 4-bit quantisation without zero_points (MatMulNBits then uses 8): per block of 32,
 * scale = max|w| / 7, q = clamp(round(w / scale) + 8, 0, 15).
 */
export function quantizeSymmetricQ4(
  rows: Float32Array,
  n: number,
  k: number,
  scaleType: ScaleType = 'float32',
): MatMulNBitsWeight {
  return quantizeQ4(rows, n, k, scaleType, false);
}

/** [K, N] row-major -> [N, K] row-major. */
export function transposeToRows(w: Float32Array, k: number, n: number): Float32Array {
  const rows = new Float32Array(n * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) rows[j * k + i] = w[i * n + j]!;
  return rows;
}

/**
 * One block of 32 GGUF 4-bit values (Q4_0, Q4_1: byte j holds element j in its low nibble and
 * element j + 16 in its high nibble) from `src[at..at+16)` into MatMulNBits order at `dst[to..to+16)`
 * (byte j holds elements 2j and 2j + 1, low nibble first).
 */
export function repackGgufNibbles(src: Uint8Array, at: number, dst: Uint8Array, to: number): void {
  for (let j = 0; j < 8; j++) {
    // Elements 2j, 2j+1 are low nibbles of bytes 2j, 2j+1; elements 16+2j, 17+2j their high ones.
    const lo0 = src[at + 2 * j]!;
    const lo1 = src[at + 1 + 2 * j]!;
    dst[to + j] = (lo0 & 0x0f) | ((lo1 & 0x0f) << 4);
    dst[to + 8 + j] = (lo0 >>> 4) | (lo1 & 0xf0);
  }
}

/** Bytes of one GGUF Q4_0 block: fp16 d, then 16 bytes of nibbles. */
export const Q4_0_BLOCK_BYTES = 18;

/**
 * A lossless repack of GGUF Q4_0 rows (N rows of K values, K a multiple of 32) into MatMulNBits:
 * Q4_0's value d * (q - 8) is MatMulNBits' (q - 8) * scale with the implied zero point, so only the
 * nibble order changes (a Q4_0 byte j holds elements j and j + 16; a MatMulNBits byte j holds 2j and
 * 2j + 1). fp16 scales are copied bit for bit; float32 scales are their exact values.
 */
export function q4_0ToMatMulNBits(
  bytes: Uint8Array,
  n: number,
  k: number,
  scaleType: ScaleType = 'float32',
): MatMulNBitsWeight {
  if (k % MATMUL_NBITS_BLOCK_SIZE !== 0) throw new Error(`Q4_0 rows need K % 32 == 0, got K=${k}`);
  const blocks = k / MATMUL_NBITS_BLOCK_SIZE;
  const total = n * blocks;
  if (bytes.length < total * Q4_0_BLOCK_BYTES) {
    throw new Error(`Q4_0 [${n}, ${k}] needs ${total * Q4_0_BLOCK_BYTES} bytes, got ${bytes.length}`);
  }
  const b = new Uint8Array(total * HALF);
  const scaleBits = new Uint16Array(total);
  for (let i = 0, p = 0, o = 0; i < total; i++, p += Q4_0_BLOCK_BYTES, o += HALF) {
    scaleBits[i] = bytes[p]! | (bytes[p + 1]! << 8);
    repackGgufNibbles(bytes, p + 2, b, o);
  }
  let scales: Float32Array | Uint16Array = scaleBits;
  if (scaleType === 'float32') {
    const table = float16Table();
    scales = new Float32Array(total);
    for (let i = 0; i < total; i++) scales[i] = table[scaleBits[i]!]!;
  }
  return { n, k, bits: 4, blockSize: 32, blocksPerRow: blocks, b, scales, scaleType };
}

/** The float32 weight [N, K] a MatMulNBits node multiplies by (what the operator dequantises to). */
export function dequantizeMatMulNBits(weight: MatMulNBitsWeight): Float32Array {
  const { n, k, blocksPerRow: blocks, b, zeroPoints } = weight;
  const table = float16Table();
  const scale = (i: number): number =>
    weight.scaleType === 'float16' ? table[weight.scales[i]!]! : weight.scales[i]!;
  const zpPerRow = zeroPointBytesPerRow(blocks);
  const out = new Float32Array(n * k);
  for (let row = 0; row < n; row++) {
    for (let blk = 0; blk < blocks; blk++) {
      const s = scale(row * blocks + blk);
      let zp = 8;
      if (zeroPoints) {
        const z = zeroPoints[row * zpPerRow + (blk >> 1)]!;
        zp = blk & 1 ? z >>> 4 : z & 0x0f;
      }
      const base = (row * blocks + blk) * HALF;
      for (let j = 0; j < MATMUL_NBITS_BLOCK_SIZE; j++) {
        const e = blk * MATMUL_NBITS_BLOCK_SIZE + j;
        if (e >= k) break;
        const byte = b[base + (j >> 1)]!;
        out[row * k + e] = ((j & 1 ? byte >>> 4 : byte & 0x0f) - zp) * s;
      }
    }
  }
  return out;
}

type RowArray = Float32Array | Uint8Array | Uint16Array | Int8Array;

/**
 * Reorders rows: row i of the result is row `order[i]` of `data`, every row `rowStride` elements of
 * the array's own type. Works for fp32 weight rows (stride K), raw Q4_0 rows (Uint8Array, stride
 * K / 32 * 18 bytes) and each MatMulNBits initializer (B: blocks * 16, scales: blocks,
 * zero_points: ceil(blocks / 2)).
 */
export function permuteRows<T extends RowArray>(data: T, order: Int32Array, rowStride: number): T {
  if (data.length !== order.length * rowStride) {
    throw new Error(`${data.length} values are not ${order.length} rows of ${rowStride}`);
  }
  const out = new (data.constructor as new (length: number) => T)(data.length);
  for (let i = 0; i < order.length; i++) {
    const from = order[i]!;
    if (from < 0 || from >= order.length) throw new Error(`row order names row ${from} of ${order.length}`);
    out.set(data.subarray(from * rowStride, (from + 1) * rowStride), i * rowStride);
  }
  return out;
}

/** The same row reordering applied to every initializer of a MatMulNBits weight. */
export function permuteMatMulNBitsRows(weight: MatMulNBitsWeight, order: Int32Array): MatMulNBitsWeight {
  if (order.length !== weight.n)
    throw new Error(`row order has ${order.length} rows, weight has ${weight.n}`);
  const blocks = weight.blocksPerRow;
  const out: MatMulNBitsWeight = {
    ...weight,
    b: permuteRows(weight.b, order, blocks * HALF),
    scales: permuteRows(weight.scales, order, blocks),
  };
  if (weight.zeroPoints) out.zeroPoints = permuteRows(weight.zeroPoints, order, zeroPointBytesPerRow(blocks));
  return out;
}

/**
 * Undoes llama.cpp's Q/K row permutation for RoPE. convert_hf_to_gguf.py stores
 * `w.reshape(heads, 2, rows / heads / 2, ...).swapaxes(1, 2).reshape(w.shape)`: inside each head
 * the two rotary halves are interleaved. For each Hugging Face row r = h * headDim + s * headDim/2 + i
 * this returns the GGUF row h * headDim + 2i + s it comes from; `permuteRows(gguf, order, stride)`
 * then yields the Hugging Face weight. Use the query head count for Q and the key/value head count
 * for K.
 */
export function unpermuteQkRowOrder(nRows: number, heads: number): Int32Array {
  if (heads <= 0 || nRows % (2 * heads) !== 0) {
    throw new Error(`${nRows} rows cannot be split into ${heads} heads of two rotary halves`);
  }
  const headDim = nRows / heads;
  const half = headDim / 2;
  const order = new Int32Array(nRows);
  for (let h = 0; h < heads; h++) {
    for (let s = 0; s < 2; s++) {
      for (let i = 0; i < half; i++) order[h * headDim + s * half + i] = h * headDim + 2 * i + s;
    }
  }
  return order;
}
