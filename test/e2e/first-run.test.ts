/**
 * The first ten minutes in a real Chromium: a first visit shows an example passage with its types,
 * ready to run, and the person's own draft wins once there is one; with the network gone, loading the
 * a Hub preset says which host could not be reached, that the browser is offline, and what to do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../tools/harness/chromium';
import { origin } from './page-helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ webgpu: false });
});
afterAll(async () => browser?.close());

function passageBox(page: Page) {
  return page.getByRole('textbox', { name: 'Passage', exact: true });
}

async function openFresh(): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(origin() + '/');
  await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
  return page;
}

describe('first run', () => {
  it('a first visit shows an example ready to run; afterwards the own draft wins', async () => {
    const page = await openFresh();
    // The example the bundled model finds entities in (first-visit.ts says why).
    expect(await passageBox(page).inputValue()).toMatch(/Ashish Vaswani/);
    const chips = page.getByRole('list', { name: 'Entity types', exact: true }).getByRole('listitem');
    expect(await chips.count()).toBeGreaterThan(1);
    expect(await page.getByRole('button', { name: 'Extract', exact: true }).isEnabled()).toBe(true);

    await passageBox(page).fill('My own passage about Ada Lovelace.');
    await page.reload();
    await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
    expect(await passageBox(page).inputValue()).toBe('My own passage about Ada Lovelace.');
    await page.context().close();
  });

  it('offline: loading a Hub preset names the host, says offline, and what to do', async () => {
    const page = await openFresh();
    // As after a first visit: the service worker holds the app and its engine, so only the model host
    // is out of reach once the network goes.
    await page.evaluate(async () => navigator.serviceWorker.ready);
    await page.reload();
    await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await page.context().setOffline(true);
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    // The default may be the model bundled with the site (no host to miss): pick one from the Hub.
    await page.getByLabel('Model preset', { exact: true }).selectOption('qwen2.5-0.5b');
    await page.getByRole('button', { name: 'Load model' }).click();
    const banner = page.getByText(/Could not reach/);
    await banner.waitFor({ timeout: 60_000 });
    const text = await banner.innerText();
    expect(text).toContain('Could not reach huggingface.co');
    expect(text).toContain('https://huggingface.co/');
    expect(text).toContain('The browser reports being offline.');
    expect(text).toMatch(/cached models/);
    expect(text).not.toMatch(/Check the Hub id/);
    await page.context().close();
  });
});
