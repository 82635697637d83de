/**
 * The converted SmolLM2-135M-Instruct against independent references, on the same token ids
 * (test/fixtures/reference/smollm2-prompts.json, tokenized by llama.cpp):
 *
 * - fp32 ONNX vs PyTorch + transformers on the same dequantized weights
 *   (smollm2-transformers.json, tools/convert/reference/transformers_logits.py): identical greedy
 *   tokens on every prompt, and the recorded top-16 logits of every step within float error.
 * - the engine's own prompt encoding with the converted tokenizer gives llama.cpp's ids.
 * - greedy answers of q4 ONNX, fp32 ONNX and llama.cpp on the original Q4_1 GGUF: the shares of
 *   identical answers are printed; only loose floors are asserted (q4 and llama.cpp's quantized
 *   arithmetic legitimately flip near-ties).
 *
 * The ONNX folder comes from `ensureSmolLM2Onnx()` (test/fixtures/real-model.ts), or from
 * `SMOLLM2_ONNX_DIR=/path/to/folder` (config.json, tokenizer.json, onnx/model.onnx, onnx/model_q4.onnx).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  AutoModelForCausalLM,
  env,
  LogitsProcessor,
  Tensor,
  type PreTrainedModel,
} from '@huggingface/transformers';
import { getLlama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSmolLM2Gguf, ensureSmolLM2Onnx } from '../../../fixtures/real-model';
import { compareWithEngine, type ReferencePrompt } from '../../../../tools/convert/reference/prompt-check';

const REFERENCE_DIR = join(import.meta.dirname, '../../../fixtures/reference');

interface ReferenceStep {
  /** The 16 largest raw logits, [id, logit], largest first. */
  readonly top: [number, number][];
  readonly greedy: [number, number];
}
interface ReferenceResult {
  readonly id: string;
  readonly answer: string;
  readonly generated: number[];
  readonly steps: ReferenceStep[];
}
interface ReferenceFile {
  readonly decoding: { max_new_tokens: number; stop_ids: number[] };
  readonly results: ReferenceResult[];
}

const PROMPTS = JSON.parse(
  readFileSync(join(REFERENCE_DIR, 'smollm2-prompts.json'), 'utf8'),
) as ReferencePrompt[];
const REFERENCE = JSON.parse(
  readFileSync(join(REFERENCE_DIR, 'smollm2-transformers.json'), 'utf8'),
) as ReferenceFile;
const MAX_NEW_TOKENS = REFERENCE.decoding.max_new_tokens;
const STOP_IDS = REFERENCE.decoding.stop_ids;

/**
 * Max |logit difference| allowed between the fp32 ONNX model and PyTorch on the recorded entries.
 * Both run the same fp32 weights; only the order of fp32 sums differs (matmul blocking, softmax,
 * RMSNorm, thread count). On logits of magnitude ~10-35 over 30 layers that measured 5.6e-5 at most
 * (6,035 logits, 2 cores, onnxruntime-node vs torch 2.15 eager); the reference itself is rounded to
 * 5 decimals (5e-6). 1e-3 leaves ~18x headroom for other CPUs and thread counts and is still far
 * below the 0.1-10 errors a real conversion bug gives (wrong Q/K permutation, missing norm, an
 * untied or transposed head, an off-by-one RoPE position, a lossy dequantisation).
 */
const LOGIT_TOLERANCE = 1e-3;

/** Floors for the shares of answers identical to the fp32 reference (measured values are logged). */
const MIN_SHARE_Q4 = 0.25; // measured 38% (12 of 32 whole answers; q4 requantises the Q4_1 blocks)
const MIN_SHARE_LLAMA_CPP = 0.5; // measured 88% (28 of 32; llama.cpp computes Q4_1 x Q8 activations)

/** The converted folder: `SMOLLM2_ONNX_DIR`, or our converter's output (converted on first use). */
async function onnxFolder(): Promise<string> {
  return process.env.SMOLLM2_ONNX_DIR ?? ensureSmolLM2Onnx();
}

/** Copies every step's raw logits (row 0); returns them unchanged. */
class RecordingProcessor extends LogitsProcessor {
  readonly steps: Float32Array[] = [];
  override _call(_inputIds: bigint[][], logits: Tensor): Tensor {
    const vocab = logits.dims.at(-1) ?? 0;
    this.steps.push((logits.data as Float32Array).slice(0, vocab));
    return logits;
  }
}

async function loadOnnx(folder: string, dtype: 'fp32' | 'q4'): Promise<PreTrainedModel> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dirname(folder);
  return AutoModelForCausalLM.from_pretrained(basename(folder), { dtype, device: 'cpu' });
}

/** Greedy decoding through transformers.js generate (KV cache, as the engine runs it). */
async function greedyOnnx(model: PreTrainedModel, ids: readonly number[]) {
  const recorder = new RecordingProcessor();
  const inputIds = new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);
  const attentionMask = new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]);
  const output = (await model.generate({
    input_ids: inputIds,
    attention_mask: attentionMask,
    max_new_tokens: MAX_NEW_TOKENS,
    do_sample: false,
    num_beams: 1,
    repetition_penalty: 1.0,
    no_repeat_ngram_size: 0,
    eos_token_id: STOP_IDS,
    logits_processor: [recorder],
  } as never)) as Tensor;
  const generated = (output.tolist() as bigint[][])[0]!.slice(ids.length).map(Number);
  return { generated, logits: recorder.steps };
}

