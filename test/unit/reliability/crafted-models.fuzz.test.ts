/**
 * Crafted model files (issue #23): a seeded generator of hostile GGUF headers, built from a small
 * random-weight LLaMA GGUF and from the real SmolLM2 GGUF, and of hostile safetensors folders. Every
 * case must either be refused with a message naming the file and what is wrong, within seconds and
 * without memory driven by header numbers, or convert into a model equal to the original; no case
 * leaves a staging folder, and the input is never deleted.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GGUFValueType } from '@huggingface/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertModel } from '../../../tools/convert/convert';
import { GgmlType } from '../../../tools/convert/gguf/ggml-types';
import { openModelSource } from '../../../tools/convert/sources/open-source';
import { ROTARY_POSITION_CAP } from '../../../tools/convert/sources/validate-dims';
import {
  cloneHeader,
  readCraftableHeader,
  writeCraftedGguf,
  type CraftedHeader,
} from '../../fixtures/crafted-gguf';
import { ensureSmolLM2Gguf } from '../../../tools/fixtures/real-model';
import { SMALL_MHA_DIMS, writeRandomLlamaGguf } from '../../fixtures/random-llama-gguf';
import { mulberry32 } from '../../../tools/fixtures/rng';

const work = mkdtempSync(join(tmpdir(), 'crafted-models-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SMALL = join(work, 'small.gguf');
const SMALL_DIMS = { ...SMALL_MHA_DIMS, numLayers: 2 };
let small: CraftedHeader;

/** Memory a refusal may take: far below what the header numbers would ask for. */
const MEMORY_LIMIT = 1.5e9;

beforeAll(async () => {
  await writeRandomLlamaGguf(SMALL, { dims: SMALL_DIMS, weightType: GgmlType.F32, seed: 23 });
  small = await readCraftableHeader(SMALL);
}, 60_000);

type Mutation = (h: CraftedHeader) => void;

const u32 = (value: number) => ({ value, type: GGUFValueType.UINT32 });
const u64 = (value: bigint) => ({ value, type: GGUFValueType.UINT64 });
const f32 = (value: number) => ({ value, type: GGUFValueType.FLOAT32 });
const str = (value: string) => ({ value, type: GGUFValueType.STRING });
const tensor = (h: CraftedHeader, name: string) => {
  const t = h.tensors.find((x) => x.name === name);
  if (!t) throw new Error(`fixture has no ${name}`);
  return t;
};

