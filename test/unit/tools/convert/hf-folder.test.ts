/**
 * A Hugging Face folder (config.json, safetensors, tokenizer.json) as converter input: the synthetic
 * tiny-llama's weights saved as safetensors (one F16 tensor, the rest F32, in two shards) convert to
 * a graph with the same logits as the fixture generator's own model.onnx (same builder, same weights).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { AutoModelForCausalLM, env, Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertModel } from '../../../../tools/convert/convert';
import { float32ToFloat16Bits } from '../../../../tools/convert/quant/fp16';
import { transposeToRows } from '../../../../tools/convert/quant/matmul-nbits';
import { ensureFixtures } from '../../../../tools/fixtures/ensure';
import { TINY_DIMS } from '../../../../tools/fixtures/model-spec';
import { TINY_LLAMA_DIR } from '../../../../tools/fixtures/paths';
import { randomWeights } from '../../../../tools/fixtures/weights';

const work = mkdtempSync(join(tmpdir(), 'hf-folder-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const HF_DIR = join(work, 'tiny-llama-hf');

/** One safetensors file: 8-byte little-endian header length, JSON header, raw little-endian data. */
function writeSafetensors(
  path: string,
  tensors: Record<string, { dtype: 'F32' | 'F16'; shape: number[]; data: Float32Array | Uint16Array }>,
): void {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  const parts = Object.values(tensors).map((t) =>
    Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength),
  );
  writeFileSync(path, Buffer.concat([length, json, ...parts]));
}

beforeAll(() => {
  ensureFixtures();
  const d = TINY_DIMS;
  // The same seed as tools/fixtures/build.ts uses for tiny-llama.
  const w = randomWeights(d, 1234);
  const qDim = d.numHeads * d.headDim;
  const kvDim = d.numKvHeads * d.headDim;
  const f32 = (data: Float32Array, shape: number[]) => ({ dtype: 'F32' as const, shape, data });
  const linear = (m: Float32Array, k: number, n: number) => f32(transposeToRows(m, k, n), [n, k]);
  const shard1: Parameters<typeof writeSafetensors>[1] = {
    // F16 on purpose: the converter must widen it (the fp16 rounding is applied to the reference below).
    'model.embed_tokens.weight': {
      dtype: 'F16',
      shape: [d.vocabSize, d.hiddenSize],
      data: float32ToFloat16Bits(w.embed),
    },
  };
  const shard2: Parameters<typeof writeSafetensors>[1] = {};
  w.layers.forEach((l, i) => {
    const p = `model.layers.${i}`;
    const target = i === 0 ? shard1 : shard2;
    target[`${p}.input_layernorm.weight`] = f32(l.inputNorm, [d.hiddenSize]);
    target[`${p}.post_attention_layernorm.weight`] = f32(l.postNorm, [d.hiddenSize]);
    target[`${p}.self_attn.q_proj.weight`] = linear(l.q, d.hiddenSize, qDim);
    target[`${p}.self_attn.k_proj.weight`] = linear(l.k, d.hiddenSize, kvDim);
    target[`${p}.self_attn.v_proj.weight`] = linear(l.v, d.hiddenSize, kvDim);
    target[`${p}.self_attn.o_proj.weight`] = linear(l.o, qDim, d.hiddenSize);
    target[`${p}.mlp.gate_proj.weight`] = linear(l.gate, d.hiddenSize, d.intermediateSize);
    target[`${p}.mlp.up_proj.weight`] = linear(l.up, d.hiddenSize, d.intermediateSize);
    target[`${p}.mlp.down_proj.weight`] = linear(l.down, d.intermediateSize, d.hiddenSize);
  });
  shard2['model.norm.weight'] = f32(w.finalNorm, [d.hiddenSize]);
  shard2['lm_head.weight'] = linear(w.lmHead, d.hiddenSize, d.vocabSize);
  mkdirSync(HF_DIR, { recursive: true });
  writeSafetensors(join(HF_DIR, 'model-00001-of-00002.safetensors'), shard1);
  writeSafetensors(join(HF_DIR, 'model-00002-of-00002.safetensors'), shard2);
  const weightMap: Record<string, string> = {};
  for (const name of Object.keys(shard1)) weightMap[name] = 'model-00001-of-00002.safetensors';
  for (const name of Object.keys(shard2)) weightMap[name] = 'model-00002-of-00002.safetensors';
  writeFileSync(
    join(HF_DIR, 'model.safetensors.index.json'),
    JSON.stringify({ metadata: {}, weight_map: weightMap }),
  );
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json'])
    copyFileSync(join(TINY_LLAMA_DIR, f), join(HF_DIR, f));
});

async function firstLogits(dir: string): Promise<Float32Array> {
  env.allowRemoteModels = false;
  env.localModelPath = dirname(dir);
  const model: PreTrainedModel = await AutoModelForCausalLM.from_pretrained(basename(dir), { dtype: 'fp32' });
  const ids = [1, 450, 4996, 17354, 1701];
  const out = (await model({
    input_ids: new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
    attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
  })) as { logits: Tensor };
  return out.logits.data as Float32Array;
}

describe('Hugging Face folder input', () => {
  it('converts sharded safetensors to the same logits as the fixture built from the same weights', async () => {
    const out = join(work, 'converted');
    await convertModel({ input: HF_DIR, outDir: out, formats: ['fp32'] });
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({
      tie_word_embeddings: false,
      num_key_value_heads: TINY_DIMS.numKvHeads,
      eos_token_id: 2,
    });
    const ours = await firstLogits(out);
    const fixture = await firstLogits(TINY_LLAMA_DIR);
    expect(ours.length).toBe(fixture.length);
    // The embedding went through fp16: relative error ~1e-3 on a random model's logits.
    let worst = 0;
    let scale = 0;
    for (let i = 0; i < ours.length; i++) {
      worst = Math.max(worst, Math.abs((ours[i] ?? 0) - (fixture[i] ?? 0)));
      scale = Math.max(scale, Math.abs(fixture[i] ?? 0));
    }
    console.log(
      `[hf-folder.test] max |logit diff| ${worst.toExponential(2)} of max |logit| ${scale.toFixed(1)}`,
    );
    expect(worst / scale).toBeLessThan(5e-3);
  });

  it('refuses PyTorch .bin checkpoints with advice', async () => {
    const dir = join(work, 'bin-only');
    mkdirSync(dir);
    copyFileSync(join(TINY_LLAMA_DIR, 'config.json'), join(dir, 'config.json'));
    writeFileSync(join(dir, 'pytorch_model.bin'), 'pickle');
    await expect(
      convertModel({ input: dir, outDir: join(work, 'bin-out'), formats: ['q4'] }),
    ).rejects.toThrow(
      /holds PyTorch \.bin weights .*convert a GGUF of the same model instead, or save it as safetensors first/,
    );
  });
});
