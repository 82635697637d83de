/**
 * The corpus in the page, as a new user meets it (#19 "Done when"): drop a .pdf, a .jsonl of 50
 * documents and a .txt; run; stop halfway; reload the tab; resume; every document ends done, with the
 * same spans as an extraction of that text alone. Uses the scripted model (answers
 * ["Barack Obama", "Hawaii"] for every type), so spans depend on each document's text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { writePdf } from '../fixtures/pdf-writer';
import { launchChromium } from '../../tools/harness/chromium';
import { modelUrl, openApp, screenshotForDocs } from './page-helpers';

const TYPES = ['person', 'location'];

/** Three kinds of text, so documents differ in what the scripted answers find. */
function text(i: number): string {
  if (i % 3 === 0) return `Document ${i}: Barack Obama spoke in Hawaii, and Barack Obama left.`;
  if (i % 3 === 1) return `Document ${i}: a quiet day in Hawaii.`;
  return `Document ${i}: nothing to see here.`;
}

const JSONL =
  Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: `doc-${i}`, text: text(i) })).join('\n') + '\n';
const TXT = 'Barack Obama was born in Hawaii.\nHe was president.\n';
const PDF = Buffer.from(writePdf({ pages: [['Letter from Hawaii about Barack Obama']] }));

/** Every stored document with its spans, read straight from IndexedDB. */
async function storedCorpus(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('uniner-corpus');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = <T>(store: string) =>
      new Promise<T[]>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result as T[]);
        request.onerror = () => reject(request.error);
      });
    type Doc = { id: string; name: string; text: string; status: string; types: string[] };
    type Spans = { documentId: string; spans: { start: number; end: number; label: string }[] };
    const [docs, spans] = await Promise.all([all<Doc>('documents'), all<Spans>('spans')]);
    db.close();
    const byId = new Map(spans.map((s) => [s.documentId, s.spans]));
    return docs.map((d) => ({
      id: d.id,
      name: d.name,
      text: d.text,
      status: d.status,
      types: d.types,
      spans: (byId.get(d.id) ?? []).map((s) => `${s.label}@${s.start}-${s.end}`).sort(),
    }));
  });
}

/** The spans one extraction of `passage` alone gives, through the page's own engine client. */
async function spansAlone(page: Page, passage: string, types: readonly string[]): Promise<string[]> {
  return page.evaluate(
    async ({ passage, types }) => {
      const client = window.uninerDebug!.client;
      const out: string[] = [];
      const off = client.on('type-done', (event) => {
        const seen = new Set<string>();
        for (const entity of event.entities)
          for (const span of entity.spans) seen.add(`${event.entityType}@${span.start}-${span.end}`);
        out.push(...seen);
      });
      try {
        await client.extract({
          passage,
          entityTypes: [...types],
          options: { constrain: true, maxNewTokens: 256 },
        }).promise;
      } finally {
        off();
      }
      return out.sort();
    },
    { passage, types },
  );
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ webgpu: false });
});
afterAll(async () => {
  await browser?.close();
});