/** Named hostile mutations and the words the refusal must contain. */
const HOSTILE: { name: string; mutate: Mutation; reason: RegExp }[] = [
  {
    name: 'alignment 7',
    mutate: (h) => void (h.metadata['general.alignment'] = u32(7)),
    reason: /general\.alignment.*power of two/,
  },
  {
    name: 'alignment 2^32-1',
    mutate: (h) => void (h.metadata['general.alignment'] = u32(2 ** 32 - 1)),
    reason: /general\.alignment/,
  },
  {
    name: 'alignment 2^40',
    mutate: (h) => void (h.metadata['general.alignment'] = u64(2n ** 40n)),
    reason: /general\.alignment/,
  },
  {
    name: 'block_count 0',
    mutate: (h) => void (h.metadata['llama.block_count'] = u32(0)),
    reason: /llama\.block_count is 0/,
  },
  {
    name: 'block_count 1 of 2',
    mutate: (h) => void (h.metadata['llama.block_count'] = u32(1)),
    reason: /block_count is 1 but the file holds tensors for 2 layers/,
  },
  {
    name: 'block_count 2^32-1',
    mutate: (h) => void (h.metadata['llama.block_count'] = u32(2 ** 32 - 1)),
    reason: /llama\.block_count is 4294967295/,
  },
  {
    name: 'context_length 0',
    mutate: (h) => void (h.metadata['llama.context_length'] = u32(0)),
    reason: /llama\.context_length is 0/,
  },
  {
    name: 'context_length 2^32-1',
    mutate: (h) => void (h.metadata['llama.context_length'] = u32(2 ** 32 - 1)),
    reason: /llama\.context_length/,
  },
  {
    name: 'rope base 0',
    mutate: (h) => void (h.metadata['llama.rope.freq_base'] = f32(0)),
    reason: /rope\.freq_base is 0; the RoPE base/,
  },
  {
    name: 'rope base NaN',
    mutate: (h) => void (h.metadata['llama.rope.freq_base'] = f32(NaN)),
    reason: /rope\.freq_base/,
  },
  {
    name: 'rms eps -1',
    mutate: (h) => void (h.metadata['llama.attention.layer_norm_rms_epsilon'] = f32(-1)),
    reason: /layer_norm_rms_epsilon/,
  },
  {
    name: 'rope scaling factor 0',
    mutate: (h) => {
      h.metadata['llama.rope.scaling.type'] = str('linear');
      h.metadata['llama.rope.scaling.factor'] = f32(0);
    },
    reason: /rope scaling factor is 0/,
  },
  {
    name: 'head_count 0',
    mutate: (h) => void (h.metadata['llama.attention.head_count'] = u32(0)),
    reason: /head_count/,
  },
  {
    name: 'head_count_kv 3',
    mutate: (h) => void (h.metadata['llama.attention.head_count_kv'] = u32(3)),
    reason: /head_count_kv is 3/,
  },
  {
    name: 'ffn length wrong',
    mutate: (h) => void (h.metadata['llama.feed_forward_length'] = u32(96)),
    reason: /ffn_gate\.weight has shape/,
  },
  {
    name: 'embedding_length wrong',
    mutate: (h) => void (h.metadata['llama.embedding_length'] = u32(128)),
    reason: /has shape/,
  },
  {
    name: 'embedding rows ≠ vocab',
    mutate: (h) => {
      const t = tensor(h, 'token_embd.weight');
      t.shape = [t.shape[0]!, t.shape[1]! - 32n];
    },
    reason: /token_embd\.weight has shape/,
  },
  {
    name: 'attn_k transposed',
    mutate: (h) => {
      const t = tensor(h, 'blk.0.attn_k.weight');
      // Same byte count, other shape: only the hyperparameters can tell.
      t.shape = [t.shape[0]! / 2n, t.shape[1]! * 2n];
    },
    reason: /attn_k\.weight has shape/,
  },
  {
    name: 'overlapping tensors',
    mutate: (h) => void (tensor(h, 'blk.0.attn_v.weight').offset = tensor(h, 'blk.0.attn_k.weight').offset),
    reason: /overlaps/,
  },
  {
    name: 'duplicate name',
    mutate: (h) => void (tensor(h, 'blk.0.attn_v.weight').name = 'blk.0.attn_k.weight'),
    reason: /listed twice/,
  },
  {
    name: 'retyped into neighbour',
    mutate: (h) => void (tensor(h, 'blk.0.attn_norm.weight').dtype = GgmlType.F64),
    reason: /overlaps|ends past the end/,
  },
  {
    name: 'misaligned offset',
    mutate: (h) => void (tensor(h, 'output_norm.weight').offset += 4n),
    reason: /not a multiple of the alignment/,
  },
  {
    name: 'offset past end',
    mutate: (h) => void (tensor(h, 'output_norm.weight').offset = 2n ** 50n),
    reason: /ends past the end/,
  },
  {
    name: 'dimension 0',
    mutate: (h) => void (tensor(h, 'output_norm.weight').shape = [0n]),
    reason: /positive integer/,
  },
  {
    name: 'huge dims',
    mutate: (h) => void (tensor(h, 'token_embd.weight').shape = [2n ** 32n, 2n ** 32n]),
    reason: /more values than/,
  },
  {
    name: 'unknown type',
    mutate: (h) => void (tensor(h, 'output_norm.weight').dtype = 77),
    reason: /unknown ggml type/,
  },
];

