/**
 * A Hugging Face model folder as a converter input: config.json (LlamaForCausalLM), safetensors
 * weights (one file or shards with model.safetensors.index.json) and tokenizer.json.
 *
 * safetensors is read here directly (an 8-byte header length, a JSON header, raw little-endian
 * tensors): the format is that small, and the npm readers load whole files into memory.
 * PyTorch `.bin` shards are pickles that need PyTorch to read; they are refused with advice.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { dequantize } from '../gguf/dequantize';
import { GgmlType } from '../gguf/ggml-types';
import type { LlamaDims, RopeScaling } from '../graph/llama-dims';
import type { LinearSource, LlamaWeightSource } from '../graph/llama-graph';
import { llamaWeightCount, UnsupportedModelError, type ModelSource } from './model-source';
import { checkLayerCount, checkShape, expectedLlamaShapes, validateLlamaDims } from './validate-dims';

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

/** Bytes per value of the safetensors dtypes (all of them, so a header is checked even for ones we cannot convert). */
const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};

/** Largest header the safetensors crate accepts (100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

/**
 * Reads and validates a safetensors header like the safetensors crate: a JSON object of entries,
 * each with a known dtype, a shape of non-negative integers and data_offsets inside the file whose
 * length is the shape's product times the dtype's size; no two entries share bytes.
 */
function readHeader(path: string): Map<string, SafetensorsEntry> {
  const fileBytes = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const lengthBytes = Buffer.alloc(8);
    if (readSync(fd, lengthBytes, 0, 8, 0) !== 8)
      throw new UnsupportedModelError(`${path} is too short to be safetensors`);
    const declared = lengthBytes.readBigUInt64LE(0);
    if (declared > BigInt(Math.min(MAX_HEADER_BYTES, fileBytes - 8))) {
      throw new UnsupportedModelError(
        `${path} is not a safetensors file: its header length ${declared} is past the end of the ${fileBytes}-byte file or above ${MAX_HEADER_BYTES}`,
      );
    }
    const headerLength = Number(declared);
    const header = Buffer.alloc(headerLength);
    if (readSync(fd, header, 0, headerLength, 8) !== headerLength)
      throw new UnsupportedModelError(`${path}: the safetensors header cannot be read whole`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(header.toString('utf8'));
    } catch (error) {
      throw new UnsupportedModelError(
        `${path}: the safetensors header is not JSON (${(error as Error).message})`,
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new UnsupportedModelError(`${path}: the safetensors header must be a JSON object`);
    const dataBytes = fileBytes - 8 - headerLength;
    const entries = new Map<string, SafetensorsEntry>();
    for (const [name, info] of Object.entries(parsed as Record<string, unknown>)) {
      if (name === '__metadata__') continue;
      entries.set(name, checkEntry(path, name, info, dataBytes, 8 + headerLength));
    }
    const ordered = [...entries.entries()].sort((a, b) => a[1].begin - b[1].begin);
    for (let i = 1; i < ordered.length; i++) {
      const [prevName, prev] = ordered[i - 1]!;
      const [name, e] = ordered[i]!;
      if (e.begin < prev.end) {
        throw new UnsupportedModelError(
          `${path}: tensor ${name} (data_offsets ${e.begin - 8 - headerLength}–${e.end - 8 - headerLength}) overlaps tensor ${prevName}; tensors must not share bytes`,
        );
      }
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

function checkEntry(
  path: string,
  name: string,
  info: unknown,
  dataBytes: number,
  dataStart: number,
): SafetensorsEntry {
  const where = `${path}: tensor ${name}`;
  const e = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
  if (typeof e !== 'object' || e === null) throw new UnsupportedModelError(`${where} is not an object`);
  const size = typeof e.dtype === 'string' ? DTYPE_BYTES[e.dtype] : undefined;
  if (size === undefined)
    throw new UnsupportedModelError(`${where} has dtype ${JSON.stringify(e.dtype)}, not a safetensors dtype`);
  const shape = e.shape;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0))
    throw new UnsupportedModelError(
      `${where} has shape ${JSON.stringify(shape)}; it must be a list of integers ≥ 0`,
    );
  const offsets = e.data_offsets;
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o)) ||
    offsets[0] < 0 ||
    offsets[1] < offsets[0] ||
    offsets[1] > dataBytes
  ) {
    throw new UnsupportedModelError(
      `${where} has data_offsets ${JSON.stringify(offsets)}; they must be [begin, end] with 0 ≤ begin ≤ end ≤ ${dataBytes} (the data section)`,
    );
  }
  const [begin, end] = offsets as [number, number];
  const bytes = (shape as number[]).reduce((a, b) => a * b, size);
  if (bytes !== end - begin) {
    throw new UnsupportedModelError(
      `${where}: shape [${shape.join(', ')}] of ${e.dtype} needs ${bytes} bytes but data_offsets span ${end - begin}`,
    );
  }
  return {
    dtype: e.dtype as string,
    shape: shape as number[],
    begin: dataStart + begin,
    end: dataStart + end,
    file: path,
  };
}

