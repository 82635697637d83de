/**
 * 8-bit weights for onnxruntime's com.microsoft `MatMulNBits` with bits = 8, block_size 32:
 *   B       uint8 [N, ceil(K / 32), 32]: one value per byte
 *   scales  float32 [N * ceil(K / 32)]
 *   no zero_points: the operator's default zero point for 8 bits is 128, value = (q - 128) * scale.
 * Symmetric per block: scale = max|w| / 127, q = round(w / scale) + 128. On a GGUF Q8_0 tensor
 * (d = max|x| / 127, q = round(x / d), the block's largest value at ±127) this gives back exactly
 * Q8_0's own scale and integers, so a Q8_0 weight (SmolLM2's tied embedding) stays its own weight.
 */
export const MATMUL_8BITS_BLOCK_SIZE = 32;

/** The initializers and attributes of one 8-bit MatMulNBits node. */
export interface MatMul8BitsWeight {
  /** Output features (attribute N). */
  readonly n: number;
  /** Input features (attribute K). */
  readonly k: number;
  /** ceil(K / 32). */
  readonly blocksPerRow: number;
  /** uint8 [N, blocksPerRow, 32]. */
  readonly b: Uint8Array;
  /** float32 [N * blocksPerRow]. */
  readonly scales: Float32Array;
}

/** Symmetric 8-bit quantisation of rows [N][K] (K not a multiple of 32 is padded with zeros). */
export function quantizeSymmetricQ8(rows: Float32Array, n: number, k: number): MatMul8BitsWeight {
  if (rows.length !== n * k) throw new Error(`weight has ${rows.length} values, expected N*K = ${n * k}`);
  const size = MATMUL_8BITS_BLOCK_SIZE;
  const blocks = Math.ceil(k / size);
  const b = new Uint8Array(n * blocks * size).fill(128);
  const scales = new Float32Array(n * blocks);
  for (let row = 0; row < n; row++) {
    for (let blk = 0; blk < blocks; blk++) {
      const start = row * k + blk * size;
      const end = row * k + Math.min(k, (blk + 1) * size);
      let maxAbs = 0;
      for (let j = start; j < end; j++) maxAbs = Math.max(maxAbs, Math.abs(rows[j]!));
      const scale = Math.fround(maxAbs / 127);
      scales[row * blocks + blk] = scale;
      const inverse = scale > 0 ? 1 / scale : 0;
      const base = (row * blocks + blk) * size;
      for (let j = start; j < end; j++) {
        b[base + j - start] = Math.min(255, Math.max(0, Math.round(rows[j]! * inverse) + 128));
      }
    }
  }
  return { n, k, blocksPerRow: blocks, b, scales };
}
