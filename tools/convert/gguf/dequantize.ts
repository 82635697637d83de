/**
 * GGUF tensor data back to float32, with the semantics of llama.cpp's `dequantize_row_*`
 * (ggml/src/ggml-quants.c) and gguf-py's `gguf.quants.dequantize`.
 *
 * Every block scale is an fp16 (`d`, `dmin`) decoded through a 65536-entry table. Products of a
 * decoded scale and a small integer are exact in float32 (at most 11 + 8 + 6 significant bits), so
 * the only rounding is the one float32 operation the C code does after them (`d1 * q - m1`, the
 * `+ m` of Q4_1/Q5_1, Q6_K's `d * sc * q`). Storing a double result in a Float32Array rounds once to
 * float32, which equals the float32 operation (a double has more than 2 x 24 + 2 bits). We never
 * fuse a multiply-add: the results equal gguf-py's numpy code bit for bit, and llama.cpp built
 * without FMA contraction.
 *
 * Speed: one pass over the bytes, no allocation besides the output (about 10^8 elements/s).
 */
import { GgmlType, blockLayout, ggmlTypeName, tensorByteLength } from './ggml-types';
import { float16Table } from '../quant/fp16';

type Kernel = (src: Uint8Array, out: Float32Array, blocks: number) => void;

const QK = 32;
const QK_K = 256;

const f16 = (): Float32Array => float16Table();

function dequantF32(src: Uint8Array, out: Float32Array): void {
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(src.subarray(0, out.byteLength));
}

// Typed-array views read little-endian data: GGUF is little-endian, and so is every host we run on.
function dequantF16(src: Uint8Array, out: Float32Array): void {
  const t = f16();
  if (src.byteOffset % 2 === 0) {
    const h = new Uint16Array(src.buffer, src.byteOffset, out.length);
    for (let i = 0; i < out.length; i++) out[i] = t[h[i]!]!;
    return;
  }
  for (let i = 0, o = 0; i < out.length; i++, o += 2) out[i] = t[src[o]! | (src[o + 1]! << 8)]!;
}

function dequantBF16(src: Uint8Array, out: Float32Array): void {
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  if (src.byteOffset % 2 === 0) {
    const h = new Uint16Array(src.buffer, src.byteOffset, out.length);
    for (let i = 0; i < out.length; i++) bits[i] = h[i]! << 16;
    return;
  }
  for (let i = 0, o = 0; i < out.length; i++, o += 2) bits[i] = (src[o]! | (src[o + 1]! << 8)) << 16;
}

/** Q8_0: d (fp16), 32 x int8. y = q * d. */
const dequantQ8_0: Kernel = (src, out, blocks) => {
  const t = f16();
  const s8 = new Int8Array(src.buffer, src.byteOffset, src.length);
  for (let b = 0, p = 0, y = 0; b < blocks; b++, p += 34) {
    const d = t[src[p]! | (src[p + 1]! << 8)]!;
    for (let j = p + 2; j < p + 34; j++) out[y++] = s8[j]! * d;
  }
};

/** Q4_0: d, 16 bytes; low nibbles are elements 0..15, high nibbles 16..31. y = (q - 8) * d. */
const dequantQ4_0: Kernel = (src, out, blocks) => {
  const t = f16();
  for (let b = 0, p = 0, y = 0; b < blocks; b++, p += 18, y += QK) {
    const d = t[src[p]! | (src[p + 1]! << 8)]!;
    for (let j = 0; j < 16; j++) {
      const q = src[p + 2 + j]!;
      out[y + j] = ((q & 0x0f) - 8) * d;
      out[y + j + 16] = ((q >>> 4) - 8) * d;
    }
  }
};

