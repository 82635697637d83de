/**
 * A Hugging Face model folder as a converter input: config.json (LlamaForCausalLM), safetensors
 * weights (one file or shards with model.safetensors.index.json) and tokenizer.json.
 *
 * safetensors is read here directly (an 8-byte header length, a JSON header, raw little-endian
 * tensors): the format is that small, and the npm readers load whole files into memory.
 * PyTorch `.bin` shards are pickles that need PyTorch to read; they are refused with advice.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { dequantize } from '../gguf/dequantize';
import { GgmlType } from '../gguf/ggml-types';
import type { LlamaDims, RopeScaling } from '../graph/llama-dims';
import type { LinearSource, LlamaWeightSource } from '../graph/llama-graph';
import { llamaWeightCount, UnsupportedModelError, type ModelSource } from './model-source';

interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  /** Absolute byte range in the file. */
  begin: number;
  end: number;
  file: string;
}

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new UnsupportedModelError(`${path} cannot be read as JSON (${(error as Error).message})`);
  }
}

function readHeader(path: string): Map<string, SafetensorsEntry> {
  const fd = openSync(path, 'r');
  try {
    const lengthBytes = Buffer.alloc(8);
    if (readSync(fd, lengthBytes, 0, 8, 0) !== 8)
      throw new UnsupportedModelError(`${path} is too short to be safetensors`);
    const headerLength = Number(lengthBytes.readBigUInt64LE(0));
    if (headerLength > 100_000_000)
      throw new UnsupportedModelError(`${path} is not a safetensors file (header of ${headerLength} bytes)`);
    const header = Buffer.alloc(headerLength);
    readSync(fd, header, 0, headerLength, 8);
    const parsed = JSON.parse(header.toString('utf8')) as Record<
      string,
      { dtype: string; shape: number[]; data_offsets: [number, number] }
    >;
    const entries = new Map<string, SafetensorsEntry>();
    for (const [name, info] of Object.entries(parsed)) {
      if (name === '__metadata__') continue;
      const [begin, end] = info.data_offsets;
      entries.set(name, {
        dtype: info.dtype,
        shape: info.shape,
        begin: 8 + headerLength + begin,
        end: 8 + headerLength + end,
        file: path,
      });
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

function readFloat32(entry: SafetensorsEntry): Float32Array {
  const bytes = new Uint8Array(entry.end - entry.begin);
  const fd = openSync(entry.file, 'r');
  try {
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(fd, bytes, done, bytes.length - done, entry.begin + done);
      if (n === 0) throw new UnsupportedModelError(`${entry.file} is truncated: download it again`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  switch (entry.dtype) {
    case 'F32':
      return new Float32Array(bytes.buffer, 0, bytes.length / 4);
    case 'F16':
      return dequantize(GgmlType.F16, bytes, bytes.length / 2);
    case 'BF16':
      return dequantize(GgmlType.BF16, bytes, bytes.length / 2);
    default:
      throw new UnsupportedModelError(
        `${entry.file}: dtype ${entry.dtype} is not supported (supported: F32, F16, BF16)`,
      );
  }
}

function ropeScaling(config: Record<string, unknown>): RopeScaling | undefined {
  const s = config.rope_scaling as Record<string, unknown> | null | undefined;
  if (!s) return undefined;
  const type = (s.rope_type ?? s.type) as string;
  const factor = Number(s.factor);
  if (type === 'linear') return { type: 'linear', factor };
  if (type === 'llama3') {
    return {
      type: 'llama3',
      factor,
      lowFreqFactor: Number(s.low_freq_factor),
      highFreqFactor: Number(s.high_freq_factor),
      originalMaxPositions: Number(s.original_max_position_embeddings),
    };
  }
  throw new UnsupportedModelError(`rope_scaling "${type}" is not supported (supported: linear, llama3)`);
}

function ids(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.filter((v): v is number => typeof v === 'number');
  return [];
}

export function openHfFolderSource(dir: string): ModelSource {
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath))
    throw new UnsupportedModelError(`${dir} has no config.json: is it a Hugging Face model folder?`);
  const config = readJson(configPath);
  const archs = (config.architectures as string[] | undefined) ?? [];
  if (config.model_type !== 'llama' && !archs.includes('LlamaForCausalLM')) {
    throw new UnsupportedModelError(
      `${dir}: model_type "${String(config.model_type)}" is not supported (supported: llama)`,
    );
  }
  const entries = new Map<string, SafetensorsEntry>();
  const index = join(dir, 'model.safetensors.index.json');
  if (existsSync(index)) {
    const weightMap = readJson(index).weight_map as Record<string, string>;
    for (const file of new Set(Object.values(weightMap)))
      for (const [k, v] of readHeader(join(dir, file))) entries.set(k, v);
  } else if (existsSync(join(dir, 'model.safetensors'))) {
    for (const [k, v] of readHeader(join(dir, 'model.safetensors'))) entries.set(k, v);
  } else if (
    existsSync(join(dir, 'pytorch_model.bin')) ||
    existsSync(join(dir, 'pytorch_model.bin.index.json'))
  ) {
    throw new UnsupportedModelError(
      `${dir} holds PyTorch .bin weights (pickles, which need PyTorch to read): convert a GGUF of the same model instead, or save it as safetensors first (transformers: model.save_pretrained(out, safe_serialization=True))`,
    );
  } else {
    throw new UnsupportedModelError(`${dir} has no model.safetensors or model.safetensors.index.json`);
  }
  const tokenizerPath = join(dir, 'tokenizer.json');
  if (!existsSync(tokenizerPath)) {
    throw new UnsupportedModelError(
      `${dir} has no tokenizer.json (a slow-tokenizer-only folder): save it with a fast tokenizer first, or convert a GGUF`,
    );
  }
  const need = (name: string): SafetensorsEntry => {
    const e = entries.get(name);
    if (!e) throw new UnsupportedModelError(`${dir}: weight ${name} is missing`);
    return e;
  };

  const hiddenSize = Number(config.hidden_size);
  const numHeads = Number(config.num_attention_heads);
  const dims: LlamaDims = {
    hiddenSize,
    numHeads,
    numKvHeads: Number(config.num_key_value_heads ?? numHeads),
    headDim: Number(config.head_dim ?? hiddenSize / numHeads),
    numLayers: Number(config.num_hidden_layers),
    intermediateSize: Number(config.intermediate_size),
    vocabSize: Number(config.vocab_size),
    maxPositions: Number(config.max_position_embeddings ?? 2048),
    rmsNormEps: Number(config.rms_norm_eps ?? 1e-6),
    ropeTheta: Number(config.rope_theta ?? 10000),
    ropeScaling: ropeScaling(config),
  };
  const tied = !entries.has('lm_head.weight');
  const linear = (name: string): LinearSource => {
    const e = need(name);
    const [n = 0, k = 0] = e.shape;
    return { n, k, rows: () => readFloat32(e) };
  };
  const weights: LlamaWeightSource = {
    embedding: () => readFloat32(need('model.embed_tokens.weight')),
    norm: (name) => readFloat32(need(name === 'norm' ? 'model.norm.weight' : `model.${name}.weight`)),
    linear(name) {
      if (name === 'lm_head') return linear(tied ? 'model.embed_tokens.weight' : 'lm_head.weight');
      const match = /^layers\.(\d+)\.(\w+)$/.exec(name);
      if (!match) throw new Error(`unknown linear layer ${name}`);
      const group = ['q_proj', 'k_proj', 'v_proj', 'o_proj'].includes(match[2] ?? '') ? 'self_attn' : 'mlp';
      return linear(`model.layers.${match[1]}.${group}.${match[2]}.weight`);
    },
  };

  const generation = existsSync(join(dir, 'generation_config.json'))
    ? readJson(join(dir, 'generation_config.json'))
    : {};
  const tokenizerConfigPath = join(dir, 'tokenizer_config.json');
  const tokenizerConfig = existsSync(tokenizerConfigPath) ? readJson(tokenizerConfigPath) : {};
  const eos = ids(generation.eos_token_id ?? config.eos_token_id);
  const bos = ids(generation.bos_token_id ?? config.bos_token_id)[0];
  return {
    description: dir,
    dims,
    weights,
    tokenizer: {
      tokenizerJson: readJson(tokenizerPath),
      tokenizerConfig,
      eosTokenIds: eos,
      bosTokenId: bos,
      chatTemplate:
        typeof tokenizerConfig.chat_template === 'string' ? tokenizerConfig.chat_template : undefined,
    },
    tiedEmbeddings: tied || config.tie_word_embeddings === true,
    weightCount: llamaWeightCount(dims.numLayers),
    close: () => undefined,
  };
}
