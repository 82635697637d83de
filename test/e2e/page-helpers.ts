/** Helpers shared by the browser tests: open the built app and drive its engine client. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { inject } from 'vitest';

/**
 * With `UNINER_DOC_SCREENSHOTS=1`, saves the page as `docs/images/<name>.png` for the README (the
 * pictures come from the same runs that check what they show); otherwise does nothing.
 */
export async function screenshotForDocs(page: Page, name: string): Promise<void> {
  if (process.env.UNINER_DOC_SCREENSHOTS !== '1') return;
  const dir = resolve(import.meta.dirname, '../../docs/images');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: resolve(dir, `${name}.png`) });
}

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

/** A highlight in the passage view, by its data attributes. */
export interface HighlightMark {
  type: string;
  start: number;
  end: number;
}

/** What {@link extractThroughUi} sets through the page's controls before pressing Extract. */
export interface UiExtraction {
  /** Custom model Hub id or URL. */
  source: string;
  device: 'auto' | 'webgpu' | 'wasm';
  /** Weight format; left at the page's choice when omitted. */
  dtype?: string;
  passage: string;
  types: readonly string[];
  constrain: boolean;
  /** "Max new tokens per type" (Advanced options); left at the default when omitted. */
  maxNewTokens?: number;
  /** "Question format" (Advanced options); left at Automatic when omitted. */
  promptStyle?: 'auto' | 'uniner' | 'chat';
  /** How long to wait for the run's summary line. */
  timeoutMs?: number;
}

/**
 * Drives one extraction through the page's own controls (custom model field, device, weight
 * format, passage, entity type chips, constrained checkbox, Extract) and waits for the summary line.
 * Returns the summary ("Finished in …") and every highlight, sorted by start then type.
 */
export async function extractThroughUi(
  page: Page,
  run: UiExtraction,
): Promise<{ summary: string; marks: HighlightMark[]; statuses: Record<string, string> }> {
  await page.getByRole('radio', { name: 'Custom Hub id or URL' }).check();
  await page.getByRole('textbox', { name: 'Custom model (Hub id or URL)' }).fill(run.source);
  await page.getByLabel('Device', { exact: true }).selectOption(run.device);
  if (run.dtype) await page.getByLabel('Weight format', { exact: true }).selectOption(run.dtype);
  await page.getByRole('textbox', { name: 'Passage', exact: true }).fill(run.passage);
  const input = page.getByRole('textbox', { name: 'Entity types', exact: true });
  const chips = page.getByRole('list', { name: 'Entity types', exact: true }).getByRole('listitem');
  await input.fill('');
  while ((await chips.count()) > 0) await input.press('Backspace');
  for (const type of run.types) {
    await input.fill(type);
    await input.press('Enter');
  }
  await page.getByRole('checkbox', { name: /^Constrained decoding/ }).setChecked(run.constrain);
  if (run.maxNewTokens !== undefined || run.promptStyle !== undefined) {
    await page.getByText('Advanced options', { exact: true }).click();
  }
  if (run.maxNewTokens !== undefined) {
    await page.getByLabel('Max new tokens per type', { exact: true }).fill(String(run.maxNewTokens));
  }
  if (run.promptStyle !== undefined) {
    await page.getByLabel('Question format', { exact: true }).selectOption(run.promptStyle);
  }
  await page.getByRole('button', { name: 'Extract', exact: true }).click();
  const summaryLine = page.getByText(/^(Finished|Stopped) in \d/);
  await summaryLine.waitFor({ timeout: run.timeoutMs ?? 120_000 });
  const summary = await summaryLine.innerText();
  const marks = await page
    .getByTestId('highlighted-passage')
    .locator('mark[data-type][data-start][data-end]')
    .evaluateAll((nodes) =>
      nodes.map((node) => ({
        type: node.getAttribute('data-type') ?? '',
        start: Number(node.getAttribute('data-start')),
        end: Number(node.getAttribute('data-end')),
      })),
    );
  const statuses = await page
    .getByRole('list', { name: 'Progress per entity type' })
    .locator('li[data-type-status]')
    .evaluateAll((items) =>
      Object.fromEntries(
        items.map((li) => [
          li.querySelector('.font-medium')?.textContent ?? '',
          li.getAttribute('data-type-status') ?? '',
        ]),
      ),
    );
  return {
    summary,
    marks: marks.sort((a, b) => a.start - b.start || a.type.localeCompare(b.type)),
    statuses,
  };
}
