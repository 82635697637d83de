/**
 * A GGUF file (llama.cpp's format) as a converter input: LLaMA-architecture metadata, tensors by
 * llama.cpp's names, and the tokenizer rebuilt from its vocabulary.
 *
 * llama.cpp's converter permutes the rows of Q and K for its RoPE layout (pairs of adjacent values);
 * our graph uses Hugging Face's rotate_half, so those rows are put back in Hugging Face order here.
 * Row permutation keeps quantisation blocks whole (blocks run along a row), so Q4_0 rows still map
 * onto MatMulNBits without loss, and Q4_1 / Q4_K rows onto MatMulNBits plus block offsets.
 */
import { dequantize } from '../gguf/dequantize';
import { GgmlType, ggmlTypeName } from '../gguf/ggml-types';
import {
  openGguf,
  optionalNumber,
  optionalString,
  requireNumber,
  type GgufFile,
  type GgufTensor,
} from '../gguf/read';
import type { LlamaDims, RopeScaling } from '../graph/llama-dims';
import type { LinearSource, LlamaWeightSource } from '../graph/llama-graph';
import {
  Q4_1_AFFINE_BLOCK_BYTES,
  Q4_K_BLOCK_BYTES,
  Q4_K_BLOCK_VALUES,
  q4_1ToAffine,
  q4_KToAffine,
} from '../quant/affine-q4';
import { permuteRows, unpermuteQkRowOrder, type ScaleType } from '../quant/matmul-nbits';
import { tokenizerFilesFromGguf } from '../tokenizer/from-gguf';
import { llamaWeightCount, UnsupportedModelError, type ModelSource } from './model-source';
import { checkLayerCount, checkShape, expectedLlamaShapes, validateLlamaDims } from './validate-dims';

/** Architectures whose GGUF tensors map onto our LLaMA graph unchanged. */
const SUPPORTED_ARCHITECTURES = ['llama'];

/** Weight types we can read (everything else is refused by name before any work starts). */
const READABLE_TYPES: number[] = [
  GgmlType.F32,
  GgmlType.F16,
  GgmlType.BF16,
  GgmlType.Q8_0,
  GgmlType.Q4_0,
  GgmlType.Q4_1,
  GgmlType.Q5_0,
  GgmlType.Q5_1,
  GgmlType.Q4_K,
  GgmlType.Q5_K,
  GgmlType.Q6_K,
];

/** Our graph's weight names → llama.cpp's tensor names. */
const LINEAR_NAMES: Record<string, string> = {
  q_proj: 'attn_q',
  k_proj: 'attn_k',
  v_proj: 'attn_v',
  o_proj: 'attn_output',
  gate_proj: 'ffn_gate',
  up_proj: 'ffn_up',
  down_proj: 'ffn_down',
};

function ropeScaling(file: GgufFile, arch: string, maxPositions: number): RopeScaling | undefined {
  const type = optionalString(file, `${arch}.rope.scaling.type`);
  const factor = optionalNumber(file, `${arch}.rope.scaling.factor`);
  if (type === undefined || type === 'none') return undefined;
  if (type === 'linear' && factor !== undefined) return { type: 'linear', factor };
  throw new UnsupportedModelError(
    `${file.path}: RoPE scaling "${type}" is not supported (supported: none, linear, and Llama 3 frequency factors); context ${maxPositions}`,
  );
}

export async function openGgufSource(path: string): Promise<ModelSource> {
  const file = await openGguf(path);
  try {
    return describe(file);
  } catch (error) {
    await file.close();
    throw error;
  }
}