/** The share of identical answers, stop tokens left out (llama.cpp's `evaluate` ends without yielding one). */
function share(a: readonly number[][], b: readonly number[][]): number {
  const answer = (row: readonly number[] | undefined) => row?.filter((id) => !STOP_IDS.includes(id)).join();
  return a.filter((row, i) => answer(row) === answer(b[i])).length / a.length;
}

describe('SmolLM2-135M converted to ONNX vs references', () => {
  let folder: string;
  const answers: Record<'reference' | 'fp32' | 'q4' | 'llama.cpp', number[][]> = {
    reference: REFERENCE.results.map((r) => r.generated),
    fp32: [],
    q4: [],
    'llama.cpp': [],
  };

  beforeAll(async () => {
    folder = await onnxFolder();
  }, 900_000);

  afterAll(() => {
    const pairs = [
      ['fp32', 'reference'],
      ['q4', 'reference'],
      ['llama.cpp', 'reference'],
      ['q4', 'llama.cpp'],
    ] as const;
    const measured = pairs
      .filter(([a, b]) => answers[a].length === PROMPTS.length && answers[b].length === PROMPTS.length)
      .map(([a, b]) => `${a} = ${b}: ${(share(answers[a], answers[b]) * 100).toFixed(0)}%`);
    if (measured.length > 0)
      console.log(`identical greedy answers over ${PROMPTS.length} prompts: ${measured.join(', ')}`);
  });

  it('covers enough prompts, and the reference belongs to them', () => {
    expect(PROMPTS.length).toBeGreaterThanOrEqual(24);
    expect(REFERENCE.results.map((r) => r.id)).toEqual(PROMPTS.map((p) => p.id));
  });

  it("the engine's prompt encoding with the converted tokenizer gives llama.cpp's ids", async () => {
    expect(await compareWithEngine(folder, PROMPTS)).toEqual([]);
  });

  it('fp32: identical greedy tokens and top-16 logits within tolerance of PyTorch', async () => {
    const model = await loadOnnx(folder, 'fp32');
    let maxDiff = 0;
    let worst = '';
    let compared = 0;
    try {
      for (const [index, prompt] of PROMPTS.entries()) {
        const reference = REFERENCE.results[index]!;
        const { generated, logits } = await greedyOnnx(model, prompt.ids);
        answers.fp32.push(generated);
        const steps = Math.min(generated.length, reference.generated.length);
        for (let s = 0; s < steps; s++) {
          const row = logits[s]!;
          const { top, greedy } = reference.steps[s]!;
          for (const [id, value] of [...top, greedy]) {
            const diff = Math.abs(row[id]! - value);
            compared++;
            if (diff > maxDiff) {
              maxDiff = diff;
              worst = `${prompt.id} step ${s} token ${id}`;
            }
          }
          if (generated[s] !== reference.generated[s]) break;
        }
      }
    } finally {
      await model.dispose();
    }
    console.log(
      `fp32 ONNX vs PyTorch: max |logit difference| ${maxDiff.toExponential(3)} over ${compared} ` +
        `recorded logits (worst: ${worst})`,
    );
    expect(answers.fp32).toEqual(answers.reference);
    expect(maxDiff).toBeLessThan(LOGIT_TOLERANCE);
  }, 900_000);

  it('q4: greedy answers mostly equal the fp32 reference', async () => {
    const model = await loadOnnx(folder, 'q4');
    try {
      for (const prompt of PROMPTS) answers.q4.push((await greedyOnnx(model, prompt.ids)).generated);
    } finally {
      await model.dispose();
    }
    expect(share(answers.q4, answers.reference)).toBeGreaterThanOrEqual(MIN_SHARE_Q4);
  }, 900_000);

  it('llama.cpp on the original GGUF: greedy answers mostly equal the fp32 reference', async () => {
    const llama = await getLlama({ gpu: false, build: 'never' });
    const model = await llama.loadModel({ modelPath: await ensureSmolLM2Gguf() });
    // One thread: llama.cpp's default spins a thread per core, which on a loaded 2-core machine made
    // each token take seconds instead of milliseconds.
    const context = await model.createContext({ contextSize: 512, threads: 1 });
    const sequence = context.getSequence();
    try {
      for (const prompt of PROMPTS) {
        await sequence.clearHistory();
        const generated: number[] = [];
        for await (const token of sequence.evaluate([...prompt.ids] as never, { temperature: 0 })) {
          generated.push(Number(token));
          if (STOP_IDS.includes(Number(token)) || generated.length >= MAX_NEW_TOKENS) break;
        }
        answers['llama.cpp'].push(generated);
      }
    } finally {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    }
    expect(share(answers['llama.cpp'], answers.reference)).toBeGreaterThanOrEqual(MIN_SHARE_LLAMA_CPP);
  }, 900_000);
});
