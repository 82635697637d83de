/**
 * IEEE 754 half precision <-> single precision, bit for bit: the conversions GGUF scales (fp16 `d`,
 * `dmin`) and q4f16 ONNX initializers need. float32 -> float16 rounds to nearest, ties to even, like
 * numpy's `astype(np.float16)` and the F16C instruction; overflow becomes +-Infinity, NaN stays NaN.
 */

let table: Float32Array | undefined;

/** The float32 value of every fp16 bit pattern (256 KiB, built once): decoding is one lookup. */
export function float16Table(): Float32Array {
  if (table) return table;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    let value: number;
    if (exp === 0) value = mant * 2 ** -24;
    else if (exp === 0x1f) value = mant ? NaN : Infinity;
    else value = (1024 + mant) * 2 ** (exp - 25);
    t[h] = sign * value;
  }
  table = t;
  return t;
}

/** The float32 value of one fp16 bit pattern. */
export function float16BitsToNumber(bits: number): number {
  return float16Table()[bits & 0xffff]!;
}

/** fp16 bit pattern of the float32 whose bits are `x` (uint32), rounded to nearest even. */
function float32BitsToFloat16Bits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  // Infinity stays Infinity; NaN stays a (quiet) NaN with the top payload bits.
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): shift the mantissa with its implicit 1 into place.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let h = mant >>> shift;
    if (rest > half || (rest === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to Infinity).
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return sign | h;
}

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** fp16 bits of one number (first rounded to float32, then to fp16, as a Float32Array source would be). */
export function numberToFloat16Bits(value: number): number {
  scratch[0] = value;
  return float32BitsToFloat16Bits(scratchBits[0]!);
}

/** fp16 bit patterns of float32 values, rounded to nearest, ties to even. */
export function float32ToFloat16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32BitsToFloat16Bits(bits[i]!);
  return out;
}

/** float32 values of fp16 bit patterns (exact: every fp16 value is a float32). */
export function float16BitsToFloat32(bits: Uint16Array): Float32Array {
  const t = float16Table();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = t[bits[i]!]!;
  return out;
}
