/**
 * Layout papercuts a new user met, in a real Chromium: on a 390 px phone the longest load error (a
 * long folder URL) wraps inside the banner, the page does not scroll sideways and the dismiss button
 * stays on screen, and the banner says what failed in words, without the error's class name; at 1280
 * px no select cuts the text of any of its options.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../tools/harness/chromium';
import { origin } from './page-helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ webgpu: false });
});
afterAll(async () => browser?.close());

describe('layout', () => {
  it('a phone shows the longest load error without sideways scrolling or class names', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    await page.goto(origin() + '/');
    await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
    const folder = `${origin()}/models/${'a-folder-that-is-not-there-'.repeat(4)}model/`;
    await page.getByRole('radio', { name: 'Custom Hub id or URL' }).check();
    await page.getByRole('textbox', { name: 'Custom model (Hub id or URL)' }).fill(folder);
    await page.getByRole('button', { name: 'Load model' }).click();
    const banner = page.getByRole('alert').filter({ hasText: 'Loading the model failed' });
    await banner.waitFor({ timeout: 60_000 });
    const text = await banner.innerText();
    expect(text).toContain(folder);
    expect(text).not.toMatch(/\b\w*Error\b/);
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    const dismiss = await page.getByRole('button', { name: 'Dismiss errors' }).boundingBox();
    expect(dismiss).not.toBeNull();
    expect(dismiss!.x + dismiss!.width).toBeLessThanOrEqual(390);
    await context.close();
  });

  it('at 1280 px every select is wide enough for each of its options', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(origin() + '/');
    await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
    await page.getByText('Advanced options', { exact: true }).click();
    const cut = await page.evaluate(() => {
      const canvas = document.createElement('canvas').getContext('2d')!;
      const problems: string[] = [];
      for (const select of document.querySelectorAll('select')) {
        if (select.offsetParent === null) continue; // hidden
        const style = getComputedStyle(select);
        canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        // Room for the text: the box minus padding, border and Chromium's drop-down arrow (~20 px).
        const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
        for (const option of select.options) {
          const width = canvas.measureText(option.text).width;
          if (width > room)
            problems.push(
              `${select.getAttribute('aria-label') ?? select.id}: "${option.text}" (${Math.round(width)} > ${Math.round(room)} px)`,
            );
        }
      }
      return problems;
    });
    expect(cut).toEqual([]);
    await context.close();
  });
});
