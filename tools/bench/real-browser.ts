/**
 * Real-model figures in Chromium: decode tokens/s of the app's own worker (onnxruntime-web WASM) per
 * weight format, of wllama (llama.cpp compiled to WASM) on the GGUF our folder was converted from,
 * with the same prompt, decode steps and thread count; and one 8-type extraction with and without
 * prefix reuse (wall times, first streamed entity).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { wasmThreadCount } from '../../workers/loading/model-loader';
import type { Dtype } from '../../workers/protocol';
import { measureDecodeRate, type DecodeRate, type TimedGeneration } from './decode-rate';

/** Where the bench serves wllama's ES module and .wasm, and the blank page that imports it. */
export const WLLAMA_PREFIX = '/wllama/';
export const WLLAMA_PAGE_PREFIX = '/wllama-page/';

/**
 * The wllama mounts for the bench's static server: the package's `esm/` folder, and a page with no
 * Content-Security-Policy (the app's own policy forbids the blob: worker wllama starts).
 */
export function wllamaMounts(repoRoot: string): { prefix: string; dir: string }[] {
  const pageDir = resolve(repoRoot, 'node_modules/.cache/uniner-bench/wllama-page');
  mkdirSync(pageDir, { recursive: true });
  writeFileSync(join(pageDir, 'index.html'), '<!doctype html><title>wllama bench</title>\n');
  return [
    { prefix: WLLAMA_PREFIX, dir: resolve(repoRoot, 'node_modules/@wllama/wllama/esm') },
    { prefix: WLLAMA_PAGE_PREFIX, dir: pageDir },
  ];
}

/**
 * A page of the app with `model` loaded on WASM; its `generate` is the worker's `selftest` (greedy
 * `answer()` over a raw prompt, the path every extraction takes), timed from the page.
 */
export async function ourWasmPage(
  browser: Browser,
  origin: string,
  source: string,
  dtype: Dtype,
): Promise<{ page: Page; threads: number; close(): Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript('globalThis.__name = (fn) => fn;');
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
  await page.evaluate(
    async (args) => {
      await window.uninerDebug!.client.load({
        model: { source: args.source, dtype: args.dtype, promptStyle: 'uniner' },
        device: 'wasm',
      }).promise;
    },
    { source, dtype },
  );
  const seen = await page.evaluate(() => ({
    cores: navigator.hardwareConcurrency,
    isolated: crossOriginIsolated,
  }));
  // The worker's own rule (worker.ts), so the peers can be given the same count.
  const threads = wasmThreadCount(seen.cores, seen.isolated);
  return { page, threads, close: () => context.close() };
}

/** Decode tokens/s of the app's worker on the loaded model of `page`. */
export function ourWasmDecodeRate(
  page: Page,
  prompt: string,
  steps: number,
  repeats: number,
): Promise<DecodeRate> {
  const generate = (budget: number): Promise<TimedGeneration> =>
    page.evaluate(
      async (args) => {
        const started = performance.now();
        const result = await window.uninerDebug!.client.selftest(args.prompt, args.budget).promise;
        return {
          ms: performance.now() - started,
          generated: result.generatedIds.length,
          budget: args.budget,
        };
      },
      { prompt, budget },
    );
  return measureDecodeRate(generate, steps, repeats);
}

/**
 * wllama in a blank cross-origin-isolated page: the GGUF loaded with `threads` threads (no GPU
 * layers), then raw completions of `prompt` with EOS ignored, so every run decodes its whole budget.
 */
