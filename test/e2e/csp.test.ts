/**
 * The Content-Security-Policy of index.html: it is in force (a page-level fetch to another origin is
 * blocked and reported), and the app loads a model from another origin through its worker and
 * extracts under it without a single `securitypolicyviolation`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../tools/harness/chromium';
import { origin } from './page-helpers';
import { startModelHost, type ModelHost } from './model-host';
import { MODELS_DIR } from '../../tools/fixtures/paths';

let browser: Browser;
let host: ModelHost;

beforeAll(async () => {
  browser = await launchChromium({ webgpu: false });
  host = await startModelHost(MODELS_DIR);
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
});

declare global {
  interface Window {
    cspViolations?: string[];
  }
}

describe('Content-Security-Policy', () => {
  it('is in force, and the app loads and extracts under it without violations', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        window.cspViolations!.push(`${e.effectiveDirective} ${e.blockedURI}`),
      );
    });
    const page = await context.newPage();
    const consoleCsp: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) consoleCsp.push(m.text());
    });
    await page.goto(origin());
    const policy = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(policy).toContain("connect-src 'self'");
    await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
    expect(await page.locator('script:not([src])').count()).toBe(0);

    const found = await page.evaluate(async (source) => {
      const client = window.uninerDebug!.client;
      await client.load({ model: { source, dtype: 'q4' }, device: 'wasm' }).promise;
      const names: string[] = [];
      const off = client.on('type-done', (e) => names.push(...e.entities.map((x) => x.text)));
      await client.extract({
        passage: 'Barack Obama was born in Hawaii.',
        entityTypes: ['person'],
        options: { constrain: true, maxNewTokens: 16 },
      }).promise;
      off();
      return names;
    }, `${host.origin}/models/scripted-llama`);
    expect(found).toEqual(['Barack Obama', 'Hawaii']);
    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    expect(consoleCsp).toEqual([]);

    // The policy is real: the page itself may not connect to another origin.
    const blocked = await page.evaluate(async (url) => {
      try {
        await fetch(url);
        return false;
      } catch {
        return true;
      }
    }, `${host.origin}/models/scripted-llama/config.json`);
    expect(blocked).toBe(true);
    await expect
      .poll(() => page.evaluate(() => window.cspViolations))
      .toEqual([`connect-src ${host.origin}/models/scripted-llama/config.json`]);
    await context.close();
  });
});
