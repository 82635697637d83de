/**
 * Real-model decode speed in Node: our engine on onnxruntime-node (the converted SmolLM2-135M folder)
 * and llama.cpp through node-llama-cpp on the GGUF it was converted from, same prompt, same number of
 * decode steps, same thread count.
 */
import { getLlama } from 'node-llama-cpp';
import { createNodeEngine } from '../../workers/node-engine';
import type { Dtype, FromWorker, SelfTestResultEvent } from '../../workers/protocol';
import { measureDecodeRate, median, type DecodeRate, type TimedGeneration } from './decode-rate';

let counter = 0;

/**
 * Our engine in Node: greedy generation through the handler's `selftest` (the same `answer()` path
 * as every extraction), timed by {@link measureDecodeRate}.
 */
export async function ortNodeDecodeRate(options: {
  readonly folder: string;
  readonly dtype: Dtype;
  readonly prompt: string;
  readonly steps: number;
  readonly repeats: number;
}): Promise<DecodeRate & { promptTokens: number }> {
  // A holder, not `let`s: TypeScript cannot see the callback assign them across the await.
  const seen: { last?: SelfTestResultEvent; failure?: string } = {};
  const onEvent = (event: FromWorker) => {
    if (event.type === 'selftest-result') seen.last = event;
    if (event.type === 'error') seen.failure = event.error.message;
  };
  const engine = await createNodeEngine({ source: options.folder, dtype: options.dtype, onEvent });
  const generate = async (budget: number): Promise<TimedGeneration> => {
    seen.last = undefined;
    seen.failure = undefined;
    const started = performance.now();
    await engine.handler.handle({
      type: 'selftest',
      requestId: `bench-selftest-${++counter}`,
      prompt: options.prompt,
      maxNewTokens: budget,
    });
    const ms = performance.now() - started;
    const result = seen.last as SelfTestResultEvent | undefined;
    if (!result) throw new Error(`the engine's selftest failed: ${seen.failure ?? 'no result'}`);
    return { ms, generated: result.generatedIds.length, budget };
  };
  const rate = await measureDecodeRate(generate, options.steps, options.repeats);
  return { ...rate, promptTokens: seen.last?.promptIds.length ?? 0 };
}

/**
 * llama.cpp (node-llama-cpp's prebuilt CPU binary) on the GGUF: the prompt is evaluated, then every
 * token after the first is one decode step, timed in the loop; the median step over all repeats.
 * EOS is not a stop here (the loop counts `steps` tokens whatever they are), so the work is exactly
 * `steps` decode steps.
 */
export async function llamaCppNodeDecodeRate(options: {
  readonly ggufPath: string;
  readonly prompt: string;
  readonly steps: number;
  readonly repeats: number;
  readonly threads: number;
}): Promise<{ tokensPerS: number; stepMs: number; promptTokens: number }> {
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' as never });
  const model = await llama.loadModel({ modelPath: options.ggufPath });
  const context = await model.createContext({ contextSize: 1024, threads: options.threads });
  const sequence = context.getSequence();
  const ids = model.tokenize(options.prompt, false);
  const stepMs: number[] = [];
  try {
    for (let repeat = -1; repeat < options.repeats; repeat++) {
      await sequence.clearHistory();
      let count = 0;
      let previous = 0;
      for await (const token of sequence.evaluate(ids, { temperature: 0 })) {
        void token;
        const now = performance.now();
        // repeat -1 is the warm-up; the first token of each run ends the prefill.
        if (count > 0 && repeat >= 0) stepMs.push(now - previous);
        previous = now;
        if (++count > options.steps) break;
      }
    }
  } finally {
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  }
  const step = median(stepMs);
  return { tokensPerS: 1000 / step, stepMs: step, promptTokens: ids.length };
}