/** Random header mutations: a numeric key or a tensor field set to a hostile value. */
function randomMutation(h: CraftedHeader, rng: () => number): { label: string; mutate: Mutation } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const hostileNumbers = [0, -1, NaN, Infinity, 2 ** 32 - 1, 1e9, 0.5];
  if (rng() < 0.5) {
    const keys = Object.keys(h.metadata).filter(
      (k) => k.startsWith('llama.') && h.metadata[k]!.type !== GGUFValueType.ARRAY,
    );
    const key = pick(keys);
    const value = pick(hostileNumbers);
    return {
      label: `${key} = ${value}`,
      mutate: (x) => void (x.metadata[key] = Number.isInteger(value) && value >= 0 ? u32(value) : f32(value)),
    };
  }
  const index = Math.floor(rng() * h.tensors.length);
  const field = pick(['shape', 'dtype', 'offset'] as const);
  const label = `tensor #${index} ${field}`;
  return {
    label,
    mutate: (x) => {
      const t = x.tensors[index]!;
      if (field === 'shape') t.shape = t.shape.map((d, i) => (i === 0 ? d * 2n : d));
      else if (field === 'dtype') t.dtype = pick([GgmlType.F16, GgmlType.Q8_0, GgmlType.F64, 99]);
      else t.offset += BigInt(pick([32, 64, -32, 1]));
    },
  };
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.includes('.partial-'));
}

/** Writes the case, opens and converts it (fp32), and returns the error (or undefined) and time. */
async function runCase(
  source: string,
  header: CraftedHeader,
  name: string,
  copyData: boolean,
): Promise<{ error?: Error; ms: number; out: string; input: string }> {
  const caseDir = join(work, name.replace(/[^\w]+/g, '_'));
  mkdirSync(caseDir, { recursive: true });
  const input = join(caseDir, 'model.gguf');
  writeCraftedGguf(source, input, header, copyData);
  const out = join(caseDir, 'out');
  const started = performance.now();
  let error: Error | undefined;
  try {
    if (copyData) await convertModel({ input, outDir: out, formats: ['fp32'] });
    else await (await openModelSource(input)).close();
  } catch (e) {
    error = e as Error;
  }
  const ms = performance.now() - started;
  expect(existsSync(input), `${name}: input kept`).toBe(true);
  expect(leftovers(caseDir), `${name}: no staging folder`).toEqual([]);
  expect(process.memoryUsage().rss, `${name}: memory`).toBeLessThan(MEMORY_LIMIT);
  return { error, ms, out, input };
}

describe('crafted GGUF headers', () => {
  let original: string;
  beforeAll(async () => {
    original = join(work, 'original');
    await convertModel({ input: SMALL, outDir: original, formats: ['fp32'] });
  }, 60_000);

  it.each(HOSTILE)('refuses $name with a named reason', async ({ name, mutate, reason }) => {
    const h = cloneHeader(small);
    mutate(h);
    const { error, ms, input } = await runCase(SMALL, h, name, true);
    expect(error?.message, name).toMatch(reason);
    expect(error?.message).toContain(input.split('/').slice(-2).join('/'));
    expect(ms).toBeLessThan(5000);
  });

  it('converts a harmless rewrite (alignment 64, an extra key) into the same model', async () => {
    const h = cloneHeader(small);
    h.metadata['general.alignment'] = u32(64);
    h.metadata['general.comment'] = str('crafted but valid');
    // Offsets must stay multiples of the new alignment: lay the tensors out again.
    let at = 0n;
    h.tensors.forEach((t, i) => {
      t.offset = at;
      const next = small.sourceOffsets[i + 1];
      const size =
        next !== undefined
          ? next - small.sourceOffsets[i]!
          : BigInt(small.sourceBytes - small.sourceDataStart) - small.sourceOffsets[i]!;
      at += ((size + 63n) / 64n) * 64n;
    });
    // writeCraftedGguf copies by the source offsets, so the moved tensors carry the same bytes.
    const { error, out } = await runCase(SMALL, h, 'harmless', true);
    expect(error).toBeUndefined();
    for (const file of ['onnx/model.onnx', 'onnx/model.onnx_data', 'tokenizer.json']) {
      expect(readFileSync(join(out, file)).equals(readFileSync(join(original, file))), file).toBe(true);
    }
  });

  it('caps the rotary tables of a 6,000,000-position context and records it', async () => {
    const h = cloneHeader(small);
    h.metadata['llama.context_length'] = u32(6_000_000);
    const { error, out } = await runCase(SMALL, h, 'long-context', true);
    expect(error).toBeUndefined();
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config.max_position_embeddings).toBe(ROTARY_POSITION_CAP);
    expect(config.source_max_position_embeddings).toBe(6_000_000);
  });

  it('refuses or keeps the meaning of 16 seeded random mutations of the real SmolLM2 header', async () => {
    const realPath = await ensureSmolLM2Gguf();
    const real = await readCraftableHeader(realPath);
    const reference = await openModelSource(realPath);
    const dims = JSON.stringify(reference.dims);
    await reference.close();
    const rng = mulberry32(2323);
    const tally = { refused: 0, accepted: 0 };
    for (let i = 0; i < 16; i++) {
      const { label, mutate } = randomMutation(real, rng);
      const h = cloneHeader(real);
      mutate(h);
      const { error, ms, input } = await runCase(realPath, h, `real-${i}`, false);
      expect(ms, label).toBeLessThan(5000);
      if (error) {
        tally.refused++;
        expect(error.message, label).toContain(input);
        expect(error.message, label).not.toMatch(
          /Invalid typed array length|Cannot read properties|is not iterable/,
        );
      } else {
        tally.accepted++;
        const accepted = await openModelSource(input);
        expect(JSON.stringify(accepted.dims), `${label} accepted with other dims`).toBe(dims);
        await accepted.close();
      }
      rmSync(input);
    }
    console.log(
      `[crafted-models] real-header mutations: ${tally.refused} refused, ${tally.accepted} accepted unchanged`,
    );
    expect(tally.refused).toBeGreaterThan(8);
  }, 120_000);
});

