/**
 * The privacy promise, end to end in Chromium: the app is served from one origin and the model from a
 * second one (a stand-in for the Hub). During load and extraction no request — from the page or its
 * inference worker, seen by the browser and by both servers — carries any part of the passage, and no
 * request goes anywhere else. Once the model is cached, an extraction makes no request at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from '../../tools/harness/chromium';
import { startModelHost, type ModelHost } from './model-host';
import { startStaticServer, type StaticServer } from '../../tools/harness/static-server';
import { MODELS_DIR } from '../../tools/fixtures/paths';

/** A passage with markers that occur nowhere else (so any leak, whole or in part, is found). */
const MARKERS = ['Qzxvwk Plimbertson', 'Hawaiiqzx', 'zqvprivate7731'];
const PASSAGE = `${MARKERS[0]} was born in ${MARKERS[1]}. Her code word is ${MARKERS[2]}. Barack Obama was born in Hawaii.`;

/** Every form a marker could take in a URL, header or body. */
function leakForms(text: string): string[] {
  const words = text.split(/\s+/).filter((w) => w.length >= 6);
  return [
    text,
    encodeURIComponent(text),
    text.replace(/ /g, '+'),
    Buffer.from(text).toString('base64'),
    ...words,
  ].map((s) => s.toLowerCase());
}
const FORBIDDEN = MARKERS.flatMap(leakForms);

interface Seen {
  readonly url: string;
  readonly text: string;
}

let browser: Browser;
let app: StaticServer;
let host: ModelHost;

beforeAll(async () => {
  browser = await launchChromium({ webgpu: false });
  app = await startStaticServer([{ prefix: '/', dir: resolve(import.meta.dirname, '../../dist') }]);
  host = await startModelHost(MODELS_DIR);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await host?.close();
});

/** Records every request the context's pages and workers make: URL, all headers, body. */
function recordRequests(context: BrowserContext): Seen[] {
  const seen: Seen[] = [];
  context.on('request', (request) => {
    const entry = { url: request.url(), text: '' };
    seen.push(entry);
    void request.allHeaders().then((headers) => {
      entry.text = `${JSON.stringify(headers)}\n${request.postData() ?? ''}`.toLowerCase();
    });
  });
  return seen;
}

function leaks(haystack: string): string[] {
  const lower = haystack.toLowerCase();
  return FORBIDDEN.filter((form) => lower.includes(form));
}

async function loadAndExtract(context: BrowserContext): Promise<string[]> {
  const page = await context.newPage();
  await page.goto(app.origin);
  await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
  return page.evaluate(
    async ({ source, passage }) => {
      const client = window.uninerDebug!.client;
      await client.load({ model: { source, dtype: 'q4' }, device: 'wasm' }).promise;
      const found: string[] = [];
      const off = client.on('type-done', (e) => found.push(...e.entities.map((x) => x.text)));
      await client.extract({
        passage,
        entityTypes: ['person', 'location'],
        options: { constrain: true, maxNewTokens: 16 },
      }).promise;
      off();
      return found;
    },
    { source: `${host.origin}/models/scripted-llama`, passage: PASSAGE },
  );
}

describe('privacy', () => {
  it('no request carries the passage, and requests go only to the app and the model host', async () => {
    const context = await browser.newContext();
    const seen = recordRequests(context);
    const found = await loadAndExtract(context);
    expect(found).toContain('Barack Obama');
    await new Promise((r) => setTimeout(r, 200)); // let header promises settle

    const network = seen.filter((r) => /^https?:/.test(r.url));
    const origins = new Set(network.map((r) => new URL(r.url).origin));
    expect([...origins].sort()).toEqual([app.origin, host.origin].sort());
    // The browser's view covers the worker: every model-host request the server saw is in it.
    for (const served of host.requests) {
      expect(network.some((r) => r.url === `${host.origin}${served.url}`)).toBe(true);
    }
    for (const request of network) expect(leaks(`${request.url}\n${request.text}`)).toEqual([]);
    for (const served of host.requests) {
      expect(
        leaks(`${served.method} ${served.url}\n${JSON.stringify(served.headers)}\n${served.body}`),
      ).toEqual([]);
    }
    for (const path of app.requests) expect(leaks(path)).toEqual([]);
    console.info(
      `[privacy] ${network.length} requests checked (${host.requests.length} to the model host, ${app.requests.length} to the app); none carried the passage`,
    );

    // Second load in the same context: the model comes from Cache Storage; extraction is silent.
    const hostBefore = host.requests.length;
    const page = await context.newPage();
    await page.goto(app.origin);
    await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
    await page.evaluate(async (source) => {
      await window.uninerDebug!.client.load({ model: { source, dtype: 'q4' }, device: 'wasm' }).promise;
    }, `${host.origin}/models/scripted-llama`);
    const modelGets = host.requests.slice(hostBefore).filter((r) => r.method === 'GET');
    expect(modelGets.map((r) => r.url)).toEqual([]);
    // Let the service worker finish registering first: its script fetches are the browser's, not ours.
    await page.evaluate(() => navigator.serviceWorker?.ready.then(() => undefined));
    const browserBefore = seen.length;
    const appBefore = app.requests.length;
    const hostBeforeExtract = host.requests.length;
    const second = await page.evaluate(async (passage) => {
      const client = window.uninerDebug!.client;
      const done = await client.extract({
        passage,
        entityTypes: ['person'],
        options: { constrain: true, maxNewTokens: 16 },
      }).promise;
      return done.interrupted;
    }, PASSAGE);
    expect(second).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.slice(browserBefore).map((r) => r.url)).toEqual([]);
    // Chromium may re-check the service worker script (and its Workbox runtime) at any time; those
    // fetches carry no passage (checked above for every request) and are not made by the extraction.
    const serviceWorkerUpdate = /^\/(sw\.js|workbox-[\w-]+\.js)$/;
    expect(app.requests.slice(appBefore).filter((path) => !serviceWorkerUpdate.test(path))).toEqual([]);
    expect(host.requests.slice(hostBeforeExtract)).toEqual([]);
    await context.close();
  });
});
