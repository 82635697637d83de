/**
 * 8-bit weights for the `q8` format: symmetric int8 in blocks of 32 along each row of the source's
 * [N][K] weight, one fp32 scale per block, value = q × scale, q in [-127, 127] (a row whose length is
 * not a multiple of 32 is one block). The graph dequantises them with Cast, Reshape, Mul and Transpose,
 * which onnxruntime folds into fp32 constants at load (see `int8Linear` in llama-graph.ts), so the
 * download is 9/32 of fp32's and the arithmetic is fp32's.
 *
 * Blocks rather than one scale per row: per-row int8 kept 26 of SmolLM2's 32 reference answers, blocks
 * of 32 keep what the 4-bit source blocks said (and a GGUF Q8_0 tensor, whose blocks are exactly
 * these, comes back unchanged).
 */
export const INT8_BLOCK_SIZE = 32;

/** Rows [N][K] in int8 blocks, in row order. */
export interface Int8Blocks {
  readonly n: number;
  readonly k: number;
  /** Values per block: 32, or K when K is not a multiple of 32. */
  readonly blockSize: number;
  /** int8 [N, K]. */
  readonly q: Int8Array;
  /** float32 [N, K / blockSize]. */
  readonly scales: Float32Array;
}

/** Symmetric int8 per block: scale = max|w| / 127 (an all-zero block gets scale 0 and q 0). */
export function quantizeInt8Blocks(rows: Float32Array, n: number, k: number): Int8Blocks {
  if (rows.length !== n * k) throw new Error(`weight has ${rows.length} values, expected N*K = ${n * k}`);
  const blockSize = k % INT8_BLOCK_SIZE === 0 ? INT8_BLOCK_SIZE : k;
  const blocks = k / blockSize;
  const q = new Int8Array(n * k);
  const scales = new Float32Array(n * blocks);
  for (let b = 0; b < n * blocks; b++) {
    const start = b * blockSize;
    let maxAbs = 0;
    for (let j = start; j < start + blockSize; j++) maxAbs = Math.max(maxAbs, Math.abs(rows[j]!));
    const scale = Math.fround(maxAbs / 127);
    scales[b] = scale;
    const inverse = scale > 0 ? 1 / scale : 0;
    for (let j = start; j < start + blockSize; j++)
      q[j] = Math.max(-127, Math.min(127, Math.round(rows[j]! * inverse)));
  }
  return { n, k, blockSize, q, scales };
}
