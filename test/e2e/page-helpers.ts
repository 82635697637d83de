/** Helpers shared by the browser tests: open the built app and drive its engine client. */
import type { Browser, Page } from 'playwright-core';
import { inject } from 'vitest';

/** Origin of the static server started in global-setup (the app at `/`, models at `/models/`). */
export function origin(): string {
  return inject('origin');
}

/** URL of a synthetic model folder on the test server. */
export function modelUrl(name: string): string {
  return `${origin()}/models/${name}`;
}

/** Opens the app in a fresh context and waits until its engine client is exposed. */
export async function openApp(browser: Browser, path = '/'): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  await page.goto(origin() + path);
  await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
  return page;
}

/** What a selftest returns, in the browser. */
export interface BrowserSelfTest {
  device: string;
  dtype: string;
  fallbackReason?: string;
  promptIds: number[];
  generatedIds: number[];
}

/** Loads `source` on `device` and greedy-decodes `prompt`, all inside the page's module worker. */
export async function selfTestInPage(
  page: Page,
  args: {
    source: string;
    dtype: string;
    device: 'wasm' | 'webgpu' | 'auto';
    prompt: string;
    maxNewTokens: number;
  },
): Promise<BrowserSelfTest> {
  return page.evaluate(async ({ source, dtype, device, prompt, maxNewTokens }) => {
    const client = window.uninerDebug!.client;
    const ready = await client.load({ model: { source, dtype: dtype as never }, device }).promise;
    const result = await client.selftest(prompt, maxNewTokens).promise;
    return {
      device: ready.model.device,
      dtype: ready.model.dtype,
      ...(ready.fallbackReason ? { fallbackReason: ready.fallbackReason } : {}),
      promptIds: [...result.promptIds],
      generatedIds: [...result.generatedIds],
    };
  }, args);
}

/** Raw answers per type and stats of one extraction in the page (model already loaded). */
export async function extractInPage(
  page: Page,
  args: {
    passage: string;
    entityTypes: string[];
    constrain: boolean;
    maxNewTokens: number;
    reusePrefix: boolean;
  },
): Promise<{ answers: Record<string, string[]>; prefillTokens: number; decodeTokens: number }> {
  return page.evaluate(async ({ passage, entityTypes, constrain, maxNewTokens, reusePrefix }) => {
    const client = window.uninerDebug!.client;
    const answers: Record<string, string[]> = {};
    const off = client.on('type-done', (event) => {
      answers[event.entityType] = [...event.rawAnswers];
    });
    try {
      const done = await client.extract({
        passage,
        entityTypes,
        options: { constrain, maxNewTokens, reusePrefix },
      }).promise;
      return { answers, prefillTokens: done.stats.prefillTokens, decodeTokens: done.stats.decodeTokens };
    } finally {
      off();
    }
  }, args);
}
