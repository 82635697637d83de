/**
 * `npm run convert` end to end on GGUF files written here (random weights, the real LLaMA 32k
 * SentencePiece vocabulary, llama.cpp's tensor names and Q/K row permutation):
 *
 * - an F32 GGUF converted to fp32 ONNX gives llama.cpp's greedy tokens (node-llama-cpp, same file):
 *   proves the tensor mapping, the Q/K un-permutation and RoPE against an independent engine;
 * - a Q4_0 GGUF maps onto MatMulNBits without loss: q4 logits equal fp32 logits to float error;
 * - several external-data chunks load and give the same logits as one;
 * - bad input (not a GGUF, truncated, another architecture, an unsupported quant type), an existing
 *   output folder and a full disk end in a clear error and leave nothing that looks like a model;
 * - the command line: usage errors exit 2, conversion errors exit 1.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { AutoModelForCausalLM, env, Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { getLlama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { convertModel } from '../../../../tools/convert/convert';
import { GgmlType } from '../../../../tools/convert/gguf/ggml-types';
import { gv, writeGguf } from '../../../../tools/convert/gguf/write';
import { SMALL_MHA_DIMS, writeRandomLlamaGguf } from '../../../fixtures/random-llama-gguf';
import { spmGgufMetadata } from '../../../fixtures/spm-gguf';

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof fs>();
  return { ...actual, writeSync: vi.fn(actual.writeSync) };
});

const ROOT = resolve(import.meta.dirname, '../../../..');
const work = mkdtempSync(join(tmpdir(), 'convert-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const F32_GGUF = join(work, 'small-f32.gguf');
const Q4_0_GGUF = join(work, 'small-q4_0.gguf');
/** Token ids of a short prompt (BOS + ordinary LLaMA tokens). */
const PROMPT_IDS = [1, 450, 4996, 17354, 1701, 432, 17204, 975, 278, 17366, 11203, 29889];
const STEPS = 8;

beforeAll(async () => {
  await writeRandomLlamaGguf(F32_GGUF, { dims: SMALL_MHA_DIMS, weightType: GgmlType.F32, seed: 7 });
  await writeRandomLlamaGguf(Q4_0_GGUF, { dims: SMALL_MHA_DIMS, weightType: GgmlType.Q4_0, seed: 8 });
}, 60_000);

async function load(dir: string, dtype: 'fp32' | 'q4'): Promise<PreTrainedModel> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dirname(dir);
  return AutoModelForCausalLM.from_pretrained(basename(dir), { dtype });
}

/** Greedy ids after the prompt, and the logits of the first prompt pass (last position). */
async function greedy(
  model: PreTrainedModel,
  steps = STEPS,
): Promise<{ ids: number[]; firstLogits: Float32Array }> {
  const ids = [...PROMPT_IDS];
  let firstLogits = new Float32Array();
  for (let s = 0; s < steps; s++) {
    const input = new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);
    const out = (await model({
      input_ids: input,
      attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
    })) as {
      logits: Tensor;
    };
    const vocab = out.logits.dims[2] ?? 0;
    const data = out.logits.data as Float32Array;
    const last = data.subarray((ids.length - 1) * vocab, ids.length * vocab);
    if (s === 0) firstLogits = Float32Array.from(last);
    let best = 0;
    for (let v = 1; v < vocab; v++) if ((last[v] ?? -Infinity) > (last[best] ?? -Infinity)) best = v;
    ids.push(best);
  }
  return { ids: ids.slice(PROMPT_IDS.length), firstLogits };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return worst;
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('.') || f.startsWith('out'));
}

