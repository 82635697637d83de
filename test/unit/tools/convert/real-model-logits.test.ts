/**
 * The converted SmolLM2-135M-Instruct against independent references, on the same token ids
 * (test/fixtures/reference/smollm2-prompts.json, tokenized by llama.cpp):
 *
 * - fp32 ONNX vs PyTorch + transformers on the same dequantized weights
 *   (smollm2-transformers.json, tools/convert/reference/transformers_logits.py): identical greedy
 *   tokens on every prompt, and the recorded top-16 logits of every step within float error.
 * - the engine's own prompt encoding with the converted tokenizer gives llama.cpp's ids.
 * - greedy answers of q4 and q4f16 ONNX and llama.cpp on the original Q4_1 GGUF: the shares of
 *   identical answers are printed; only loose floors are asserted (quantized arithmetic
 *   legitimately flips near-ties).
 *
 * Teacher forcing keeps it quick: one forward pass over prompt + reference answer gives the logits of
 * every step, and a model's greedy answer equals the reference exactly when its argmax equals the
 * reference token at every step. Only answers that leave the reference are decoded step by step.
 *
 * The ONNX folder comes from `ensureSmolLM2Onnx()` (tools/fixtures/real-model.ts), or from
 * `SMOLLM2_ONNX_DIR=/path/to/folder` (config.json, tokenizer.json, onnx/model.onnx, onnx/model_q4.onnx).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AutoModelForCausalLM, env, Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { getTestLlama } from '../../../fixtures/llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSmolLM2Gguf, ensureSmolLM2Onnx } from '../../../../tools/fixtures/real-model';
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
const MIN_SHARE: Record<'q4' | 'q4f16' | 'q8', number> = {
  // Measured 32/32: Q4_1 blocks map exactly onto MatMulNBits plus a block-sum correction.
  q4: 0.9,
  // Measured 31/32: fp16 activations and scales flip a near-tie now and then.
  q4f16: 0.75,
  // int8 weights per channel and int8 activations per tensor (DynamicQuantizeLinear): measured below.
  q8: 0.75,
};
const MIN_SHARE_LLAMA_CPP = 0.5; // measured 88% (28 of 32; llama.cpp computes Q4_1 x Q8 activations)

/** The converted folder: `SMOLLM2_ONNX_DIR`, or our converter's output (converted on first use). */
async function onnxFolder(): Promise<string> {
  return process.env.SMOLLM2_ONNX_DIR ?? ensureSmolLM2Onnx();
}

async function loadOnnx(folder: string, dtype: 'fp32' | 'q4' | 'q4f16' | 'q8'): Promise<PreTrainedModel> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dirname(folder);
  return AutoModelForCausalLM.from_pretrained(basename(folder), { dtype, device: 'cpu' });
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if ((row[i] ?? -Infinity) > (row[best] ?? -Infinity)) best = i;
  return best;
}

async function forward(
  model: PreTrainedModel,
  ids: readonly number[],
): Promise<{ data: Float32Array; vocab: number }> {
  const out = (await model({
    input_ids: new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
    attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
  })) as { logits: Tensor };
  return { data: out.logits.data as Float32Array, vocab: out.logits.dims.at(-1) ?? 0 };
}

/** Strips stop ids (llama.cpp's `evaluate` ends without yielding one). */
function withoutStops(answer: readonly number[]): number[] {
  return answer.filter((id) => !STOP_IDS.includes(id));
}

/**
 * One pass over prompt + answer: the logits that predict each answer token, and whether the model's
 * own greedy decoding would produce exactly this answer (its argmax equals the answer's token at
 * every step, then a stop id or the token budget).
 */
async function teacherForced(
  model: PreTrainedModel,
  promptIds: readonly number[],
  answer: readonly number[],
) {
  const tokens = withoutStops(answer);
  const { data, vocab } = await forward(model, [...promptIds, ...tokens]);
  const rows = Array.from({ length: tokens.length + 1 }, (_, s) =>
    data.subarray((promptIds.length - 1 + s) * vocab, (promptIds.length + s) * vocab),
  );
  const followsAnswer = tokens.every((token, s) => argmax(rows[s]!) === token);
  const endsThere = tokens.length >= MAX_NEW_TOKENS || STOP_IDS.includes(argmax(rows[tokens.length]!));
  return { rows, agrees: followsAnswer && endsThere };
}