/** A tiny LLaMA as a Hugging Face folder, its header and config open to mutation. */
interface HfCase {
  config: Record<string, unknown>;
  header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  /** Overrides the 8-byte header length. */
  headerLength?: bigint;
  /** Raw header text instead of JSON.stringify(header). */
  headerText?: string;
  /** weight_map of an index file instead of model.safetensors alone. */
  weightMap?: Record<string, string>;
}

const HF = { hidden: 8, heads: 2, ffn: 16, vocab: 16, layers: 2 };

function hfBaseline(): HfCase {
  const shapes: Record<string, number[]> = {
    'model.embed_tokens.weight': [HF.vocab, HF.hidden],
    'model.norm.weight': [HF.hidden],
  };
  for (let i = 0; i < HF.layers; i++) {
    const p = `model.layers.${i}`;
    shapes[`${p}.input_layernorm.weight`] = [HF.hidden];
    shapes[`${p}.post_attention_layernorm.weight`] = [HF.hidden];
    for (const proj of ['q_proj', 'k_proj', 'v_proj', 'o_proj'])
      shapes[`${p}.self_attn.${proj}.weight`] = [HF.hidden, HF.hidden];
    shapes[`${p}.mlp.gate_proj.weight`] = [HF.ffn, HF.hidden];
    shapes[`${p}.mlp.up_proj.weight`] = [HF.ffn, HF.hidden];
    shapes[`${p}.mlp.down_proj.weight`] = [HF.hidden, HF.ffn];
  }
  const header: HfCase['header'] = {};
  let at = 0;
  for (const [name, shape] of Object.entries(shapes)) {
    const bytes = shape.reduce((a, b) => a * b, 4);
    header[name] = { dtype: 'F32', shape, data_offsets: [at, at + bytes] };
    at += bytes;
  }
  return {
    config: {
      architectures: ['LlamaForCausalLM'],
      model_type: 'llama',
      hidden_size: HF.hidden,
      num_attention_heads: HF.heads,
      num_key_value_heads: HF.heads,
      num_hidden_layers: HF.layers,
      intermediate_size: HF.ffn,
      vocab_size: HF.vocab,
      max_position_embeddings: 64,
      rms_norm_eps: 1e-6,
      rope_theta: 10000,
    },
    header,
  };
}

function writeHfCase(dir: string, c: HfCase): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(c.config));
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({ model: { type: 'BPE', vocab: {}, merges: [] } }),
  );
  const text = Buffer.from(c.headerText ?? JSON.stringify(c.header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(c.headerLength ?? BigInt(text.length));
  // The baseline's data size, whatever the crafted offsets claim.
  const dataBytes = Math.max(...Object.values(hfBaseline().header).map((e) => e.data_offsets[1]));
  const file = Buffer.concat([length, text, Buffer.alloc(dataBytes)]);
  if (c.weightMap) {
    writeFileSync(join(dir, 'model-00001.safetensors'), file);
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: c.weightMap }));
  } else writeFileSync(join(dir, 'model.safetensors'), file);
}

