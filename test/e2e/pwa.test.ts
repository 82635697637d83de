/**
 * The offline PWA in a real Chromium (WASM only): the manifest, the service worker taking control
 * after a reload, what it precaches (shell, worker chunk, onnxruntime .mjs/.wasm — never model files),
 * and a full offline round: first visit, load scripted-llama and extract; then offline, reload, load
 * again from the caches and extract — with no request reaching the server. This file runs its own
 * server so its request log is private and its service worker cannot leak into other tests' origin.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../tools/harness/chromium';
import { startStaticServer, type StaticServer } from '../../tools/harness/static-server';

const ROOT = resolve(import.meta.dirname, '../..');
const PASSAGE = 'Barack Obama was born in Honolulu, Hawaii. Barack Obama returned to Hawaii.';

interface ManifestIcon {
  src: string;
  sizes: string;
  type?: string;
  purpose?: string;
}

async function waitForApp(page: Page): Promise<void> {
  await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
}

/** Every Cache Storage cache of the page's origin and the URLs it holds. */
function cacheContents(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const name of await self.caches.keys()) {
      out[name] = (await (await self.caches.open(name)).keys()).map((request) => request.url);
    }
    return out;
  });
}

/** Extract through the UI and wait for highlights; returns the highlighted strings. */
async function extractAndWaitForMarks(page: Page): Promise<string[]> {
  await page.getByRole('button', { name: 'Extract', exact: true }).click();
  const marks = page.locator('mark[data-type]');
  await marks.first().waitFor({ timeout: 90_000 });
  await page.getByText(/^(Finished|Stopped) in \d/).waitFor({ timeout: 90_000 });
  return marks.allInnerTexts();
}