function sameAnswer(a: readonly number[], b: readonly number[]): boolean {
  return withoutStops(a).join() === withoutStops(b).join();
}

describe('SmolLM2-135M converted to ONNX vs references', () => {
  let folder: string;
  const reference = REFERENCE.results.map((r) => r.generated);
  const llamaCpp: number[][] = [];
  /** Shares of identical greedy answers, printed at the end so the run log shows them. */
  const shares: string[] = [];

  beforeAll(async () => {
    folder = await onnxFolder();
  }, 900_000);

  afterAll(() => {
    if (shares.length > 0)
      console.log(`identical greedy answers over ${PROMPTS.length} prompts: ${shares.join(', ')}`);
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
    const disagreeing: string[] = [];
    try {
      for (const [index, prompt] of PROMPTS.entries()) {
        const result = REFERENCE.results[index]!;
        const { rows, agrees } = await teacherForced(model, prompt.ids, result.generated);
        if (!agrees) disagreeing.push(prompt.id);
        for (const [s, step] of result.steps.entries()) {
          const row = rows[s]!;
          for (const [id, value] of [...step.top, step.greedy]) {
            const diff = Math.abs(row[id]! - value);
            compared++;
            if (diff > maxDiff) {
              maxDiff = diff;
              worst = `${prompt.id} step ${s} token ${id}`;
            }
          }
        }
      }
    } finally {
      await model.dispose();
    }
    console.log(
      `fp32 ONNX vs PyTorch: max |logit difference| ${maxDiff.toExponential(3)} over ${compared} ` +
        `recorded logits (worst: ${worst})`,
    );
    shares.push(`fp32 = PyTorch: ${PROMPTS.length - disagreeing.length}/${PROMPTS.length}`);
    expect(disagreeing).toEqual([]);
    expect(maxDiff).toBeLessThan(LOGIT_TOLERANCE);
  }, 900_000);

  it('llama.cpp on the original GGUF: greedy answers mostly equal the fp32 reference', async () => {
    const llama = await getTestLlama();
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
        llamaCpp.push(generated);
      }
    } finally {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    }
    const same = llamaCpp.filter((answer, i) => sameAnswer(answer, reference[i]!)).length;
    shares.push(`llama.cpp = PyTorch: ${same}/${PROMPTS.length}`);
    expect(same / PROMPTS.length).toBeGreaterThanOrEqual(MIN_SHARE_LLAMA_CPP);
  }, 900_000);

  it.each(['q4', 'q4f16', 'q8'] as const)(
    '%s: greedy answers mostly equal the fp32 reference (and are compared with llama.cpp)',
    async (dtype) => {
      const model = await loadOnnx(folder, dtype);
      let sameAsReference = 0;
      let sameAsLlamaCpp = 0;
      try {
        for (const [index, prompt] of PROMPTS.entries()) {
          const ref = reference[index]!;
          const ofReference = (await teacherForced(model, prompt.ids, ref)).agrees;
          if (ofReference) sameAsReference++;
          const theirs = llamaCpp[index];
          if (theirs === undefined) continue;
          if (sameAnswer(theirs, ref)) sameAsLlamaCpp += ofReference ? 1 : 0;
          else if ((await teacherForced(model, prompt.ids, theirs)).agrees) sameAsLlamaCpp++;
        }
      } finally {
        await model.dispose();
      }
      shares.push(`${dtype} = PyTorch: ${sameAsReference}/${PROMPTS.length}`);
      if (llamaCpp.length === PROMPTS.length)
        shares.push(`${dtype} = llama.cpp: ${sameAsLlamaCpp}/${PROMPTS.length}`);
      expect(sameAsReference / PROMPTS.length).toBeGreaterThanOrEqual(MIN_SHARE[dtype]);
    },
    900_000,
  );
});