/** Every tensor the graph reads has the shape the hyperparameters imply (ggml order: [in, out]). */
function checkGgufShapes(
  file: GgufFile,
  dims: LlamaDims,
  need: (name: string) => GgufTensor,
  output: GgufTensor | undefined,
): void {
  const expected = expectedLlamaShapes(dims);
  const ggml = (shape: readonly number[]) => [...shape].reverse();
  checkLayerCount(
    file.path,
    file.tensors.map((t) => t.name),
    /^blk\.(\d+)\./,
    dims.numLayers,
    'llama.block_count',
  );
  checkShape(file.path, 'token_embd.weight', need('token_embd.weight').shape, ggml(expected.embedding));
  if (output) checkShape(file.path, 'output.weight', output.shape, ggml(expected.embedding));
  checkShape(file.path, 'output_norm.weight', need('output_norm.weight').shape, expected.norm);
  for (let i = 0; i < dims.numLayers; i++) {
    for (const norm of ['attn_norm', 'ffn_norm']) {
      const name = `blk.${i}.${norm}.weight`;
      checkShape(file.path, name, need(name).shape, expected.norm);
    }
    for (const [hf, gg] of Object.entries(LINEAR_NAMES)) {
      const name = `blk.${i}.${gg}.weight`;
      checkShape(file.path, name, need(name).shape, ggml(expected.linear[hf]!));
    }
  }
}

/** The tokenizer files, with a refusal naming the GGUF it came from. */
function tokenizerOf(file: GgufFile): ReturnType<typeof tokenizerFilesFromGguf> {
  try {
    return tokenizerFilesFromGguf(file.metadata);
  } catch (error) {
    throw new UnsupportedModelError(`${file.path}: ${(error as Error).message}`);
  }
}

