/**
 * 8-bit weights for the `q8` format: symmetric int8 with one fp32 scale per output channel (per row of
 * the source's [N][K] weight), value = q × scale, q in [-127, 127]. The graph dequantises them with a
 * Cast and a Mul that onnxruntime folds into fp32 constants at load (see `int8Linear` in
 * llama-graph.ts), so the download is a quarter of fp32's and the arithmetic is fp32's.
 */

/** One weight for MatMul: B int8 [K, N] (the transposed rows) and scales [N]. */
export interface Int8ChannelWeight {
  readonly n: number;
  readonly k: number;
  /** int8 [K, N], row-major: B[k][n] = q of source row n, column k. */
  readonly b: Int8Array;
  readonly scales: Float32Array;
}

/** Rows [N][K] quantised per row; `q` stays in row order ([N][K]), as the embedding's Gather wants. */
export interface Int8Rows {
  readonly n: number;
  readonly k: number;
  /** int8 [N, K]. */
  readonly q: Int8Array;
  readonly scales: Float32Array;
}

/** Symmetric per-row int8: scale = max|w| / 127 (a zero row gets scale 0 and q 0). */
export function quantizeInt8Rows(rows: Float32Array, n: number, k: number): Int8Rows {
  if (rows.length !== n * k) throw new Error(`weight has ${rows.length} values, expected N*K = ${n * k}`);
  const q = new Int8Array(n * k);
  const scales = new Float32Array(n);
  for (let row = 0; row < n; row++) {
    let maxAbs = 0;
    for (let j = row * k; j < (row + 1) * k; j++) maxAbs = Math.max(maxAbs, Math.abs(rows[j]!));
    const scale = Math.fround(maxAbs / 127);
    scales[row] = scale;
    const inverse = scale > 0 ? 1 / scale : 0;
    for (let j = row * k; j < (row + 1) * k; j++)
      q[j] = Math.max(-127, Math.min(127, Math.round(rows[j]! * inverse)));
  }
  return { n, k, q, scales };
}

/** {@link quantizeInt8Rows}, then B transposed to [K, N], MatMul's layout for x @ B. */
export function quantizeInt8Channels(rows: Float32Array, n: number, k: number): Int8ChannelWeight {
  const { q, scales } = quantizeInt8Rows(rows, n, k);
  const b = new Int8Array(k * n);
  for (let row = 0; row < n; row++) for (let col = 0; col < k; col++) b[col * n + row] = q[row * k + col]!;
  return { n, k, b, scales };
}
