/**
 * tools/convert: the Python converter.
 *
 * Always: the Python files compile, the chunk planner's selftest passes, and the chunk files it names
 * and the config.json declaration it writes are exactly what transformers.js 4.3.1 asks for
 * (its own `ModelRegistry.get_model_files`).
 *
 * Only where PyTorch, transformers, onnx and onnxruntime are installed (skipped otherwise, with the
 * reason in the test title): convert a tiny random LLaMA (`--random-tiny`) into 4-bit ONNX with
 * several external-data chunks, load it with our engine in Node, greedy-decode the UniNER prompt and
 * compare with PyTorch's greedy tokens (PyTorch running the same 4-bit weights) from reference.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelRegistry } from '@huggingface/transformers';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureFixtures } from '../../fixtures/ensure';
import { TINY_LLAMA_DIR } from '../../fixtures/paths';
import { createNodeEngine } from '../../../workers/node-engine';
import type { FromWorker, SelfTestResultEvent } from '../../../workers/protocol';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CONVERT_DIR = join(ROOT, 'tools/convert');

/** Bytecode goes to a temporary folder, never into tools/convert/__pycache__. */
const PYCACHE = mkdtempSync(join(tmpdir(), 'uniner-pycache-'));
afterAll(() => rmSync(PYCACHE, { recursive: true, force: true }));

function python(args: string[], input?: string) {
  return spawnSync('python3', args, {
    cwd: ROOT,
    encoding: 'utf8',
    input,
    timeout: 600_000,
    env: { ...process.env, PYTHONPYCACHEPREFIX: PYCACHE },
  });
}

/** Why the PyTorch part cannot run here, or undefined when it can. */
function torchMissing(): string | undefined {
  const probe = python(['-c', 'import torch, transformers, onnx, onnxruntime']);
  if (probe.error) return `python3 not runnable (${probe.error.message})`;
  if (probe.status === 0) return undefined;
  const last = (probe.stderr || '').trim().split('\n').at(-1) ?? 'unknown error';
  return `python3 -c "import torch, transformers, onnx, onnxruntime" failed: ${last}`;
}

const pythonMissing = python(['--version']).error?.message;
const missing = pythonMissing ? `no python3 (${pythonMissing})` : torchMissing();
if (missing) {
  // Also on the console, so the reason shows up in the run log and not only in the skipped test's title.
  console.warn(`[convert.test] SKIPPED the conversion run: ${missing}`);
}

describe.skipIf(pythonMissing !== undefined)('tools/convert without PyTorch', () => {
  it('every Python file compiles', () => {
    const files = readdirSync(CONVERT_DIR)
      .filter((f) => f.endsWith('.py'))
      .map((f) => join(CONVERT_DIR, f));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const result = python(['-m', 'py_compile', ...files]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('chunk_plan.py --selftest passes', () => {
    const result = python([join(CONVERT_DIR, 'chunk_plan.py'), '--selftest']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/selftest: ok/);
  });

  it('the chunk files and config.json declaration are what transformers.js loads', async () => {
    for (const [modelFile, dtype] of [
      ['model_q4.onnx', 'q4'],
      ['model_q4f16.onnx', 'q4f16'],
    ] as const) {
      // 7 tensors of 40 bytes, 100 bytes per chunk: 3 chunks (16-byte alignment counts).
      const request = {
        model_file: modelFile,
        limit: 100,
        tensors: Array.from({ length: 7 }, (_, i) => [`t${i}`, 40]),
      };
      const result = python([join(CONVERT_DIR, 'chunk_plan.py'), '--plan'], JSON.stringify(request));
      expect(result.stderr).toBe('');
      const plan = JSON.parse(result.stdout) as {
        files: string[];
        chunk_sizes: number[];
        'transformers.js_config': Record<string, unknown>;
      };
      expect(plan.files.length).toBeGreaterThan(1);
      expect(Math.max(...plan.chunk_sizes)).toBeLessThanOrEqual(100);
      const config = {
        model_type: 'llama',
        architectures: ['LlamaForCausalLM'],
        num_hidden_layers: 2,
        num_attention_heads: 4,
        num_key_value_heads: 2,
        hidden_size: 64,
        'transformers.js_config': plan['transformers.js_config'],
      };
      const files = await ModelRegistry.get_model_files('any/model', {
        config: config as never,
        dtype,
        device: 'webgpu',
      });
      expect(files.filter((f) => f.startsWith('onnx/'))).toEqual([
        `onnx/${modelFile}`,
        ...plan.files.map((f) => `onnx/${f}`),
      ]);
    }
  });
});

interface Reference {
  prompt: string;
  prompt_ids: number[];
  max_new_tokens: number;
  torch_greedy_ids: number[];
  dtypes: Record<
    string,
    {
      passed?: boolean;
      skipped?: string;
      onnx_greedy_ids?: number[];
      torch_fake_quantized_greedy_ids?: number[];
    }
  >;
}

describe.skipIf(missing !== undefined)(
  `tools/convert --random-tiny → engine${missing ? ` (SKIPPED: ${missing})` : ''}`,
  () => {
    const out = mkdtempSync(join(tmpdir(), 'uniner-convert-'));
    afterAll(() => rmSync(out, { recursive: true, force: true }));

    it('converts, loads in the engine (q4, several chunks) and decodes like PyTorch', async () => {
      ensureFixtures(); // the LLaMA 32k tokenizer the random model uses
      const result = python([
        join(CONVERT_DIR, 'convert_uniner.py'),
        '--random-tiny',
        '--tokenizer',
        TINY_LLAMA_DIR,
        '--out',
        out,
        '--dtypes',
        'q4',
        // Small chunks so the tiny model is split as a 7B one is (embedding 8.2 MB).
        '--chunk-bytes',
        '9000000',
        '--check-new-tokens',
        '12',
      ]);
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);

      const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
      const chunks = (
        config['transformers.js_config'] as { use_external_data_format: Record<string, number> }
      ).use_external_data_format['model_q4.onnx'];
      expect(chunks).toBeGreaterThanOrEqual(2);
      for (let i = 0; i < (chunks ?? 0); i++) {
        expect(existsSync(join(out, 'onnx', `model_q4.onnx_data${i === 0 ? '' : `_${i}`}`))).toBe(true);
      }
      const generation = JSON.parse(readFileSync(join(out, 'generation_config.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(generation).toMatchObject({ eos_token_id: 2, max_new_tokens: 256 });

      const reference = JSON.parse(readFileSync(join(out, 'reference.json'), 'utf8')) as Reference;
      const q4 = reference.dtypes.q4;
      expect(q4?.passed).toBe(true);

      const events: FromWorker[] = [];
      const engine = await createNodeEngine({ source: out, dtype: 'q4', onEvent: (e) => events.push(e) });
      expect(engine.ready.model.dtype).toBe('q4');
      await engine.handler.handle({
        type: 'selftest',
        requestId: 'convert-selftest',
        prompt: reference.prompt,
        maxNewTokens: reference.max_new_tokens,
      });
      const answer = events.find((e): e is SelfTestResultEvent => e.type === 'selftest-result');
      expect(answer, JSON.stringify(events.filter((e) => e.type === 'error'))).toBeDefined();
      expect(answer?.promptIds).toEqual(reference.prompt_ids);
      expect(answer?.generatedIds).toEqual(q4?.torch_fake_quantized_greedy_ids);
      expect(answer?.generatedIds).toEqual(q4?.onnx_greedy_ids);
    }, 600_000);
  },
);
