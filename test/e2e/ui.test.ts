/**
 * The UI in a real Chromium, driven through its controls by accessible names: custom model URL,
 * device, passage, entity types, Extract/Stop, highlights, per-type status, device badge and
 * fallback reason, exports, keyboard, "not found in text", rapid clicks. The synthetic
 * `scripted-llama` answers `["Barack Obama", "Hawaii"]` for every type; `tiny-llama` (random
 * weights) makes long runs for Stop. Screenshots go to test-results/screenshots/ (git-ignored).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../tools/harness/chromium';
import { modelUrl, openApp, origin } from './page-helpers';

const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/screenshots');

const PASSAGE =
  'Barack Obama was born in Honolulu, Hawaii, in 1961. Years later, Barack Obama returned to Hawaii ' +
  'for a holiday with his family.';

interface MarkInfo {
  type: string;
  start: number;
  end: number;
}

/** Picks the custom model field, the device and (optionally) the weight format. */
async function chooseModel(
  page: Page,
  source: string,
  device: 'auto' | 'webgpu' | 'wasm',
  dtype?: string,
): Promise<void> {
  await page.getByRole('radio', { name: 'Custom Hub id or URL' }).check();
  await page.getByRole('textbox', { name: 'Custom model (Hub id or URL)' }).fill(source);
  await page.getByLabel('Device', { exact: true }).selectOption(device);
  if (dtype) await page.getByLabel('Weight format', { exact: true }).selectOption(dtype);
}

/** Types the passage into the editor. */
async function typePassage(page: Page, passage: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Passage', exact: true }).fill(passage);
}

/** Replaces the entity types through the chip input (Backspace empties it, Enter adds). */
async function setTypes(page: Page, types: readonly string[]): Promise<void> {
  const input = page.getByRole('textbox', { name: 'Entity types', exact: true });
  const chips = page.getByRole('list', { name: 'Entity types', exact: true }).getByRole('listitem');
  await input.fill('');
  while ((await chips.count()) > 0) await input.press('Backspace');
  for (const type of types) {
    await input.fill(type);
    await input.press('Enter');
  }
  expect(await chips.allInnerTexts()).toHaveLength(types.length);
}

async function setConstrain(page: Page, on: boolean): Promise<void> {
  await page.getByRole('checkbox', { name: /^Constrained decoding/ }).setChecked(on);
}

function extractButton(page: Page) {
  return page.getByRole('button', { name: 'Extract', exact: true });
}

/** Waits until the run's summary line ("Finished in …" / "Stopped in …") is shown. */
async function waitForRunEnd(page: Page, timeout = 120_000): Promise<string> {
  const summary = page.getByText(/^(Finished|Stopped) in \d/);
  await summary.waitFor({ timeout });
  return summary.innerText();
}

/** Status of each type of the run, from the progress list. */
async function typeStatuses(page: Page): Promise<Record<string, string>> {
  return page
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
}

/** Every highlight in the passage view, by its data attributes. */
async function marks(page: Page): Promise<MarkInfo[]> {
  const list = await page
    .getByTestId('highlighted-passage')
    .locator('mark[data-type][data-start][data-end]')
    .evaluateAll((nodes) =>
      nodes.map((node) => ({
        type: node.getAttribute('data-type') ?? '',
        start: Number(node.getAttribute('data-start')),
        end: Number(node.getAttribute('data-end')),
      })),
    );
  return list.sort((a, b) => a.start - b.start || a.type.localeCompare(b.type));
}

/** The (type, start, end) of every occurrence of each string in the passage, for each type. */
function expectedMarks(passage: string, types: readonly string[], strings: readonly string[]): MarkInfo[] {
  const out: MarkInfo[] = [];
  for (const type of types) {
    for (const text of strings) {
      for (let at = passage.indexOf(text); at >= 0; at = passage.indexOf(text, at + 1)) {
        out.push({ type, start: at, end: at + text.length });
      }
    }
  }
  return out.sort((a, b) => a.start - b.start || a.type.localeCompare(b.type));
}

/** Sets the theme through the header toggle (it cycles System → Light → Dark). */
async function setTheme(page: Page, theme: 'Light' | 'Dark'): Promise<void> {
  const toggle = page.getByRole('button', { name: /^Theme: / });
  for (let i = 0; i < 3 && !(await toggle.innerText()).endsWith(theme); i++) await toggle.click();
  expect(await toggle.innerText()).toBe(`Theme: ${theme}`);
}