/** The shard files an index names, each refused unless it stays inside the model folder. */
function shardFiles(dir: string, indexPath: string): string[] {
  const weightMap = readJson(indexPath).weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap))
    throw new UnsupportedModelError(`${indexPath}: weight_map must be an object of tensor name → file name`);
  const root = resolve(dir);
  const files = new Set<string>();
  for (const [tensor, file] of Object.entries(weightMap as Record<string, unknown>)) {
    const full = typeof file === 'string' ? resolve(root, file) : '';
    const rel = relative(root, full);
    if (
      typeof file !== 'string' ||
      isAbsolute(file) ||
      rel === '' ||
      rel.startsWith('..') ||
      isAbsolute(rel)
    ) {
      throw new UnsupportedModelError(
        `${indexPath}: weight_map[${JSON.stringify(tensor)}] is ${JSON.stringify(file)}; shard files must be inside the model folder`,
      );
    }
    files.add(full);
  }
  return [...files];
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
  // Kept as written: validateLlamaDims refuses anything but finite positive numbers, by name.
  const factor = s.factor as number;
  if (type === 'linear') return { type: 'linear', factor };
  if (type === 'llama3') {
    return {
      type: 'llama3',
      factor,
      lowFreqFactor: s.low_freq_factor as number,
      highFreqFactor: s.high_freq_factor as number,
      originalMaxPositions: s.original_max_position_embeddings as number,
    };
  }
  throw new UnsupportedModelError(`rope_scaling "${type}" is not supported (supported: linear, llama3)`);
}

function ids(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.filter((v): v is number => typeof v === 'number');
  return [];
}

/** Every weight the graph reads has the shape the config implies (Hugging Face order: [out, in]). */
function checkHfShapes(dir: string, dims: LlamaDims, entries: Map<string, SafetensorsEntry>): void {
  const expected = expectedLlamaShapes(dims);
  const shapeOf = (name: string): number[] => {
    const e = entries.get(name);
    if (!e) throw new UnsupportedModelError(`${dir}: weight ${name} is missing`);
    return e.shape;
  };
  checkLayerCount(dir, entries.keys(), /^model\.layers\.(\d+)\./, dims.numLayers, 'num_hidden_layers');
  checkShape(dir, 'model.embed_tokens.weight', shapeOf('model.embed_tokens.weight'), expected.embedding);
  if (entries.has('lm_head.weight'))
    checkShape(dir, 'lm_head.weight', shapeOf('lm_head.weight'), expected.embedding);
  checkShape(dir, 'model.norm.weight', shapeOf('model.norm.weight'), expected.norm);
  for (let i = 0; i < dims.numLayers; i++) {
    for (const norm of ['input_layernorm', 'post_attention_layernorm']) {
      const name = `model.layers.${i}.${norm}.weight`;
      checkShape(dir, name, shapeOf(name), expected.norm);
    }
    for (const [proj, shape] of Object.entries(expected.linear)) {
      const group =
        proj.endsWith('_proj') && ['q_proj', 'k_proj', 'v_proj', 'o_proj'].includes(proj)
          ? 'self_attn'
          : 'mlp';
      const name = `model.layers.${i}.${group}.${proj}.weight`;
      checkShape(dir, name, shapeOf(name), shape);
    }
  }
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
    for (const file of shardFiles(dir, index)) {
      if (!existsSync(file)) throw new UnsupportedModelError(`${index} names ${file}, which does not exist`);
      for (const [k, v] of readHeader(file)) entries.set(k, v);
    }
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

  // Values are passed on as written (a string stays a string) so validation names the key and value.
  const n = (key: string, fallback?: number) => (config[key] ?? fallback) as number;
  const hiddenSize = n('hidden_size');
  const numHeads = n('num_attention_heads');
  const dims = validateLlamaDims(
    configPath,
    {
      hiddenSize,
      numHeads,
      numKvHeads: n('num_key_value_heads', numHeads),
      headDim: n('head_dim', hiddenSize / numHeads),
      numLayers: n('num_hidden_layers'),
      intermediateSize: n('intermediate_size'),
      vocabSize: n('vocab_size'),
      maxPositions: n('max_position_embeddings', 2048),
      rmsNormEps: n('rms_norm_eps', 1e-6),
      ropeTheta: n('rope_theta', 10000),
      ropeScaling: ropeScaling(config),
    },
    {
      hiddenSize: 'hidden_size',
      numHeads: 'num_attention_heads',
      numKvHeads: 'num_key_value_heads',
      headDim: 'head_dim',
      numLayers: 'num_hidden_layers',
      intermediateSize: 'intermediate_size',
      vocabSize: 'vocab_size',
      maxPositions: 'max_position_embeddings',
      rmsNormEps: 'rms_norm_eps',
      ropeTheta: 'rope_theta',
    },
  );
  checkHfShapes(dir, dims, entries);
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
    sourceMaxPositions: n('max_position_embeddings', 2048),
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
