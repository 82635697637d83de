/**
 * The JSON files of a transformers.js model folder (config.json, generation_config.json), written
 * the way Hugging Face's LlamaConfig and optimum's exports write them.
 */
import type { LlamaDims } from './graph/llama-dims';
import type { WeightFormat } from './graph/llama-graph';

/** Where each weight format's graph lives in the folder, as transformers.js names them. */
export const MODEL_FILE_BY_FORMAT: Record<WeightFormat, string> = {
  fp32: 'model.onnx',
  q4: 'model_q4.onnx',
  q4f16: 'model_q4f16.onnx',
  // transformers.js's name for dtype 'q8' (its own default on WASM).
  q8: 'model_quantized.onnx',
};

export interface ConfigOptions {
  dims: LlamaDims;
  tiedEmbeddings: boolean;
  bosTokenId?: number;
  eosTokenIds: number[];
  /** External-data chunk count per .onnx file name (transformers.js reads them only when declared). */
  externalDataChunks?: Record<string, number>;
  /** The context the source declared, when the rotary tables were capped below it. */
  sourceMaxPositions?: number;
}

function ropeScalingJson(dims: LlamaDims): Record<string, unknown> | null {
  const s = dims.ropeScaling;
  if (!s) return null;
  if (s.type === 'linear') return { rope_type: 'linear', factor: s.factor };
  return {
    rope_type: 'llama3',
    factor: s.factor,
    low_freq_factor: s.lowFreqFactor,
    high_freq_factor: s.highFreqFactor,
    original_max_position_embeddings: s.originalMaxPositions,
  };
}

/** One id stays a number (what most configs hold); several become a list. */
function idOrList(ids: number[]): number | number[] {
  return ids.length === 1 ? (ids[0] ?? 0) : ids;
}

export function buildConfigJson(options: ConfigOptions): Record<string, unknown> {
  const { dims } = options;
  const config: Record<string, unknown> = {
    architectures: ['LlamaForCausalLM'],
    attention_bias: false,
    bos_token_id: options.bosTokenId ?? null,
    eos_token_id: idOrList(options.eosTokenIds),
    head_dim: dims.headDim,
    hidden_act: 'silu',
    hidden_size: dims.hiddenSize,
    initializer_range: 0.02,
    intermediate_size: dims.intermediateSize,
    max_position_embeddings: dims.maxPositions,
    model_type: 'llama',
    num_attention_heads: dims.numHeads,
    num_hidden_layers: dims.numLayers,
    num_key_value_heads: dims.numKvHeads,
    rms_norm_eps: dims.rmsNormEps,
    rope_scaling: ropeScalingJson(dims),
    rope_theta: dims.ropeTheta,
    tie_word_embeddings: options.tiedEmbeddings,
    torch_dtype: 'float32',
    use_cache: true,
    vocab_size: dims.vocabSize,
  };
  if (options.sourceMaxPositions !== undefined && options.sourceMaxPositions > dims.maxPositions) {
    // The rotary tables hold max_position_embeddings rows; the source's own claim is kept for reference.
    config.source_max_position_embeddings = options.sourceMaxPositions;
  }
  if (options.externalDataChunks && Object.keys(options.externalDataChunks).length > 0) {
    config['transformers.js_config'] = { use_external_data_format: options.externalDataChunks };
  }
  return config;
}

/** Greedy by default (no do_sample); callers always pass max_new_tokens. */
export function buildGenerationConfigJson(
  bosTokenId: number | undefined,
  eosTokenIds: number[],
): Record<string, unknown> {
  return { bos_token_id: bosTokenId ?? null, eos_token_id: idOrList(eosTokenIds), do_sample: false };
}
