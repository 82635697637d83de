/**
 * Hyperparameter and tensor-shape validation shared by every converter input, run before any
 * weight is read or any per-layer structure is built: a crafted header must be refused with a
 * message, never turned into a silent 1-layer model, all-NaN rotary tables or a loop sized by
 * 2^32 − 1 layers.
 */
import type { LlamaDims } from '../graph/llama-dims';
import { UnsupportedModelError } from './model-source';

/**
 * Rotary tables are built for at most this many positions, whatever the source declares: the app
 * runs prompts of ~1,400 tokens, and a declared context of millions would otherwise cost gigabytes.
 * The cap is written into config.json as `max_position_embeddings` (the declared value is kept
 * beside it as `source_max_position_embeddings`).
 */
export const ROTARY_POSITION_CAP = 8192;

/** Bounds well past every LLaMA-family model published (LLaMA-3 405B: 126 layers, 16384 wide). */
const LIMITS = {
  hiddenSize: 65_536,
  numHeads: 1024,
  headDim: 1024,
  numLayers: 1024,
  intermediateSize: 1 << 20,
  vocabSize: 1 << 22,
  maxPositions: 1 << 24,
};

/** A hyperparameter that breaks a rule, with the source, key, value and rule in the message. */
export class HyperparameterError extends UnsupportedModelError {}

function integerIn(where: string, key: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new HyperparameterError(
      `${where}: ${key} is ${JSON.stringify(value) ?? String(value)}; it must be an integer from ${min} to ${max}`,
    );
  }
  return value;
}

function positiveFinite(where: string, key: string, value: unknown, max = Number.MAX_VALUE): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new HyperparameterError(
      `${where}: ${key} is ${JSON.stringify(value) ?? String(value)}; it must be a finite number above 0${max < Number.MAX_VALUE ? ` and at most ${max}` : ''}`,
    );
  }
  return value;
}

/**
 * Checks every number in `dims` (keys named as the source spells them, via `keys`) and returns the
 * dims with `maxPositions` capped at {@link ROTARY_POSITION_CAP}.
 */
export function validateLlamaDims(
  where: string,
  dims: LlamaDims,
  keys: Partial<Record<keyof LlamaDims, string>> = {},
): LlamaDims {
  const key = (k: keyof LlamaDims) => keys[k] ?? k;
  integerIn(where, key('hiddenSize'), dims.hiddenSize, 1, LIMITS.hiddenSize);
  integerIn(where, key('numHeads'), dims.numHeads, 1, LIMITS.numHeads);
  integerIn(where, key('numKvHeads'), dims.numKvHeads, 1, dims.numHeads);
  if (dims.numHeads % dims.numKvHeads !== 0) {
    throw new HyperparameterError(
      `${where}: ${key('numKvHeads')} is ${dims.numKvHeads}, which does not divide ${key('numHeads')} ${dims.numHeads}`,
    );
  }
  integerIn(where, key('headDim'), dims.headDim, 2, LIMITS.headDim);
  if (dims.headDim % 2 !== 0)
    throw new HyperparameterError(
      `${where}: ${key('headDim')} is ${dims.headDim}; rotary embeddings need it even`,
    );
  integerIn(where, key('numLayers'), dims.numLayers, 1, LIMITS.numLayers);
  integerIn(where, key('intermediateSize'), dims.intermediateSize, 1, LIMITS.intermediateSize);
  integerIn(where, key('vocabSize'), dims.vocabSize, 1, LIMITS.vocabSize);
  integerIn(where, key('maxPositions'), dims.maxPositions, 1, LIMITS.maxPositions);
  positiveFinite(where, key('rmsNormEps'), dims.rmsNormEps, 1);
  // Below 1 the rotary frequencies would rise with the dimension instead of fall.
  if (!(dims.ropeTheta > 1 && dims.ropeTheta <= 1e12)) {
    throw new HyperparameterError(
      `${where}: ${key('ropeTheta')} is ${String(dims.ropeTheta)}; the RoPE base must be a finite number above 1 and at most 1e12`,
    );
  }
  const s = dims.ropeScaling;
  if (s) {
    positiveFinite(where, 'rope scaling factor', s.factor, 1e6);
    if (s.type === 'llama3') {
      positiveFinite(where, 'rope_scaling.low_freq_factor', s.lowFreqFactor, 1e6);
      positiveFinite(where, 'rope_scaling.high_freq_factor', s.highFreqFactor, 1e6);
      if (s.highFreqFactor <= s.lowFreqFactor) {
        throw new HyperparameterError(
          `${where}: rope_scaling.high_freq_factor ${s.highFreqFactor} must be above low_freq_factor ${s.lowFreqFactor}`,
        );
      }
      integerIn(
        where,
        'rope_scaling.original_max_position_embeddings',
        s.originalMaxPositions,
        1,
        LIMITS.maxPositions,
      );
    }
  }
  const f = dims.ropeFreqFactors;
  if (f) {
    if (f.length !== dims.headDim / 2) {
      throw new HyperparameterError(
        `${where}: rope_freqs has ${f.length} values; head size ${dims.headDim} needs ${dims.headDim / 2}`,
      );
    }
    const bad = f.findIndex((v) => !Number.isFinite(v) || v <= 0);
    if (bad >= 0) {
      throw new HyperparameterError(
        `${where}: rope_freqs[${bad}] is ${f[bad]}; frequency factors must be finite and above 0`,
      );
    }
  }
  return { ...dims, maxPositions: Math.min(dims.maxPositions, ROTARY_POSITION_CAP) };
}

/** The 2-D weights of a LLaMA, in Hugging Face orientation [out, in], and the 1-D norms [hidden]. */
export function expectedLlamaShapes(d: LlamaDims): {
  embedding: [number, number];
  norm: [number];
  linear: Record<string, [number, number]>;
} {
  const q = d.numHeads * d.headDim;
  const kv = d.numKvHeads * d.headDim;
  return {
    embedding: [d.vocabSize, d.hiddenSize],
    norm: [d.hiddenSize],
    linear: {
      q_proj: [q, d.hiddenSize],
      k_proj: [kv, d.hiddenSize],
      v_proj: [kv, d.hiddenSize],
      o_proj: [d.hiddenSize, q],
      gate_proj: [d.intermediateSize, d.hiddenSize],
      up_proj: [d.intermediateSize, d.hiddenSize],
      down_proj: [d.hiddenSize, d.intermediateSize],
    },
  };
}

/** Refuses a tensor whose shape is not the one the hyperparameters imply. */
export function checkShape(
  where: string,
  name: string,
  actual: readonly number[],
  expected: readonly number[],
): void {
  if (actual.length !== expected.length || actual.some((v, i) => v !== expected[i])) {
    throw new HyperparameterError(
      `${where}: tensor ${name} has shape [${actual.join(', ')}]; the hyperparameters imply [${expected.join(', ')}]`,
    );
  }
}

/** Refuses layer tensors numbered past the declared layer count (a 30-layer file declared as 1). */
export function checkLayerCount(
  where: string,
  names: Iterable<string>,
  pattern: RegExp,
  numLayers: number,
  key: string,
): void {
  let highest = -1;
  for (const name of names) {
    const m = pattern.exec(name);
    if (m) highest = Math.max(highest, Number(m[1]));
  }
  if (highest + 1 !== numLayers) {
    throw new HyperparameterError(
      `${where}: ${key} is ${numLayers} but the file holds tensors for ${highest + 1} layers; they must agree`,
    );
  }
}
