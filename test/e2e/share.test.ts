/**
 * Share links in a real Chromium: "Copy link" → a fresh page opens with the same passage, types, model
 * and device; a hand-written link prefills; the threshold travels and a replaced draft can be restored; the fragment follows edits only after a link was opened or
 * copied (replaceState, no history entries); malformed, unknown-version and oversized links are refused
 * with a visible notice, never rendered as markup, and the page keeps working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../tools/harness/chromium';
import { modelUrl, origin } from './page-helpers';

const PASSAGE = 'Barack Obama was born in Hawaii. He likes salt, pepper & 50% “quotes”.';
const TYPES = ['person', 'salt, pepper', 'location'];

/** What the app persisted (passage, types, settings): the state after a link was applied. */
async function persisted(page: Page): Promise<Record<string, unknown>> {
  return page.evaluate(() => {
    const raw = localStorage.getItem('uniner-web:v1');
    return raw ? (JSON.parse(raw) as { state: Record<string, unknown> }).state : {};
  });
}

async function open(browser: Browser, path: string, errors: string[] = []): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(origin() + path);
  await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
  return page;
}

function passageBox(page: Page) {
  return page.getByRole('textbox', { name: 'Passage', exact: true });
}

function chipTexts(page: Page): Promise<string[]> {
  return page
    .getByRole('list', { name: 'Entity types', exact: true })
    .getByRole('listitem')
    .evaluateAll((items) => items.map((li) => li.getAttribute('data-type') ?? li.textContent ?? ''));
}

