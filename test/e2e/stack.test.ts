/**
 * The real inference stack in a real Chromium: the built app's module worker runs the synthetic
 * LLaMA on WASM and on WebGPU (SwiftShader) and greedy-decodes the same token ids as Node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import { launchChromium } from '../../tools/harness/chromium';
import { extractInPage, modelUrl, openApp, selfTestInPage } from './page-helpers';
import type { Page } from 'playwright-core';
import { TINY_LLAMA_DIR } from '../../tools/fixtures/paths';

const PROMPT =
  'A virtual assistant answers questions from a user based on the provided text. USER: Text: Ada Lovelace wrote the first program.';
const NEW_TOKENS = 12;
const REUSE_PASSAGE = 'Grace Hopper wrote COBOL compilers for the Navy and lectured at Yale.';
const REUSE_TYPES = ['person', 'organization', 'programming language'];

/** Prefix reuse must give the same greedy answers as re-encoding the whole prompt per type. */
async function expectReuseEqualsReencode(page: Page, constrain: boolean): Promise<void> {
  const args = { passage: REUSE_PASSAGE, entityTypes: REUSE_TYPES, constrain, maxNewTokens: 10 };
  const reused = await extractInPage(page, { ...args, reusePrefix: true });
  const naive = await extractInPage(page, { ...args, reusePrefix: false });
  expect(Object.keys(reused.answers).sort()).toEqual([...REUSE_TYPES].sort());
  expect(reused.answers).toEqual(naive.answers);
  expect(reused.prefillTokens).toBeLessThan(naive.prefillTokens);
}

/** Greedy ids from Node (onnxruntime-node), the reference for both browser devices. */
async function nodeGreedyIds(dtype: 'fp32' | 'q4'): Promise<{ promptIds: number[]; generatedIds: number[] }> {
  env.allowLocalModels = true;
  const tokenizer = await AutoTokenizer.from_pretrained(TINY_LLAMA_DIR);
  const model = await AutoModelForCausalLM.from_pretrained(TINY_LLAMA_DIR, { device: 'cpu', dtype });
  const promptIds = tokenizer.encode(PROMPT);
  const output = (await model.generate({
    inputs: tokenizer(PROMPT).input_ids,
    max_new_tokens: NEW_TOKENS,
    do_sample: false,
    eos_token_id: 2,
  } as never)) as { tolist(): bigint[][] };
  await model.dispose();
  const generatedIds = output
    .tolist()[0]!
    .slice(promptIds.length)
    .map(Number)
    .filter((id) => id !== 2);
  return { promptIds, generatedIds };
}

describe('WASM in a module worker', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
  });
  afterAll(async () => browser?.close());

  it('is cross-origin isolated (WASM threads available)', async () => {
    const page = await openApp(browser);
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    await page.context().close();
  });

  it('runs tiny-llama fp32 on wasm with the same greedy ids as Node, and prefix reuse equals re-encode', async () => {
    const reference = await nodeGreedyIds('fp32');
    const page = await openApp(browser);
    const result = await selfTestInPage(page, {
      source: modelUrl('tiny-llama'),
      dtype: 'fp32',
      device: 'wasm',
      prompt: PROMPT,
      maxNewTokens: NEW_TOKENS,
    });
    expect(result.device).toBe('wasm');
    expect(result.promptIds).toEqual(reference.promptIds);
    expect(result.generatedIds).toEqual(reference.generatedIds);
    expect(result.generatedIds.length).toBeGreaterThan(0);
    await expectReuseEqualsReencode(page, false);
    await expectReuseEqualsReencode(page, true);
    await page.context().close();
  });

  it('stops a WASM run within a step when interrupted (the worker sees the message mid-run)', async () => {
    const page = await openApp(browser);
    const result = await page.evaluate(async (source) => {
      const client = window.uninerDebug!.client;
      await client.load({ model: { source, dtype: 'q4' }, device: 'wasm' }).promise;
      const workersBefore = client.workerGeneration;
      const off = client.on('type-started', () => {
        off();
        client.interrupt();
      });
      const done = await client.extract({
        passage: 'Grace Hopper wrote COBOL compilers for the Navy and lectured at Yale.',
        entityTypes: ['person', 'organization', 'location', 'language', 'date', 'misc'],
        options: { constrain: false, maxNewTokens: 200 },
      }).promise;
      return {
        interrupted: done.interrupted,
        decodeTokens: done.stats.decodeTokens,
        sameWorker: client.workerGeneration === workersBefore,
      };
    }, modelUrl('tiny-llama'));
    expect(result.interrupted).toBe(true);
    // 6 types × 200 tokens were allowed; the interrupt lands within the first answer.
    expect(result.decodeTokens).toBeLessThan(200);
    // Stopped by the engine, not by terminating the worker.
    expect(result.sameWorker).toBe(true);
    await page.context().close();
  });

  it('falls back to WASM and says why when there is no WebGPU adapter', async () => {
    const page = await openApp(browser);
    const result = await selfTestInPage(page, {
      source: modelUrl('tiny-llama'),
      dtype: 'q4',
      device: 'auto',
      prompt: PROMPT,
      maxNewTokens: 4,
    });
    expect(result.device).toBe('wasm');
    expect(result.fallbackReason).toMatch(/WebGPU|adapter/i);
    await page.context().close();
  });
});

describe('WebGPU (SwiftShader) in a module worker', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgpu: true });
  });
  afterAll(async () => browser?.close());

  // SwiftShader is a software GPU: a load, a selftest and two extractions take minutes on 2 busy cores.
  it(
    'runs tiny-llama q4 on webgpu with the same greedy ids as Node, and prefix reuse equals re-encode',
    { timeout: 480_000 },
    async () => {
      const reference = await nodeGreedyIds('q4');
      const page = await openApp(browser);
      const result = await selfTestInPage(page, {
        source: modelUrl('tiny-llama'),
        dtype: 'q4',
        device: 'webgpu',
        prompt: PROMPT,
        maxNewTokens: NEW_TOKENS,
      });
      expect(result.device).toBe('webgpu');
      expect(result.generatedIds).toEqual(reference.generatedIds);
      // Same page, same model: WebGPU runs on SwiftShader are slow, so one load serves both checks.
      // Constrained, because prefix reuse on WebGPU must survive generate() disposing GPU tensors.
      await expectReuseEqualsReencode(page, true);
      await page.context().close();
    },
  );
});
