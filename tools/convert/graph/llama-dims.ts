/**
 * The shape of a LLaMA-family model: what the graph builder needs to know besides the weights.
 */

/** RoPE frequency scaling, as Hugging Face's `rope_scaling` and GGUF's `rope.scaling.*` describe it. */
export type RopeScaling =
  | { type: 'linear'; factor: number }
  | {
      type: 'llama3';
      factor: number;
      lowFreqFactor: number;
      highFreqFactor: number;
      originalMaxPositions: number;
    };

export interface LlamaDims {
  hiddenSize: number;
  numHeads: number;
  /** Fewer than numHeads: grouped-query attention; equal: multi-head attention (LLaMA-7B, UniNER). */
  numKvHeads: number;
  headDim: number;
  numLayers: number;
  intermediateSize: number;
  vocabSize: number;
  /** Rows of the rotary tables: the longest context the graph can run. */
  maxPositions: number;
  rmsNormEps: number;
  ropeTheta: number;
  ropeScaling?: RopeScaling;
  /** Per-frequency divisors (GGUF `rope_freqs.weight`, Llama 3), headDim / 2 of them. */
  ropeFreqFactors?: Float32Array;
}

/** Inverse rotary frequencies, headDim / 2 of them, after any scaling. */
export function ropeInverseFrequencies(d: LlamaDims): Float64Array {
  const half = d.headDim / 2;
  const inv = new Float64Array(half);
  for (let j = 0; j < half; j++) inv[j] = 1 / Math.pow(d.ropeTheta, (2 * j) / d.headDim);
  const scaling = d.ropeScaling;
  if (scaling?.type === 'linear') {
    for (let j = 0; j < half; j++) inv[j] = (inv[j] ?? 0) / scaling.factor;
  } else if (scaling?.type === 'llama3') {
    // Hugging Face's _compute_llama3_parameters: long wavelengths scaled, short kept, smooth between.
    const lowWavelen = scaling.originalMaxPositions / scaling.lowFreqFactor;
    const highWavelen = scaling.originalMaxPositions / scaling.highFreqFactor;
    for (let j = 0; j < half; j++) {
      const freq = inv[j] ?? 0;
      const wavelen = (2 * Math.PI) / freq;
      if (wavelen < highWavelen) continue;
      if (wavelen > lowWavelen) {
        inv[j] = freq / scaling.factor;
      } else {
        const smooth =
          (scaling.originalMaxPositions / wavelen - scaling.lowFreqFactor) /
          (scaling.highFreqFactor - scaling.lowFreqFactor);
        inv[j] = (1 - smooth) * (freq / scaling.factor) + smooth * freq;
      }
    }
  }
  if (d.ropeFreqFactors) {
    if (d.ropeFreqFactors.length !== half) {
      throw new Error(
        `rope frequency factors: ${d.ropeFreqFactors.length} values for head size ${d.headDim}`,
      );
    }
    for (let j = 0; j < half; j++) inv[j] = (inv[j] ?? 0) / (d.ropeFreqFactors[j] ?? 1);
  }
  return inv;
}
