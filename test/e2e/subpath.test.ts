/**
 * Static deployment: dist/ served from a sub-path of a plain static host, as on GitHub Pages
 * (`/<repo>/`). The page, its module worker, onnxruntime's .mjs/.wasm, the manifest and the service
 * worker (scope = the sub-path) must all resolve relative to it. Once with the COOP/COEP headers
 * (Netlify `_headers`, nginx: WASM threads) and once without any (GitHub Pages: no custom headers),
 * where the app must still load a model and extract, single-threaded.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../tools/harness/chromium';
import { startStaticServer, type StaticServer } from '../../tools/harness/static-server';

const ROOT = resolve(import.meta.dirname, '../..');
const SUB = '/some/sub/path/';
const PASSAGE = 'Barack Obama was born in Honolulu, Hawaii.';

/** Opens the app under the sub-path with a share link for scripted-llama, extracts, returns the marks. */
async function extractUnderSubPath(
  browser: Browser,
  server: StaticServer,
): Promise<{ page: Page; marks: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const link =
    `#text=${encodeURIComponent(PASSAGE)}&types=person,location` +
    `&model=${encodeURIComponent(server.origin + '/models/scripted-llama')}&device=wasm&dtype=q4`;
  await page.goto(server.origin + SUB + link);
  await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
  await page.getByRole('button', { name: 'Extract', exact: true }).click();
  await page.locator('mark[data-type]').first().waitFor({ timeout: 90_000 });
  await page.getByText(/^(Finished|Stopped) in \d/).waitFor({ timeout: 90_000 });
  expect(errors).toEqual([]);
  return { page, marks: await page.locator('mark[data-type]').allInnerTexts() };
}

/** Every app request stayed under the sub-path (models excepted); nothing was asked of the root. */
function expectAllUnderSubPath(server: StaticServer): void {
  const stray = server.requests.filter((path) => !path.startsWith(SUB) && !path.startsWith('/models/'));
  // Chromium asks for /favicon.ico only when the page names no icon; the page names one.
  expect(stray).toEqual([]);
}

describe.each([
  { name: 'with COOP/COEP headers', isolate: true },
  { name: 'without any special headers (GitHub Pages)', isolate: false },
])('dist/ under a sub-path, $name', ({ isolate }) => {
  let browser: Browser;
  let server: StaticServer;
  beforeAll(async () => {
    server = await startStaticServer(
      [
        { prefix: '/models/', dir: resolve(ROOT, 'test/fixtures/models') },
        { prefix: SUB, dir: resolve(ROOT, 'dist') },
      ],
      { isolate },
    );
    browser = await launchChromium({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads a model in the worker and extracts; manifest and service worker live under the sub-path', async () => {
    const { page, marks } = await extractUnderSubPath(browser, server);
    expect(marks).toContain('Barack Obama');
    expect(marks).toContain('Hawaii');
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(isolate);

    const manifestHref = await page
      .locator('link[rel="manifest"]')
      .evaluate((link) => (link as HTMLLinkElement).href);
    expect(manifestHref).toBe(server.origin + SUB + 'manifest.webmanifest');
    const manifest = (await (await page.context().request.get(manifestHref)).json()) as {
      start_url: string;
      scope: string;
    };
    expect(new URL(manifest.start_url, manifestHref).href).toBe(server.origin + SUB);
    expect(new URL(manifest.scope, manifestHref).href).toBe(server.origin + SUB);

    const registration = await page.evaluate(async () => {
      const ready = await navigator.serviceWorker.ready;
      return { scope: ready.scope, script: ready.active?.scriptURL ?? '' };
    });
    expect(registration.scope).toBe(server.origin + SUB);
    expect(registration.script).toBe(server.origin + SUB + 'sw.js');
    expectAllUnderSubPath(server);
    await page.context().close();
  });
});