function describe(file: GgufFile): ModelSource {
  const arch = optionalString(file, 'general.architecture') ?? '(none)';
  if (!SUPPORTED_ARCHITECTURES.includes(arch)) {
    throw new UnsupportedModelError(
      `${file.path}: architecture "${arch}" is not supported (supported: ${SUPPORTED_ARCHITECTURES.join(', ')})`,
    );
  }
  const tensors = new Map(file.tensors.map((t) => [t.name, t]));
  for (const t of file.tensors) {
    if (!READABLE_TYPES.includes(t.type)) {
      throw new UnsupportedModelError(
        `${file.path}: tensor ${t.name} is ${ggmlTypeName(t.type)}, which this converter cannot read (supported: ${READABLE_TYPES.map(ggmlTypeName).join(', ')})`,
      );
    }
  }
  const need = (name: string): GgufTensor => {
    const t = tensors.get(name);
    if (!t)
      throw new UnsupportedModelError(
        `${file.path}: tensor ${name} is missing; is this a complete LLaMA GGUF?`,
      );
    return t;
  };

  const hiddenSize = requireNumber(file, `${arch}.embedding_length`);
  const numHeads = requireNumber(file, `${arch}.attention.head_count`);
  const numKvHeads = optionalNumber(file, `${arch}.attention.head_count_kv`) ?? numHeads;
  const headDim = optionalNumber(file, `${arch}.attention.key_length`) ?? hiddenSize / numHeads;
  const embedding = need('token_embd.weight');
  // llama.cpp takes the vocabulary size from the token list; the embedding must have that many rows.
  const tokenList = file.metadata['tokenizer.ggml.tokens'];
  const vocabSize = Array.isArray(tokenList) ? tokenList.length : (embedding.shape[1] ?? 0);
  const maxPositions = requireNumber(file, `${arch}.context_length`);
  const freqs = tensors.get('rope_freqs.weight');
  if (freqs) checkShape(file.path, freqs.name, freqs.shape, [headDim / 2]);
  const declared: LlamaDims = {
    hiddenSize,
    numHeads,
    numKvHeads,
    headDim,
    numLayers: requireNumber(file, `${arch}.block_count`),
    intermediateSize: requireNumber(file, `${arch}.feed_forward_length`),
    vocabSize,
    maxPositions,
    rmsNormEps: requireNumber(file, `${arch}.attention.layer_norm_rms_epsilon`),
    ropeTheta: optionalNumber(file, `${arch}.rope.freq_base`) ?? 10000,
    ropeScaling: ropeScaling(file, arch, maxPositions),
    ropeFreqFactors: freqs ? dequantize(freqs.type, file.readTensorSync(freqs), freqs.elements) : undefined,
  };
  const dims = validateLlamaDims(file.path, declared, {
    hiddenSize: `${arch}.embedding_length`,
    numHeads: `${arch}.attention.head_count`,
    numKvHeads: `${arch}.attention.head_count_kv`,
    headDim: `${arch}.attention.key_length`,
    numLayers: `${arch}.block_count`,
    intermediateSize: `${arch}.feed_forward_length`,
    vocabSize: 'tokenizer.ggml.tokens (count)',
    maxPositions: `${arch}.context_length`,
    rmsNormEps: `${arch}.attention.layer_norm_rms_epsilon`,
    ropeTheta: `${arch}.rope.freq_base`,
  });
  checkGgufShapes(file, dims, need, tensors.get('output.weight'));

  const output = tensors.get('output.weight');
  const dequantizeTensor = (t: GgufTensor) => dequantize(t.type, file.readTensorSync(t), t.elements);
  const linear = (t: GgufTensor, unpermuteHeads?: number): LinearSource => {
    const [k = 0, n = 0] = t.shape;
    const order = unpermuteHeads ? unpermuteQkRowOrder(n, unpermuteHeads) : undefined;
    // Affine 4-bit types: raw block bytes per row are k / values * bytes.
    const affine =
      t.type === GgmlType.Q4_1
        ? { values: 32, bytes: Q4_1_AFFINE_BLOCK_BYTES, convert: q4_1ToAffine }
        : t.type === GgmlType.Q4_K
          ? { values: Q4_K_BLOCK_VALUES, bytes: Q4_K_BLOCK_BYTES, convert: q4_KToAffine }
          : undefined;
    return {
      n,
      k,
      rows: () => {
        const rows = dequantizeTensor(t);
        return order ? permuteRows(rows, order, k) : rows;
      },
      q4_0:
        t.type === GgmlType.Q4_0
          ? () => {
              const raw = file.readTensorSync(t);
              return order ? permuteRows(raw, order, (k / 32) * 18) : raw;
            }
          : undefined,
      q4Affine: affine
        ? (scaleType: ScaleType) => {
            const raw = file.readTensorSync(t);
            const rows = order ? permuteRows(raw, order, (k / affine.values) * affine.bytes) : raw;
            return affine.convert(rows, n, k, scaleType);
          }
        : undefined,
    };
  };

  const weights: LlamaWeightSource = {
    embedding: () => dequantizeTensor(embedding),
    norm(name) {
      if (name === 'norm') return dequantizeTensor(need('output_norm.weight'));
      const match = /^layers\.(\d+)\.(input_layernorm|post_attention_layernorm)$/.exec(name);
      if (!match) throw new Error(`unknown norm ${name}`);
      const kind = match[2] === 'input_layernorm' ? 'attn_norm' : 'ffn_norm';
      return dequantizeTensor(need(`blk.${match[1]}.${kind}.weight`));
    },
    linear(name) {
      if (name === 'lm_head') return linear(output ?? embedding);
      const match = /^layers\.(\d+)\.(\w+)$/.exec(name);
      const ggufName = match && LINEAR_NAMES[match[2] ?? ''];
      if (!match || !ggufName) throw new Error(`unknown linear layer ${name}`);
      const heads = ggufName === 'attn_q' ? numHeads : ggufName === 'attn_k' ? numKvHeads : undefined;
      return linear(need(`blk.${match[1]}.${ggufName}.weight`), heads);
    },
  };

  return {
    description: file.path,
    dims,
    sourceMaxPositions: maxPositions,
    weights,
    tokenizer: tokenizerOf(file),
    tiedEmbeddings: output === undefined,
    weightCount: llamaWeightCount(dims.numLayers),
    close: () => file.close(),
  };
}