/** Q4_1: d, m, 16 bytes. y = q * d + m. */
const dequantQ4_1: Kernel = (src, out, blocks) => {
  const t = f16();
  for (let b = 0, p = 0, y = 0; b < blocks; b++, p += 20, y += QK) {
    const d = t[src[p]! | (src[p + 1]! << 8)]!;
    const m = t[src[p + 2]! | (src[p + 3]! << 8)]!;
    for (let j = 0; j < 16; j++) {
      const q = src[p + 4 + j]!;
      out[y + j] = (q & 0x0f) * d + m;
      out[y + j + 16] = (q >>> 4) * d + m;
    }
  }
};

/** Q5_0: d, qh (uint32: bit j is the fifth bit of element j), 16 bytes. y = (q - 16) * d. */
const dequantQ5_0: Kernel = (src, out, blocks) => {
  const t = f16();
  for (let b = 0, p = 0, y = 0; b < blocks; b++, p += 22, y += QK) {
    const d = t[src[p]! | (src[p + 1]! << 8)]!;
    const qh = src[p + 2]! | (src[p + 3]! << 8) | (src[p + 4]! << 16) | (src[p + 5]! << 24);
    for (let j = 0; j < 16; j++) {
      const q = src[p + 6 + j]!;
      out[y + j] = (((q & 0x0f) | (((qh >>> j) << 4) & 0x10)) - 16) * d;
      out[y + j + 16] = (((q >>> 4) | ((qh >>> (j + 12)) & 0x10)) - 16) * d;
    }
  }
};

/** Q5_1: d, m, qh, 16 bytes. y = q * d + m. */
const dequantQ5_1: Kernel = (src, out, blocks) => {
  const t = f16();
  for (let b = 0, p = 0, y = 0; b < blocks; b++, p += 24, y += QK) {
    const d = t[src[p]! | (src[p + 1]! << 8)]!;
    const m = t[src[p + 2]! | (src[p + 3]! << 8)]!;
    const qh = src[p + 4]! | (src[p + 5]! << 8) | (src[p + 6]! << 16) | (src[p + 7]! << 24);
    for (let j = 0; j < 16; j++) {
      const q = src[p + 8 + j]!;
      out[y + j] = ((q & 0x0f) | (((qh >>> j) << 4) & 0x10)) * d + m;
      out[y + j + 16] = ((q >>> 4) | ((qh >>> (j + 12)) & 0x10)) * d + m;
    }
  }
};

/**
 * The eight 6-bit (scale, min) pairs of a Q4_K/Q5_K block, llama.cpp's `get_scale_min_k4`, from the
 * 12 bytes at `s`, into `sc` and `mn`.
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

const sc8 = new Uint8Array(8);
const mn8 = new Uint8Array(8);

/** Q4_K: d, dmin, 12 bytes of scales/mins, 128 bytes; 8 sub-blocks of 32. y = d*sc * q - dmin*m. */
const dequantQ4_K: Kernel = (src, out, blocks) => {
  const t = f16();
  for (let b = 0, p = 0, y = 0; b < blocks; b++, p += 144) {
    const d = t[src[p]! | (src[p + 1]! << 8)]!;
    const dmin = t[src[p + 2]! | (src[p + 3]! << 8)]!;
    scaleMinK4(src, p + 4, sc8, mn8);
    let q = p + 16;
    for (let is = 0; is < 8; is += 2, q += 32) {
      const d1 = Math.fround(d * sc8[is]!);
      const m1 = Math.fround(dmin * mn8[is]!);
      const d2 = Math.fround(d * sc8[is + 1]!);
      const m2 = Math.fround(dmin * mn8[is + 1]!);
      for (let l = 0; l < 32; l++) out[y++] = d1 * (src[q + l]! & 0x0f) - m1;
      for (let l = 0; l < 32; l++) out[y++] = d2 * (src[q + l]! >>> 4) - m2;
    }
  }
};