describe('converted models against llama.cpp and each other', () => {
  it('F32 GGUF → fp32 ONNX: the same greedy tokens as llama.cpp on the same file', async () => {
    const out = join(work, 'f32-out');
    const summary = await convertModel({ input: F32_GGUF, outDir: out, formats: ['fp32'] });
    expect(summary.files.map((f) => f.path).sort()).toEqual([
      'config.json',
      'generation_config.json',
      'onnx/model.onnx',
      'onnx/model.onnx_data',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    const ours = await greedy(await load(out, 'fp32'));

    const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' as never });
    try {
      const model = await llama.loadModel({ modelPath: F32_GGUF });
      const context = await model.createContext({ contextSize: 256 });
      const theirs: number[] = [];
      for await (const token of context.getSequence().evaluate(PROMPT_IDS as never, { temperature: 0 })) {
        theirs.push(token as number);
        if (theirs.length >= STEPS) break;
      }
      console.log(`[convert.test] greedy ids ours ${ours.ids.join(',')} llama.cpp ${theirs.join(',')}`);
      expect(ours.ids).toEqual(theirs);
    } finally {
      await llama.dispose();
    }
  });

  it('Q4_0 GGUF → q4 is lossless: MatMulNBits logits equal the fp32 conversion', async () => {
    const out = join(work, 'q4_0-out');
    await convertModel({ input: Q4_0_GGUF, outDir: out, formats: ['fp32', 'q4'] });
    const fp32 = await greedy(await load(out, 'fp32'));
    const q4 = await greedy(await load(out, 'q4'));
    const diff = maxAbsDiff(fp32.firstLogits, q4.firstLogits);
    console.log(`[convert.test] Q4_0 → q4 vs fp32: max |logit diff| ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-3);
    expect(q4.ids).toEqual(fp32.ids);
  });

  it('weights split over several external-data chunks load and give the same logits', async () => {
    const one = join(work, 'chunks-1');
    const many = join(work, 'chunks-many');
    await convertModel({ input: Q4_0_GGUF, outDir: one, formats: ['q4'] });
    await convertModel({ input: Q4_0_GGUF, outDir: many, formats: ['q4'], chunkBytes: 9_000_000 });
    const chunks = readdirSync(join(many, 'onnx')).filter((f) => f.startsWith('model_q4.onnx_data'));
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    const config = JSON.parse(readFileSync(join(many, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config['transformers.js_config']).toEqual({
      use_external_data_format: { 'model_q4.onnx': chunks.length },
    });
    const a = await greedy(await load(one, 'q4'), 1);
    const b = await greedy(await load(many, 'q4'), 1);
    expect(maxAbsDiff(a.firstLogits, b.firstLogits)).toBe(0);
  });

  it('writes the config, generation config and tokenizer files from the GGUF', async () => {
    const out = join(work, 'f32-out');
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({
      model_type: 'llama',
      hidden_size: SMALL_MHA_DIMS.hiddenSize,
      num_attention_heads: 4,
      num_key_value_heads: 4,
      num_hidden_layers: 2,
      vocab_size: 32000,
      tie_word_embeddings: false,
      bos_token_id: 1,
      eos_token_id: 2,
    });
    const generation = JSON.parse(readFileSync(join(out, 'generation_config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(generation).toMatchObject({ eos_token_id: 2, do_sample: false });
    const tokenizer = JSON.parse(readFileSync(join(out, 'tokenizer.json'), 'utf8')) as {
      added_tokens: { content: string }[];
    };
    expect(tokenizer.added_tokens.map((t) => t.content)).toContain('</s>');
  });
});

describe('bad input leaves nothing that looks like a model', () => {
  async function expectRefused(input: string, message: RegExp): Promise<void> {
    const out = join(work, `out-${Math.random().toString(36).slice(2)}`);
    await expect(convertModel({ input, outDir: out, formats: ['q4'] })).rejects.toThrow(message);
    expect(existsSync(out)).toBe(false);
    expect(leftovers(work)).toEqual([]);
  }

  it('a file that is not a GGUF', async () => {
    const path = join(work, 'not-a-model.gguf');
    writeFileSync(path, 'PK\u0003\u0004 this is a zip, not a model');
    await expectRefused(path, /is not a GGUF file \(it starts with "PK/);
  });

  it('a truncated GGUF', async () => {
    const path = join(work, 'truncated.gguf');
    copyFileSync(Q4_0_GGUF, path);
    truncateSync(path, 2_000_000);
    await expectRefused(path, /is truncated or crafted: tensor .* needs \d+ bytes but the file has 2000000/);
  });

  it('an architecture other than LLaMA', async () => {
    const path = join(work, 'gpt2.gguf');
    await writeGguf(path, { metadata: spmGgufMetadata({ 'general.architecture': gv.str('gpt2') }) });
    await expectRefused(path, /architecture "gpt2" is not supported \(supported: llama\)/);
  });

  it('a quantisation type the converter cannot read (named)', async () => {
    const path = join(work, 'q2k.gguf');
    await writeGguf(path, {
      metadata: spmGgufMetadata(),
      tensors: [{ name: 'token_embd.weight', shape: [256, 4], type: GgmlType.Q2_K }],
      tensorData: () => new Uint8Array(4 * 84),
    });
    await expectRefused(
      path,
      /tensor token_embd\.weight is Q2_K, which this converter cannot read \(supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1/,
    );
  });

  it('an existing output folder is kept unless --force, and replaced only once the new one is complete', async () => {
    const out = join(work, 'existing');
    fs.mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    await expect(convertModel({ input: Q4_0_GGUF, outDir: out, formats: ['q4'] })).rejects.toThrow(
      /already exists: choose another --out or pass --force/,
    );
    expect(readFileSync(join(out, 'keep.txt'), 'utf8')).toBe('mine');
    await convertModel({ input: Q4_0_GGUF, outDir: out, formats: ['q4'], force: true });
    expect(existsSync(join(out, 'keep.txt'))).toBe(false);
    expect(existsSync(join(out, 'onnx', 'model_q4.onnx'))).toBe(true);
    expect(leftovers(work)).toEqual([]);
  });

  it('a full disk: a clear message and no partial folder', async () => {
    const out = join(work, 'out-full-disk');
    // The external-data writer's sixth write fails the way a full disk does.
    const writeSync = vi.mocked(fs.writeSync);
    const actual = await vi.importActual<typeof fs>('node:fs');
    let calls = 0;
    writeSync.mockImplementation(((fd: number, buffer: Uint8Array, ...rest: [number?, number?, number?]) => {
      if (++calls > 5)
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return actual.writeSync(fd, buffer, ...rest);
    }) as typeof fs.writeSync);
    try {
      await expect(convertModel({ input: Q4_0_GGUF, outDir: out, formats: ['q4'] })).rejects.toThrow(
        /the disk is full while writing .*out-full-disk: free some space and run the conversion again/,
      );
    } finally {
      writeSync.mockImplementation(actual.writeSync as typeof fs.writeSync);
    }
    expect(calls).toBeGreaterThan(5);
    expect(existsSync(out)).toBe(false);
    expect(leftovers(work)).toEqual([]);
  });
});

describe('the command line', () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'tools/convert/main.ts'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });

  it('bad arguments exit 2 with the usage; a failed conversion exits 1 with the reason', () => {
    const usage = run(['--dtype', 'q3', Q4_0_GGUF, '--out', join(work, 'cli-out')]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('unknown --dtype q3 (choose from fp32, q4, q4f16, q8)');
    expect(usage.stderr).toContain('usage: npm run convert');

    const bad = join(work, 'cli-bad.gguf');
    writeFileSync(bad, 'nope');
    const failed = run([bad, '--out', join(work, 'cli-out')]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/convert: .*cli-bad\.gguf is not a GGUF file/);
    expect(existsSync(join(work, 'cli-out'))).toBe(false);
  });

  it('converts with a progress report and a summary (time, peak memory, sizes)', () => {
    const result = run([Q4_0_GGUF, '--out', join(work, 'cli-ok'), '--dtype', 'q4']);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/q4: 100% \(\d+\/\d+ tensors\)/);
    expect(result.stderr).toMatch(/time +\d+\.\d s/);
    expect(result.stderr).toMatch(/peak memory \d+(\.\d+)? (MB|GB)/);
    expect(result.stderr).toMatch(/onnx\/model_q4\.onnx_data/);
  });
});