const HF_HOSTILE: { name: string; mutate: (c: HfCase) => void; reason: RegExp }[] = [
  {
    name: 'overlapping data_offsets',
    mutate: (c) => void (c.header['model.norm.weight']!.data_offsets = [0, 4 * HF.hidden]),
    reason: /overlaps tensor/,
  },
  {
    name: 'transposed shape',
    mutate: (c) => void (c.header['model.layers.0.mlp.gate_proj.weight']!.shape = [HF.hidden, HF.ffn]),
    reason: /gate_proj\.weight has shape \[8, 16\]; the hyperparameters imply \[16, 8\]/,
  },
  {
    name: 'shape product ≠ bytes',
    mutate: (c) => void (c.header['model.norm.weight']!.shape = [HF.hidden * 2]),
    reason: /model\.norm\.weight: shape \[16\] of F32 needs 64 bytes but data_offsets span 32/,
  },
  {
    name: 'data_offsets past the end',
    mutate: (c) => void (c.header['model.norm.weight']!.data_offsets = [1e12, 1e12 + 32]),
    reason: /model\.norm\.weight has data_offsets \[1000000000000,1000000000032\]/,
  },
  {
    name: 'unknown dtype',
    mutate: (c) => void (c.header['model.norm.weight']!.dtype = 'F128'),
    reason: /dtype "F128"/,
  },
  {
    name: 'header length 2^63',
    mutate: (c) => void (c.headerLength = 2n ** 63n),
    reason: /header length 9223372036854775808/,
  },
  { name: 'header not JSON', mutate: (c) => void (c.headerText = '{"a": '), reason: /header is not JSON/ },
  { name: 'header an array', mutate: (c) => void (c.headerText = '[1, 2]'), reason: /must be a JSON object/ },
  {
    name: 'num_hidden_layers as a string',
    mutate: (c) => void (c.config.num_hidden_layers = '2'),
    reason: /num_hidden_layers is "2"; it must be an integer/,
  },
  {
    name: 'num_hidden_layers 1e9',
    mutate: (c) => void (c.config.num_hidden_layers = 1e9),
    reason: /num_hidden_layers is 1000000000/,
  },
  {
    name: 'num_hidden_layers 1 of 2',
    mutate: (c) => void (c.config.num_hidden_layers = 1),
    reason: /num_hidden_layers is 1 but/,
  },
  { name: 'vocab_size 0', mutate: (c) => void (c.config.vocab_size = 0), reason: /vocab_size is 0/ },
  { name: 'rms_norm_eps -1', mutate: (c) => void (c.config.rms_norm_eps = -1), reason: /rms_norm_eps is -1/ },
  {
    name: 'llama3 rope_scaling factor 0',
    mutate: (c) =>
      void (c.config.rope_scaling = {
        rope_type: 'llama3',
        factor: 0,
        low_freq_factor: 1,
        high_freq_factor: 4,
        original_max_position_embeddings: 64,
      }),
    reason: /rope scaling factor is 0/,
  },
  {
    name: 'weight_map leaving the folder',
    mutate: (c) =>
      void (c.weightMap = {
        'model.norm.weight': '../outside.safetensors',
        'model.embed_tokens.weight': 'model-00001.safetensors',
      }),
    reason:
      /weight_map\["model\.norm\.weight"\] is "\.\.\/outside\.safetensors"; shard files must be inside the model folder/,
  },
  {
    name: 'weight_map with an absolute path',
    mutate: (c) => void (c.weightMap = { 'model.norm.weight': '/etc/passwd' }),
    reason: /shard files must be inside the model folder/,
  },
];

describe('crafted safetensors folders', () => {
  it('the baseline folder opens', async () => {
    const dir = join(work, 'hf-baseline');
    writeHfCase(dir, hfBaseline());
    const source = await openModelSource(dir);
    expect(source.dims.numLayers).toBe(HF.layers);
    await source.close();
  });

  it.each(HF_HOSTILE)('refuses $name with a named reason', async ({ name, mutate, reason }) => {
    const c = hfBaseline();
    mutate(c);
    const dir = join(work, `hf-${name.replace(/[^\w]+/g, '_')}`);
    writeHfCase(dir, c);
    const started = performance.now();
    await expect(openModelSource(dir)).rejects.toThrow(reason);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage().rss).toBeLessThan(MEMORY_LIMIT);
  });
});