describe('offline PWA', () => {
  let browser: Browser;
  let server: StaticServer;
  beforeAll(async () => {
    server = await startStaticServer([
      { prefix: '/models/', dir: resolve(ROOT, 'test/fixtures/models') },
      { prefix: '/', dir: resolve(ROOT, 'dist') },
    ]);
    browser = await launchChromium({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('has an installable manifest: name, icons 192/512 and maskable, start_url, scope, standalone', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.origin + '/');
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBe('./manifest.webmanifest');
    const manifestUrl = new URL(href!, page.url()).href;
    const manifest = (await (await context.request.get(manifestUrl)).json()) as {
      name: string;
      short_name: string;
      start_url: string;
      scope: string;
      display: string;
      theme_color: string;
      background_color: string;
      icons: ManifestIcon[];
    };
    expect(manifest.name).toBe('UniNER Web');
    expect(manifest.short_name).toBeTruthy();
    expect(manifest.display).toBe('standalone');
    // Relative: resolved against the manifest's own URL, so any sub-path works.
    expect(manifest.start_url).toBe('./');
    expect(manifest.scope).toBe('./');
    expect(manifest.theme_color).toMatch(/^#/);
    expect(manifest.background_color).toMatch(/^#/);
    const sizes = manifest.icons.map((icon) => icon.sizes);
    expect(sizes).toContain('192x192');
    expect(sizes).toContain('512x512');
    expect(manifest.icons.some((icon) => icon.purpose?.split(' ').includes('maskable'))).toBe(true);
    for (const icon of manifest.icons) {
      const response = await context.request.get(new URL(icon.src, manifestUrl).href);
      expect(response.status()).toBe(200);
      const png = await response.body();
      // PNG signature, then IHDR width and height.
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      const [width, height] = icon.sizes.split('x').map(Number);
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([width, height]);
    }
    await context.close();
  });

  it('works offline after one visit: cached shell + engine + model, still cross-origin isolated', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const link =
      `/#text=${encodeURIComponent(PASSAGE)}&types=person,location` +
      `&model=${encodeURIComponent(server.origin + '/models/scripted-llama')}&device=wasm&dtype=q4`;
    await page.goto(server.origin + link);
    await waitForApp(page);
    // The first install precaches ~27 MB; wait until the worker is active, then reload to be controlled.
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(server.origin + '/');
    expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
    await page.reload();
    await waitForApp(page);
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.state)).toBe('activated');

    // What the service worker precached: the shell and the whole engine, and nothing of the model.
    const precached = await cacheContents(page);
    const precacheName = Object.keys(precached).find((name) => name.startsWith('workbox-precache'));
    expect(precacheName).toBeDefined();
    const urls = precached[precacheName!]!;
    expect(urls.some((url) => /\/assets\/ort-wasm[^/]*\.wasm/.test(url))).toBe(true);
    expect(urls.some((url) => /\/assets\/ort-wasm[^/]*\.mjs/.test(url))).toBe(true);
    expect(urls.some((url) => /\/assets\/worker-[^/]*\.js/.test(url))).toBe(true);
    expect(urls.some((url) => /\/index\.html/.test(url))).toBe(true);

    // First visit: the model comes from the server into transformers.js's own cache.
    expect(await page.getByText('Opened from a shared link').count()).toBe(1);
    const online = await extractAndWaitForMarks(page);
    expect(online).toContain('Barack Obama');
    expect(online).toContain('Hawaii');
    // The model panel shows the site's storage use and quota once a model was loaded.
    await page
      .getByTestId('storage-info')
      .filter({ hasText: /^Storage: .+ used of .+ available/ })
      .waitFor();
    const cached = await cacheContents(page);
    const modelCaches = Object.entries(cached)
      .filter(([, list]) => list.some((url) => url.includes('/models/')))
      .map(([name]) => name);
    // One copy of the model, in transformers.js's cache only (no Workbox runtime cache).
    expect(modelCaches).toEqual(['transformers-cache']);

    // Offline: nothing may reach the server any more.
    const before = server.requests.length;
    await context.setOffline(true);
    await page.reload();
    await waitForApp(page);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    // The precached index.html keeps the COOP/COEP headers it was fetched with.
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Passage', exact: true }).inputValue()).toBe(PASSAGE);
    const offline = await extractAndWaitForMarks(page);
    expect(offline).toEqual(online);
    // Only the browser's own service-worker update check (sw.js and the script it imports) gets past
    // Playwright's offline emulation; on a real offline device it fails quietly. Nothing of the page,
    // its engine worker or the model reached the server.
    const updateCheck = /^\/(sw|workbox-[\w-]+)\.js$/;
    expect(server.requests.slice(before).filter((path) => !updateCheck.test(path))).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a new version waits for "Reload" in the update toast, then takes over', async () => {
    // A copy of dist/ whose sw.js changes between visits, as after a deployment.
    const copy = mkdtempSync(join(tmpdir(), 'uniner-dist-'));
    cpSync(resolve(ROOT, 'dist'), copy, { recursive: true });
    const deployed = await startStaticServer([{ prefix: '/', dir: copy }]);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(deployed.origin + '/');
      await waitForApp(page);
      await page.evaluate(async () => navigator.serviceWorker.ready);
      await page.reload();
      await waitForApp(page);
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

      appendFileSync(join(copy, 'sw.js'), '\n// next deployment\n');
      await page.evaluate(async () => (await navigator.serviceWorker.ready).update());
      const toast = page.getByRole('status').filter({ hasText: 'Update available' });
      await toast.waitFor({ timeout: 60_000 });
      // Nothing reloaded by itself: the old version still controls the page until asked.
      expect(await page.evaluate(async () => Boolean((await navigator.serviceWorker.ready).waiting))).toBe(
        true,
      );
      await Promise.all([page.waitForEvent('load'), toast.getByRole('button', { name: 'Reload' }).click()]);
      await waitForApp(page);
      const after = await page.evaluate(async () => {
        const registration = await navigator.serviceWorker.ready;
        return {
          waiting: Boolean(registration.waiting),
          controlled: navigator.serviceWorker.controller !== null,
        };
      });
      expect(after).toEqual({ waiting: false, controlled: true });
      expect(await page.getByText('Update available').count()).toBe(0);
    } finally {
      await context.close();
      await deployed.close();
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