describe('share links', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
  });
  afterAll(async () => browser?.close());

  it('Copy link → a fresh page opens with the same passage, types, model and device', async () => {
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    await page.goto(origin() + '/');
    await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
    await passageBox(page).fill(PASSAGE);
    const input = page.getByRole('textbox', { name: 'Entity types', exact: true });
    const chips = page.getByRole('list', { name: 'Entity types', exact: true }).getByRole('listitem');
    while ((await chips.count()) > 0) await input.press('Backspace');
    // A comma ends a chip in the chip input, so "salt, pepper" goes in through the store's own path:
    // a hand-written link (which also proves the %2C escape).
    await page.evaluate(() => {
      window.location.hash = 'types=person,salt%2C%20pepper,location';
    });
    await page.getByText('Opened from a shared link').waitFor();
    await passageBox(page).fill(PASSAGE);
    await page.getByRole('radio', { name: 'Custom Hub id or URL' }).check();
    await page
      .getByRole('textbox', { name: 'Custom model (Hub id or URL)' })
      .fill(modelUrl('scripted-llama'));
    await page.getByLabel('Device', { exact: true }).selectOption('wasm');

    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByText('Link copied').waitFor();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link.startsWith(origin() + '/#')).toBe(true);
    // The address bar shows the same link (sync is on after copying).
    expect(page.url()).toBe(link);
    await context.close();

    const fresh = await open(browser, link.slice(origin().length));
    await fresh.getByRole('status').filter({ hasText: 'Opened from a shared link' }).waitFor();
    expect(await passageBox(fresh).inputValue()).toBe(PASSAGE);
    expect(await fresh.getByRole('textbox', { name: 'Custom model (Hub id or URL)' }).inputValue()).toBe(
      modelUrl('scripted-llama'),
    );
    expect(await fresh.getByRole('radio', { name: 'Custom Hub id or URL' }).isChecked()).toBe(true);
    expect(await fresh.getByLabel('Device', { exact: true }).inputValue()).toBe('wasm');
    const state = await persisted(fresh);
    expect(state.entityTypes).toEqual(TYPES);
    expect(state.passage).toBe(PASSAGE);
    expect(await chipTexts(fresh)).toHaveLength(TYPES.length);
    await fresh.context().close();
  });

  it('a hand-written link prefills; afterwards the fragment follows edits without history entries', async () => {
    const page = await open(
      browser,
      '/#text=Ada%20Lovelace%20met%20Charles%20Babbage.&types=person,medical%20condition&model=onnx-community/Qwen2.5-0.5B-Instruct&device=auto',
    );
    await page.getByText('Opened from a shared link').waitFor();
    expect(await passageBox(page).inputValue()).toBe('Ada Lovelace met Charles Babbage.');
    const state = await persisted(page);
    expect(state.entityTypes).toEqual(['person', 'medical condition']);
    expect(state.customSource).toBe('onnx-community/Qwen2.5-0.5B-Instruct');
    expect(state.modelChoice).toBe('custom');

    const historyLength = await page.evaluate(() => history.length);
    await passageBox(page).fill('Grace Hopper wrote COBOL.');
    await page.waitForFunction(() => location.hash.includes('Grace%20Hopper'), undefined, { timeout: 5_000 });
    expect(await page.evaluate(() => history.length)).toBe(historyLength);

    // "Clear the address bar" turns sync off and removes the fragment.
    await page.getByRole('button', { name: 'Clear the address bar' }).click();
    expect(await page.evaluate(() => location.hash)).toBe('');
    await passageBox(page).fill('Something private.');
    await page.waitForTimeout(800);
    expect(await page.evaluate(() => location.hash)).toBe('');
    await page.context().close();
  });

  it('without a link, edits never reach the address bar', async () => {
    const page = await open(browser, '/');
    await passageBox(page).fill('A private passage.');
    await page.waitForTimeout(800);
    expect(await page.evaluate(() => location.hash)).toBe('');
    expect(await page.getByTestId('link-notice').count()).toBe(0);
    await page.context().close();
  });

  const refused: [string, string, RegExp][] = [
    ['damaged compressed', '/#z=garbage', /damaged/],
    ['unknown version', '/#v=9&text=x', /version/],
    ['bad percent-encoding', '/#text=%E0%A4%A', /percent-encoded/],
    ['huge fragment', '/#text=' + 'a'.repeat(250_000), /characters long/],
  ];
  it.each(refused)('refuses a %s link with a notice; the page keeps working', async (_name, path, reason) => {
    const errors: string[] = [];
    const page = await open(browser, path, errors);
    const alert = page.getByRole('alert').filter({ hasText: 'This shared link was not opened' });
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(reason);
    // The page still works: the editor takes text and the fragment was not applied.
    await passageBox(page).fill('Still working.');
    expect(await passageBox(page).inputValue()).toBe('Still working.');
    expect(await page.getByRole('button', { name: 'Extract', exact: true }).isEnabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a link carries the confidence threshold; "Bring back my draft" restores what it replaced, privately', async () => {
    const errors: string[] = [];
    const page = await open(browser, '/', errors);
    const draft = 'My private draft about Grace Hopper.';
    await passageBox(page).fill(draft);
    await page.evaluate(() => {
      window.location.hash = 'text=Shared%20passage.&types=person&min=0.5';
    });
    const notice = page.getByTestId('link-notice');
    await notice.getByText('It replaced the passage and types you had.').waitFor();
    expect(await passageBox(page).inputValue()).toBe('Shared passage.');
    expect(await page.getByRole('slider', { name: 'Minimum confidence' }).inputValue()).toBe('0.5');
    expect(await persisted(page)).toMatchObject({ minScore: 0.5 });

    await notice.getByRole('button', { name: 'Bring back my draft' }).click();
    expect(await passageBox(page).inputValue()).toBe(draft);
    await notice.getByText('Your draft is back.').waitFor();
    // The draft never reaches the address bar.
    await page.waitForTimeout(800);
    expect(await page.evaluate(() => location.hash)).toBe('');
    expect(await persisted(page)).toMatchObject({ passage: draft });

    // A bad threshold is ignored with a note; the rest of the link opens.
    await page.evaluate(() => {
      window.location.hash = 'text=Another%20one.&min=lots';
    });
    await page.getByRole('status').filter({ hasText: 'is not a number from 0 to 1' }).waitFor();
    expect(await passageBox(page).inputValue()).toBe('Another one.');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('renders link content as text, never as markup', async () => {
    const payload = '<img src=x onerror="window.__pwned=1"><b id="injected">bold</b>';
    const page = await open(
      browser,
      `/#text=${encodeURIComponent(payload)}&types=${encodeURIComponent('<i id="typed">x</i>')}&model=${encodeURIComponent('<script>')}`,
    );
    // The model is refused as a whole link; the notice is plain text.
    await page.getByRole('alert').filter({ hasText: 'not a preset' }).waitFor();
    await page.goto(
      `${origin()}/#text=${encodeURIComponent(payload)}&types=${encodeURIComponent('<i id="typed">x</i>')}`,
    );
    await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
    await page.getByText('Opened from a shared link').waitFor();
    expect(await passageBox(page).inputValue()).toBe(payload);
    expect(await page.locator('#injected, #typed, img[src="x"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.context().close();
  });
  it('a link written by URLSearchParams, with a model next to the app, opens, loads and extracts', async () => {
    // Spaces become "+" and the model is a path under the app's own base URL: the link a self-hosting
    // site writes, which keeps working when the site moves to another host or sub-path.
    const passage = 'Barack Obama was born in Hawaii. C++ is 1+1.';
    const params = new URLSearchParams({ text: passage, model: './models/scripted-llama', device: 'wasm' });
    expect(params.toString()).toContain('Barack+Obama');
    const errors: string[] = [];
    const page = await open(browser, `/#${params.toString()}&types=person,location&dtype=q4`, errors);
    await page.getByText('Opened from a shared link').waitFor();
    expect(await passageBox(page).inputValue()).toBe(passage);
    expect(await persisted(page)).toMatchObject({
      customSource: './models/scripted-llama',
      modelChoice: 'custom',
    });
    await page.getByRole('button', { name: 'Extract', exact: true }).click();
    await page.locator('mark[data-type]').first().waitFor({ timeout: 90_000 });
    expect(await page.locator('mark[data-type]').allInnerTexts()).toContain('Barack Obama');
    // The app's own link (the address bar follows the opened link) keeps the literal plus signs.
    const own = page.url();
    if (own.includes('text=')) expect(own).toContain('C%2B%2B');
    expect(errors).toEqual([]);
    await page.context().close();
    const reopened = await open(browser, own.slice(origin().length), errors);
    expect(await passageBox(reopened).inputValue()).toBe(passage);
    expect(await persisted(reopened)).toMatchObject({ customSource: './models/scripted-llama' });
    await reopened.context().close();
  });
});