/** Q5_K: d, dmin, 12 bytes of scales/mins, qh[32], qs[128]. */
const dequantQ5_K: Kernel = (src, out, blocks) => {
  const t = f16();
  for (let b = 0, p = 0, y = 0; b < blocks; b++, p += 176) {
    const d = t[src[p]! | (src[p + 1]! << 8)]!;
    const dmin = t[src[p + 2]! | (src[p + 3]! << 8)]!;
    scaleMinK4(src, p + 4, sc8, mn8);
    const qh = p + 16;
    let ql = p + 48;
    let u1 = 1;
    let u2 = 2;
    for (let is = 0; is < 8; is += 2, ql += 32, u1 <<= 2, u2 <<= 2) {
      const d1 = Math.fround(d * sc8[is]!);
      const m1 = Math.fround(dmin * mn8[is]!);
      const d2 = Math.fround(d * sc8[is + 1]!);
      const m2 = Math.fround(dmin * mn8[is + 1]!);
      for (let l = 0; l < 32; l++) {
        out[y++] = d1 * ((src[ql + l]! & 0x0f) + (src[qh + l]! & u1 ? 16 : 0)) - m1;
      }
      for (let l = 0; l < 32; l++) {
        out[y++] = d2 * ((src[ql + l]! >>> 4) + (src[qh + l]! & u2 ? 16 : 0)) - m2;
      }
    }
  }
};

/** Q6_K: ql[128], qh[64], int8 scales[16], d. y = d * sc * (q - 32). */
const dequantQ6_K: Kernel = (src, out, blocks) => {
  const t = f16();
  for (let b = 0, p = 0, y = 0; b < blocks; b++, p += 210, y += QK_K) {
    const d = t[src[p + 208]! | (src[p + 209]! << 8)]!;
    for (let n = 0; n < 2; n++) {
      const ql = p + 64 * n;
      const qh = p + 128 + 32 * n;
      const sc = p + 192 + 8 * n;
      const yo = y + 128 * n;
      for (let l = 0; l < 32; l++) {
        const is = l >>> 4;
        const a = src[ql + l]!;
        const c = src[ql + l + 32]!;
        const h = src[qh + l]!;
        const s0 = Math.fround(d * ((src[sc + is]! << 24) >> 24));
        const s2 = Math.fround(d * ((src[sc + is + 2]! << 24) >> 24));
        const s4 = Math.fround(d * ((src[sc + is + 4]! << 24) >> 24));
        const s6 = Math.fround(d * ((src[sc + is + 6]! << 24) >> 24));
        out[yo + l] = s0 * (((a & 0x0f) | ((h & 3) << 4)) - 32);
        out[yo + l + 32] = s2 * (((c & 0x0f) | (((h >>> 2) & 3) << 4)) - 32);
        out[yo + l + 64] = s4 * (((a >>> 4) | (((h >>> 4) & 3) << 4)) - 32);
        out[yo + l + 96] = s6 * (((c >>> 4) | (((h >>> 6) & 3) << 4)) - 32);
      }
    }
  }
};

/** Q2_K: scales[16] (low nibble scale, high nibble min), qs[64], d, dmin. */
const dequantQ2_K: Kernel = (src, out, blocks) => {
  const t = f16();
  for (let b = 0, p = 0, y = 0; b < blocks; b++, p += 84) {
    const d = t[src[p + 80]! | (src[p + 81]! << 8)]!;
    const dmin = t[src[p + 82]! | (src[p + 83]! << 8)]!;
    let is = 0;
    for (let n = 0; n < 2; n++) {
      const q = p + 16 + 32 * n;
      for (let shift = 0; shift < 8; shift += 2) {
        for (let half = 0; half < 32; half += 16) {
          const s = src[p + is++]!;
          const dl = Math.fround(d * (s & 0x0f));
          const ml = Math.fround(dmin * (s >>> 4));
          for (let l = 0; l < 16; l++) out[y++] = dl * ((src[q + half + l]! >>> shift) & 3) - ml;
        }
      }
    }
  }
};