describe('corpus in the page', () => {
  it('imports a .pdf, a .jsonl of 50 and a .txt; run, stop halfway, reload, resume: all done, same spans as alone', async () => {
    const page = await openApp(browser);
    await page.getByRole('radio', { name: 'Custom Hub id or URL' }).check();
    await page
      .getByRole('textbox', { name: 'Custom model (Hub id or URL)' })
      .fill(modelUrl('scripted-llama'));
    await page.getByLabel('Device', { exact: true }).selectOption('wasm');
    const typeInput = page.getByRole('textbox', { name: 'Entity types', exact: true });
    const chips = page.getByRole('list', { name: 'Entity types', exact: true }).getByRole('listitem');
    await typeInput.fill('');
    while ((await chips.count()) > 0) await typeInput.press('Backspace');
    for (const type of TYPES) {
      await typeInput.fill(type);
      await typeInput.press('Enter');
    }

    // Two files through the picker, one by a real drop (a DataTransfer holding a File).
    await page.getByLabel('Import documents').setInputFiles([
      { name: 'letter.pdf', mimeType: 'application/pdf', buffer: PDF },
      { name: 'docs.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(JSONL) },
    ]);
    const docCount = page.getByText(/^\d+ documents$/);
    await expect.poll(() => docCount.textContent(), { timeout: 30_000 }).toBe('51 documents');
    const dataTransfer = await page.evaluateHandle((content) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([content], 'note.txt', { type: 'text/plain' }));
      return transfer;
    }, TXT);
    await page.getByTestId('corpus-drop-zone').dispatchEvent('drop', { dataTransfer });
    await expect.poll(() => docCount.textContent(), { timeout: 30_000 }).toBe('52 documents');
    expect(await page.getByTestId('import-problems').count()).toBe(0);
    const imported = await storedCorpus(page);
    expect(imported.find((d) => d.name.includes('letter.pdf'))?.text).toContain(
      'Letter from Hawaii about Barack Obama',
    );
    expect(imported.find((d) => d.name.includes('note.txt'))?.text).toBe(TXT);

    // Run, and stop once about half are done.
    await page.getByRole('button', { name: 'Run all (52)' }).click();
    const overall = page.getByRole('progressbar', { name: 'Documents', exact: true });
    await expect
      .poll(async () => Number(await overall.getAttribute('aria-valuenow')), {
        timeout: 120_000,
        interval: 50,
      })
      .toBeGreaterThanOrEqual(20);
    await page.getByRole('button', { name: 'Stop run' }).click();
    await page
      .getByRole('button', { name: /^Run all \(\d+\)$/, disabled: false } as never)
      .waitFor({ timeout: 30_000 });
    const stopped = await storedCorpus(page);
    const doneAtStop = stopped.filter((d) => d.status === 'done').length;
    expect(doneAtStop).toBeGreaterThanOrEqual(20);
    expect(doneAtStop).toBeLessThan(52);
    expect(stopped.some((d) => d.status === 'running')).toBe(false);

    // Reload the tab: the documents, their results and the model choice survive.
    await page.reload();
    await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
    await expect.poll(() => docCount.textContent(), { timeout: 30_000 }).toBe('52 documents');
    const afterReload = await storedCorpus(page);
    expect(afterReload.filter((d) => d.status === 'done').length).toBe(doneAtStop);
    await page.getByRole('button', { name: `Run all (${52 - doneAtStop})` }).click();
    await page.getByRole('button', { name: 'Run all (0)' }).waitFor({ timeout: 120_000 });

    const final = await storedCorpus(page);
    expect(final).toHaveLength(52);
    for (const doc of final) {
      expect(doc.status, doc.name).toBe('done');
      expect(doc.types).toEqual(TYPES);
      expect(doc.spans, doc.name).toEqual(await spansAlone(page, doc.text, TYPES));
    }
    // The scripted answers do land: documents with the names have spans, the others none.
    expect(final.find((d) => d.id === 'doc-0')?.spans.length).toBe(6); // 3 occurrences × 2 types
    expect(final.find((d) => d.id === 'doc-2')?.spans).toEqual([]);

    await page.setViewportSize({ width: 1280, height: 900 });
    await page
      .getByRole('listitem')
      .filter({ hasText: 'docs.jsonl · line 1' })
      .first()
      .scrollIntoViewIfNeeded();
    await screenshotForDocs(page, 'corpus');
    // Opening a document shows its text and highlights in the editor, as after a run.
    await page.getByRole('searchbox', { name: 'Filter documents' }).fill('note');
    await page.getByRole('listitem').filter({ hasText: 'note.txt' }).getByRole('button').first().click();
    await expect
      .poll(() => page.getByRole('textbox', { name: 'Passage', exact: true }).inputValue())
      .toBe(TXT);
    const marks = () =>
      page
        .getByTestId('highlighted-passage')
        .locator('mark[data-type][data-start][data-end]')
        .evaluateAll((nodes) =>
          nodes
            .map(
              (n) =>
                `${n.getAttribute('data-type')}@${n.getAttribute('data-start')}-${n.getAttribute('data-end')}`,
            )
            .sort(),
        );
    // The passage renders from a deferred value: its highlights can settle a frame after the text.
    await expect.poll(marks).toEqual(final.find((d) => d.name.includes('note.txt'))?.spans);
    await page.context().close();
  });
});