async function download(page: Page, name: string): Promise<{ filename: string; text: string }> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  const path = await file.path();
  return { filename: file.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

describe('the UI on WASM (Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
  });
  afterAll(async () => browser?.close());

  it('extracts with a custom model URL: marks at the right offsets, per-type done, WASM badge, exports, screenshots', async () => {
    const page = await openApp(browser);
    const types = ['person', 'location'];
    await chooseModel(page, modelUrl('scripted-llama'), 'wasm');
    await typePassage(page, PASSAGE);
    await setTypes(page, types);
    await extractButton(page).click();
    expect(await waitForRunEnd(page)).toMatch(/^Finished in/);

    // Every occurrence of both strings, for both types, exactly once, and the text under each mark.
    const found = await marks(page);
    expect(found).toEqual(expectedMarks(PASSAGE, types, ['Barack Obama', 'Hawaii']));
    for (const mark of found)
      expect(['Barack Obama', 'Hawaii']).toContain(PASSAGE.slice(mark.start, mark.end));
    expect(await page.getByTestId('highlighted-passage').innerText()).toBe(PASSAGE);
    expect(await typeStatuses(page)).toEqual({ person: 'done', location: 'done' });
    const progress = page.getByRole('list', { name: 'Progress per entity type' });
    expect(await progress.locator('li[data-type-status="done"]').first().innerText()).toMatch(
      /^person\s*done: 2 found in \d/,
    );

    const badge = page.getByRole('definition').locator('[data-device]');
    expect(await badge.innerText()).toBe('WASM');
    expect(await badge.getAttribute('data-device')).toBe('wasm');
    expect(await page.getByText(/^Fallback:/).count()).toBe(0);

    // Exports.
    const jsonl = await download(page, 'Download JSONL');
    expect(jsonl.filename).toBe('entities.jsonl');
    const rows = jsonl.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as MarkInfo & { text: string });
    expect(
      rows
        .map(({ type, start, end }) => ({ type, start, end }))
        .sort((a, b) => a.start - b.start || a.type.localeCompare(b.type)),
    ).toEqual(expectedMarks(PASSAGE, types, ['Barack Obama', 'Hawaii']));
    for (const row of rows) expect(PASSAGE.slice(row.start, row.end)).toBe(row.text);

    const conll = await download(page, 'Download CoNLL (BIO)');
    const lines = conll.text.trim().split('\n');
    expect(lines.map((l) => l.split('\t')[0]).join(' ')).toBe(PASSAGE.split(/\s+/).join(' '));
    expect(lines.slice(0, 3)).toEqual(['Barack\tB-person', 'Obama\tI-person', 'was\tO']);
    expect(lines).toContain('Hawaii,\tB-person');

    const csv = await download(page, 'Download CSV');
    const csvLines = csv.text.trimEnd().split('\r\n');
    expect(csvLines[0]).toBe('type,text,start,end,score');
    expect(csvLines).toHaveLength(1 + rows.length);
    const first = expectedMarks(PASSAGE, types, ['Barack Obama'])[0]!;
    expect(csvLines.some((line) => line.startsWith(`person,Barack Obama,${first.start},${first.end},`))).toBe(
      true,
    );

    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: origin() });
    await page.getByRole('button', { name: 'Copy JSON', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'JSON copied.' }).waitFor();
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as {
      passage: string;
      model: string;
      entityTypes: string[];
      spans: MarkInfo[];
    };
    expect(copied.passage).toBe(PASSAGE);
    expect(copied.model).toBe(modelUrl('scripted-llama'));
    expect(copied.entityTypes).toEqual(types);
    expect(copied.spans).toHaveLength(rows.length);

    // Screenshots: desktop and phone, light and dark.
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const [width, height, name] of [
      [1280, 900, 'desktop'],
      [390, 844, 'phone'],
    ] as const) {
      await page.setViewportSize({ width, height });
      for (const theme of ['Light', 'Dark'] as const) {
        await setTheme(page, theme);
        await page.screenshot({
          path: resolve(SCREENSHOTS, `${name}-${theme.toLowerCase()}.png`),
          fullPage: true,
        });
        // Nothing may stick out sideways at this width.
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, `${name} ${theme}: horizontal overflow`).toBeLessThanOrEqual(0);
      }
    }
    await page.context().close();
  });

  it('Ctrl+Enter runs; strings the model gave that are not in the passage are listed as not found', async () => {
    const page = await openApp(browser);
    const passage = 'The volcanoes of Hawaii are among the most active on Earth.';
    await chooseModel(page, modelUrl('scripted-llama'), 'wasm');
    await typePassage(page, passage);
    await setTypes(page, ['person']);
    await setConstrain(page, false);
    await page.getByRole('textbox', { name: 'Passage', exact: true }).press('Control+Enter');
    expect(await waitForRunEnd(page)).toMatch(/^Finished in/);

    expect(await marks(page)).toEqual(expectedMarks(passage, ['person'], ['Hawaii']));
    const results = page.getByRole('region', { name: 'Results for person' });
    const missing = results.getByRole('list').filter({ has: page.getByText('Barack Obama') });
    await missing.waitFor();
    expect(await results.getByText('Not found in text').count()).toBe(1);
    // The string, then the model's confidence in it when the engine scored it.
    expect(await missing.getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringMatching(/^Barack Obama(\s+confidence\s+\d+%)?$/),
    ]);
    await page.context().close();
  });

  /** Starts a long tiny-llama run (random weights, unconstrained: every type uses its whole budget). */
  async function startLongRun(page: Page, types: readonly string[]): Promise<void> {
    await chooseModel(page, modelUrl('tiny-llama'), 'wasm', 'q4');
    await typePassage(page, PASSAGE);
    await setTypes(page, types);
    await setConstrain(page, false);
    await extractButton(page).click();
    // Wait until the model is really generating.
    await page
      .locator('li[data-type-status="streaming"], li[data-type-status="done"]')
      .first()
      .waitFor({ timeout: 60_000 });
  }

  it('Stop ends a long run promptly and marks the unfinished types stopped', async () => {
    const page = await openApp(browser);
    const types = Array.from({ length: 8 }, (_, i) => `kind ${i + 1}`);
    await startLongRun(page, types);
    const stop = page.getByRole('button', { name: 'Stop', exact: true });
    expect(await stop.isEnabled()).toBe(true);
    const pressed = Date.now();
    await stop.click();
    // The client gives a silent worker 5 s before it restarts it (see engine-client/stop-safety-net.ts).
    expect(await waitForRunEnd(page, 15_000)).toMatch(/^Stopped in/);
    expect(Date.now() - pressed).toBeLessThan(8_000);
    const statuses = Object.values(await typeStatuses(page));
    expect(statuses).toHaveLength(types.length);
    expect(statuses).toContain('stopped');
    expect(statuses.every((s) => s === 'done' || s === 'stopped')).toBe(true);
    expect(await stop.isEnabled()).toBe(false);
    expect(await extractButton(page).isEnabled()).toBe(true);
    await page.context().close();
  });

  // The engine yields to its message queue once per model step, so Stop reaches it mid-run; the
  // client's forced restart (engine-client/stop-safety-net.ts, 5 s) is only the safety net for a stuck step.
  it('the engine itself honours Stop within a decode step (no forced restart)', async () => {
    const page = await openApp(browser);
    await startLongRun(page, ['kind 1', 'kind 2', 'kind 3', 'kind 4']);
    const pressed = Date.now();
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await waitForRunEnd(page, 15_000);
    const restarted = await page.getByText(/Stop restarted the engine/).count();
    await page.context().close();
    expect(restarted).toBe(0);
    expect(Date.now() - pressed).toBeLessThan(2_000);
  });

  it('device auto without a WebGPU adapter runs on WASM and says why', async () => {
    const page = await openApp(browser);
    await chooseModel(page, modelUrl('scripted-llama'), 'auto');
    await typePassage(page, PASSAGE);
    await setTypes(page, ['person']);
    await extractButton(page).click();
    await waitForRunEnd(page);
    const badge = page.getByRole('definition').locator('[data-device]');
    expect(await badge.innerText()).toBe('WASM');
    const reason = await page.getByText(/^Fallback:/).innerText();
    expect(reason).toMatch(/WebGPU|adapter/);
    expect(await marks(page)).toEqual(expectedMarks(PASSAGE, ['person'], ['Barack Obama', 'Hawaii']));
    await page.context().close();
  });

  it('rapid Extract clicks (while the model loads, and once it is loaded) show only the latest run', async () => {
    const page = await openApp(browser);
    await chooseModel(page, modelUrl('scripted-llama'), 'wasm');
    await setTypes(page, ['person', 'location']);
    const passages = [
      'Barack Obama met reporters in Hawaii.',
      'In Hawaii, a crowd waited for Barack Obama all day.',
      'Hawaii! Hawaii! they chanted, and at last Barack Obama waved.',
    ];
    /** Types each passage and clicks Extract, all in one task, as fast as a script can. */
    const clickThrice = (texts: string[]) =>
      page.evaluate((texts) => {
        const area = [...document.querySelectorAll('textarea')].find(
          (t) => t.labels?.[0]?.textContent === 'Passage',
        );
        const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Extract');
        if (!area || !button) throw new Error('passage or Extract not found');
        const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!;
        for (const text of texts) {
          setValue.call(area, text);
          area.dispatchEvent(new Event('input', { bubbles: true }));
          button.click();
        }
      }, texts);

    // First: three clicks before any model is loaded (all three wait for the same load).
    await clickThrice(passages);
    await waitForRunEnd(page);
    const last = passages[2]!;
    expect(await page.getByTestId('highlighted-passage').innerText()).toBe(last);
    expect(await marks(page)).toEqual(
      expectedMarks(last, ['person', 'location'], ['Barack Obama', 'Hawaii']),
    );

    // Then, with the model loaded: the first click disables Extract until the run ends, so a
    // triple click makes one run, with no duplicate marks.
    const fourth = 'Aloha from Hawaii, said Barack Obama.';
    await typePassage(page, fourth);
    await page.evaluate(() => {
      const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Extract');
      for (let i = 0; i < 3; i++) button?.click();
    });
    await page.waitForFunction(
      (text) => document.querySelector('[data-testid="highlighted-passage"]')?.textContent === text,
      fourth,
    );
    await waitForRunEnd(page);
    expect(await marks(page)).toEqual(
      expectedMarks(fourth, ['person', 'location'], ['Barack Obama', 'Hawaii']),
    );
    await page.context().close();
  });
});