/** Q3_K: hmask[32], qs[64], 12 bytes of 6-bit scales, d. y = d * (sc - 32) * (q2 - (hbit ? 0 : 4)). */
const dequantQ3_K: Kernel = (src, out, blocks) => {
  const t = f16();
  const scales = new Int8Array(16);
  for (let b = 0, p = 0, y = 0; b < blocks; b++, p += 110) {
    const d = t[src[p + 108]! | (src[p + 109]! << 8)]!;
    const s = p + 96;
    for (let i = 0; i < 16; i++) {
      const low = (src[s + (i & 7)]! >>> (i < 8 ? 0 : 4)) & 0x0f;
      const high = (src[s + 8 + (i & 3)]! >>> (2 * (i >>> 2))) & 3;
      scales[i] = (low | (high << 4)) - 32;
    }
    let is = 0;
    let m = 1;
    for (let n = 0; n < 2; n++) {
      const q = p + 32 + 32 * n;
      for (let shift = 0; shift < 8; shift += 2, m <<= 1) {
        for (let half = 0; half < 32; half += 16) {
          const dl = Math.fround(d * scales[is++]!);
          for (let l = 0; l < 16; l++) {
            const k = half + l;
            out[y++] = dl * (((src[q + k]! >>> shift) & 3) - (src[p + k]! & m ? 0 : 4));
          }
        }
      }
    }
  }
};

const BLOCK_KERNELS: Partial<Record<number, Kernel>> = {
  [GgmlType.Q8_0]: dequantQ8_0,
  [GgmlType.Q4_0]: dequantQ4_0,
  [GgmlType.Q4_1]: dequantQ4_1,
  [GgmlType.Q5_0]: dequantQ5_0,
  [GgmlType.Q5_1]: dequantQ5_1,
  [GgmlType.Q2_K]: dequantQ2_K,
  [GgmlType.Q3_K]: dequantQ3_K,
  [GgmlType.Q4_K]: dequantQ4_K,
  [GgmlType.Q5_K]: dequantQ5_K,
  [GgmlType.Q6_K]: dequantQ6_K,
};

/** The types `dequantize` reads, by ggml id. */
export const DEQUANTIZE_TYPES: readonly number[] = [
  GgmlType.F32,
  GgmlType.F16,
  GgmlType.BF16,
  ...Object.keys(BLOCK_KERNELS).map(Number),
];

/** A tensor type this converter cannot turn back into numbers. */
export class UnsupportedGgmlTypeError extends Error {
  override name = 'UnsupportedGgmlTypeError';
}

/**
 * float32 values of `elements` numbers stored in ggml type `type` (a `GgmlType` id) in `bytes`.
 * Throws `UnsupportedGgmlTypeError` (naming the type and the supported ones) for other types, and
 * an Error when `bytes` is shorter than the tensor or `elements` is not a whole number of blocks.
 */
export function dequantize(type: number, bytes: Uint8Array, elements: number): Float32Array {
  if (!DEQUANTIZE_TYPES.includes(type)) {
    throw new UnsupportedGgmlTypeError(
      `cannot dequantize ggml type ${ggmlTypeName(type)}: supported types are ` +
        DEQUANTIZE_TYPES.map(ggmlTypeName).join(', '),
    );
  }
  const byteLength = tensorByteLength(type, elements);
  if (bytes.length < byteLength) {
    throw new Error(
      `${ggmlTypeName(type)} tensor of ${elements} elements needs ${byteLength} bytes, got ${bytes.length}`,
    );
  }
  const out = new Float32Array(elements);
  if (type === GgmlType.F32) dequantF32(bytes, out);
  else if (type === GgmlType.F16) dequantF16(bytes, out);
  else if (type === GgmlType.BF16) dequantBF16(bytes, out);
  else BLOCK_KERNELS[type]!(bytes, out, elements / blockLayout(type)!.blockSize);
  return out;
}