export async function wllamaDecodeRate(
  browser: Browser,
  origin: string,
  options: {
    readonly ggufUrl: string;
    readonly prompt: string;
    readonly steps: number;
    readonly repeats: number;
    readonly threads: number;
  },
): Promise<DecodeRate & { threads: number; multithread: boolean }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  try {
    await page.goto(`${origin}${WLLAMA_PAGE_PREFIX}`);
    const loaded = await page.evaluate(
      async (args) => {
        const url = `${location.origin}${args.prefix}index.js`;
        const { Wllama } = (await import(url)) as {
          Wllama: new (
            paths: Record<string, string>,
            config: Record<string, unknown>,
          ) => {
            loadModelFromUrl(url: string, params: Record<string, unknown>): Promise<void>;
            createCompletion(params: Record<string, unknown>): Promise<{
              usage: { completion_tokens: number };
            }>;
            getNumThreads(): number;
            isMultithread(): boolean;
          };
        };
        const wllama = new Wllama(
          { default: `${location.origin}${args.prefix}wasm/wllama.wasm` },
          { suppressNativeLog: true },
        );
        await wllama.loadModelFromUrl(args.ggufUrl, {
          n_threads: args.threads,
          n_ctx: 1024,
          n_gpu_layers: 0,
          useCache: false,
        });
        (globalThis as unknown as { __wllama: unknown }).__wllama = wllama;
        return { threads: wllama.getNumThreads(), multithread: wllama.isMultithread() };
      },
      { prefix: WLLAMA_PREFIX, ggufUrl: options.ggufUrl, threads: options.threads },
    );
    const generate = (budget: number): Promise<TimedGeneration> =>
      page.evaluate(
        async (args) => {
          const wllama = (
            globalThis as unknown as {
              __wllama: {
                createCompletion(params: Record<string, unknown>): Promise<{
                  usage: { completion_tokens: number };
                }>;
              };
            }
          ).__wllama;
          const started = performance.now();
          const response = await wllama.createCompletion({
            prompt: args.prompt,
            max_tokens: args.budget,
            temperature: 0,
            ignore_eos: true,
            cache_prompt: false,
          });
          return {
            ms: performance.now() - started,
            generated: response.usage.completion_tokens,
            budget: args.budget,
          };
        },
        { prompt: options.prompt, budget },
      );
    const rate = await measureDecodeRate(generate, options.steps, options.repeats);
    return { ...rate, ...loaded };
  } finally {
    await context.close();
  }
}

/** One 8-type extraction in each mode, with the first streamed entity of the reuse run. */
export interface RealExtraction {
  readonly naiveMs: number;
  readonly reuseMs: number;
  /** From the request to the first `type-partial` of the reuse run; null when nothing was found. */
  readonly firstEntityMs: number | null;
  readonly answersEqual: boolean;
  readonly entities: number;
}

/** One extraction in the app's worker: wall time, first streamed entity, raw answers per type. */
function extractOnce(
  page: Page,
  passage: string,
  types: readonly string[],
  maxNewTokens: number,
  reusePrefix: boolean,
) {
  return page.evaluate(
    async (args) => {
      const client = window.uninerDebug!.client;
      const answers: Record<string, string> = {};
      let entities = 0;
      let firstAt: number | null = null;
      const offDone = client.on('type-done', (event) => {
        answers[event.entityType] = JSON.stringify(event.rawAnswers);
        entities += event.entities.length;
      });
      const offPartial = client.on('type-partial', () => {
        firstAt ??= performance.now();
      });
      const started = performance.now();
      try {
        await client.extract({
          passage: args.passage,
          entityTypes: args.types,
          options: { constrain: true, maxNewTokens: args.maxNewTokens, reusePrefix: args.reusePrefix },
        }).promise;
        return {
          ms: performance.now() - started,
          firstEntityMs: firstAt === null ? null : firstAt - started,
          answers: args.types.map((t) => answers[t] ?? '(no answer)'),
          entities,
        };
      } finally {
        offDone();
        offPartial();
      }
    },
    { passage, types: [...types], maxNewTokens, reusePrefix },
  );
}

/** Streaming on the real model: the first entity of one prefix-reuse request against the whole. */
export async function realFirstEntity(
  page: Page,
  passage: string,
  types: readonly string[],
  maxNewTokens: number,
): Promise<{ firstEntityMs: number | null; totalMs: number; entities: number }> {
  const run = await extractOnce(page, passage, types, maxNewTokens, true);
  return { firstEntityMs: run.firstEntityMs, totalMs: run.ms, entities: run.entities };
}

/** Prefix reuse on the real model in the app's worker: per-type re-encode vs one passage encode. */
export async function realPrefixReuse(
  page: Page,
  passage: string,
  types: readonly string[],
  maxNewTokens: number,
  repeats: number,
): Promise<RealExtraction> {
  const run = (reusePrefix: boolean) => extractOnce(page, passage, types, maxNewTokens, reusePrefix);
  await run(true); // warm-up
  const naive: Awaited<ReturnType<typeof run>>[] = [];
  const reuse: Awaited<ReturnType<typeof run>>[] = [];
  for (let i = 0; i < repeats; i++) {
    naive.push(await run(false));
    reuse.push(await run(true));
  }
  const fastest = <T extends { ms: number }>(runs: T[]): T => runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  const n = fastest(naive);
  const r = fastest(reuse);
  return {
    naiveMs: n.ms,
    reuseMs: r.ms,
    firstEntityMs: r.firstEntityMs,
    answersEqual: [...naive, ...reuse].every((x) => x.answers.every((a, i) => a === r.answers[i])),
    entities: r.entities,
  };
}