describe('the UI on WebGPU (SwiftShader; slow, one type)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgpu: true });
  });
  afterAll(async () => browser?.close());

  it('Automatic passes over the software adapter (SwiftShader): WASM, and the panel says why', async () => {
    const page = await openApp(browser);
    const adapter = await page.evaluate(async () => {
      type Info = { architecture?: string; isFallbackAdapter?: boolean };
      const gpu = (
        navigator as Navigator & {
          gpu?: { requestAdapter(): Promise<{ info?: Info; isFallbackAdapter?: boolean } | null> };
        }
      ).gpu;
      const found = await gpu?.requestAdapter();
      return found
        ? {
            architecture: found.info?.architecture ?? '',
            fallback: found.info?.isFallbackAdapter ?? found.isFallbackAdapter ?? null,
          }
        : null;
    });
    // The only adapter this browser offers is SwiftShader's (the premise of the test).
    expect(adapter, 'Chromium offered no WebGPU adapter (SwiftShader)').not.toBeNull();
    expect(adapter!.fallback === true || /swiftshader/iu.test(adapter!.architecture)).toBe(true);
    await chooseModel(page, modelUrl('scripted-llama'), 'auto');
    await typePassage(page, PASSAGE);
    await setTypes(page, ['person']);
    await extractButton(page).click();
    await waitForRunEnd(page);
    const badge = page.getByRole('definition').locator('[data-device]');
    expect(await badge.innerText()).toBe('WASM');
    expect(await page.getByText(/^Fallback:/).innerText()).toMatch(
      /software WebGPU adapter.*WASM is faster/u,
    );
    expect(await marks(page)).toEqual(expectedMarks(PASSAGE, ['person'], ['Barack Obama', 'Hawaii']));
    await page.context().close();
  });

  it('runs on WebGPU with q4 and highlights the answer', async () => {
    const page = await openApp(browser);
    const hasAdapter = await page.evaluate(async () => {
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      return Boolean(gpu && (await gpu.requestAdapter()));
    });
    expect(hasAdapter, 'Chromium offered no WebGPU adapter (SwiftShader)').toBe(true);
    await chooseModel(page, modelUrl('scripted-llama'), 'webgpu', 'q4');
    await typePassage(page, PASSAGE);
    await setTypes(page, ['person']);
    await extractButton(page).click();
    expect(await waitForRunEnd(page, 170_000)).toMatch(/^Finished in/);
    const badge = page.getByRole('definition').locator('[data-device]');
    expect(await badge.innerText()).toBe('WebGPU');
    expect(await page.getByText(/^Fallback:/).count()).toBe(0);
    // Chosen by name on a software adapter, WebGPU runs, and the panel warns that WASM would be faster.
    expect(await page.getByTestId('device-warning').innerText()).toMatch(
      /software adapter.*slower than WASM/u,
    );
    expect(await marks(page)).toEqual(expectedMarks(PASSAGE, ['person'], ['Barack Obama', 'Hawaii']));
    await page.context().close();
  }, 240_000);
});
