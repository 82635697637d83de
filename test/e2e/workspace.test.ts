/**
 * The review workspace as a new user meets it (#27 "Done when"), in Chromium with the scripted model
 * (it answers ["Barack Obama", "Hawaii"] for every type): import three files whose ids clash (a JSONL
 * and a CSV both use "1" and "2"), run them, review two documents with keys and the mouse (accept,
 * reject, add, retype, mark reviewed), re-import one file (one question; every decision kept), export
 * the corpus in every format, read the spaCy export with the real spaCy and the Label Studio export with
 * label-studio-sdk (the cached venv of the format tests), and import the JSONL into a fresh profile:
 * the same documents, spans and decisions.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../tools/harness/chromium';
import { ensureFormatsVenv, formatsPython } from '../fixtures/formats-venv';
import { modelUrl, origin, screenshotForDocs } from './page-helpers';

const NEWS =
  [
    { id: '1', text: 'Barack Obama spoke in Hawaii.', source: 'wire' },
    { id: '2', text: 'Hawaii welcomed Barack Obama home.', source: 'wire' },
    { id: '3', text: 'A quiet day.', source: 'desk' },
  ]
    .map((record) => JSON.stringify(record))
    .join('\n') + '\n';
const PEOPLE = 'id,text,city\n1,Barack Obama lives in Hawaii.,Honolulu\n2,Nobody here.,Paris\n';
const LETTER = 'Dear Barack Obama, greetings from Hawaii.\n';

interface StoredSpan {
  start: number;
  end: number;
  label: string;
  source: string;
  decision?: string;
}
interface StoredDoc {
  id: string;
  name: string;
  text: string;
  status: string;
  reviewed: boolean;
  meta: Record<string, unknown>;
  spans: string[];
}

/** Every stored document with its spans (`label@start-end:source:decision`), read straight from IndexedDB. */
async function storedCorpus(page: Page): Promise<StoredDoc[]> {
  const docs = await page.evaluate(async () => {
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
    type Doc = Omit<StoredDoc, 'spans'> & { seq: number };
    type Spans = { documentId: string; spans: StoredSpan[] };
    const [docs, spans] = await Promise.all([all<Doc>('documents'), all<Spans>('spans')]);
    db.close();
    const byId = new Map(spans.map((s) => [s.documentId, s.spans]));
    return docs.sort((a, b) => a.seq - b.seq).map((d) => ({ ...d, spans: byId.get(d.id) ?? [] }));
  });
  return docs.map(({ id, name, text, status, reviewed, meta, spans }) => ({
    id,
    name,
    text,
    status,
    reviewed,
    meta,
    spans: (spans as unknown as StoredSpan[])
      .map((s) => `${s.label}@${s.start}-${s.end}:${s.source}:${s.decision ?? ''}`)
      .sort(),
  }));
}

/** A context whose page has no File System Access save picker, so exports arrive as downloads. */
async function openWorkspace(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    delete (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker;
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  await page.goto(origin() + '/');
  await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
  return { context, page };
}

async function announced(page: Page, text: string | RegExp): Promise<void> {
  await page.getByTestId('review-announcement').filter({ hasText: text }).waitFor({ timeout: 10_000 });
}

function mark(page: Page, type: string, start: number) {
  return page.getByTestId('highlighted-passage').locator(`mark[data-type="${type}"][data-start="${start}"]`);
}

/**
 * How the passage text at `start` looks: struck through by any mark around it (a decoration reaches
 * every text inside the element) and its combined opacity. From the innermost mark starting there up
 * to the view.
 */
async function textLook(page: Page, start: number): Promise<{ struck: boolean; opacity: number }> {
  return page.getByTestId('highlighted-passage').evaluate((view, at) => {
    const marks = view.querySelectorAll<HTMLElement>(`mark[data-start="${at}"]`);
    let struck = false;
    let opacity = 1;
    for (
      let node: HTMLElement | null = marks[marks.length - 1]!;
      node && node !== view;
      node = node.parentElement
    ) {
      const computed = getComputedStyle(node);
      if (computed.textDecorationLine.includes('line-through')) struck = true;
      opacity *= Number(computed.opacity);
    }
    return { struck, opacity };
  }, start);
}

/** Drags the mouse over `[from, to)` of the passage text. */
async function selectWithMouse(page: Page, from: number, to: number): Promise<void> {
  await page.getByTestId('highlighted-passage').focus();
  const box = await page.getByTestId('highlighted-passage').evaluate(
    (view, [start, end]) => {
      const walker = document.createTreeWalker(view, NodeFilter.SHOW_TEXT);
      const at = (offset: number, preferEnd: boolean) => {
        walker.currentNode = view;
        let seen = 0;
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const length = node.textContent!.length;
          if (offset < seen + length || (preferEnd && offset === seen + length))
            return { node, offset: offset - seen };
          seen += length;
        }
        throw new Error(`offset ${offset} is outside the view`);
      };
      const rect = (node: Node, offset: number) => {
        const range = document.createRange();
        range.setStart(node, offset);
        range.setEnd(node, offset + 1);
        return range.getBoundingClientRect();
      };
      const a = at(start!, false);
      const b = at(end!, true);
      const first = rect(a.node, a.offset);
      const last = rect(b.node, b.offset - 1);
      return { x1: first.left + 1, y: first.top + first.height / 2, x2: last.right - 1 };
    },
    [from, to],
  );
  await page.mouse.move(box.x1, box.y);
  await page.mouse.down();
  await page.mouse.move(box.x2, box.y, { steps: 4 });
  await page.mouse.up();
}

/** Opens a document from the list by its name and waits until the workspace shows it. */
async function openFromList(page: Page, name: string): Promise<void> {
  await page
    .getByRole('list', { name: 'Documents' })
    .getByRole('listitem')
    .filter({ hasText: name })
    .getByRole('button')
    .first()
    .click();
  await expect.poll(() => page.getByTestId('open-document').locator('h3').innerText()).toContain(name);
}

let browser: Browser;
let work: string;
beforeAll(async () => {
  ensureFormatsVenv();
  work = mkdtempSync(join(tmpdir(), 'uniner-workspace-'));
  browser = await launchChromium({ webgpu: false });
}, 900_000);
afterAll(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('review workspace', () => {
  it('import 3 files, run, review 2 with keys and mouse, re-import, export every format, real tools read it, a fresh profile gets the same', async () => {
    const { context, page } = await openWorkspace(browser);
    await page.getByRole('radio', { name: 'Custom Hub id or URL' }).check();
    await page
      .getByRole('textbox', { name: 'Custom model (Hub id or URL)' })
      .fill(modelUrl('scripted-llama'));
    await page.getByLabel('Device', { exact: true }).selectOption('wasm');
    const typeInput = page.getByRole('textbox', { name: 'Entity types', exact: true });
    const chips = page.getByRole('list', { name: 'Entity types', exact: true }).getByRole('listitem');
    while ((await chips.count()) > 0) await typeInput.press('Backspace');
    for (const type of ['person', 'location']) {
      await typeInput.fill(type);
      await typeInput.press('Enter');
    }

    // Three files; the CSV uses the JSONL's ids "1" and "2": both kept, the CSV's named by file.
    await page.getByLabel('Import documents').setInputFiles([
      { name: 'news.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(NEWS) },
      { name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(PEOPLE) },
      { name: 'letter.txt', mimeType: 'text/plain', buffer: Buffer.from(LETTER) },
    ]);
    const docCount = page.getByText(/^\d+ documents$/);
    await expect.poll(() => docCount.textContent(), { timeout: 30_000 }).toBe('6 documents');
    const imported = await storedCorpus(page);
    expect(imported.map((d) => [d.id, d.name])).toEqual([
      ['1', 'news.jsonl · line 1'],
      ['2', 'news.jsonl · line 2'],
      ['3', 'news.jsonl · line 3'],
      ['people.csv#1', 'people.csv · row 1'],
      ['people.csv#2', 'people.csv · row 2'],
      ['letter.txt', 'letter.txt'],
    ]);
    expect(imported[3]!.meta).toEqual({ id: '1', city: 'Honolulu' });
    await expect
      .poll(() => page.getByTestId('import-summary').innerText())
      .toContain('2 documents imported under a new id');

    await page.getByRole('button', { name: 'Run all (6)' }).click();
    await page.getByRole('button', { name: 'Run all (0)' }).waitFor({ timeout: 120_000 });
    // The finished run's "6 of 6" line is gone.
    expect(await page.getByTestId('corpus-progress').count()).toBe(0);
    await expect.poll(() => page.getByTestId('review-progress').innerText()).toBe('0 reviewed · 6 left of 6');

    // Document 1, "Barack Obama spoke in Hawaii.": its name above the text, selected in the list.
    await openFromList(page, 'news.jsonl · line 1');
    expect(
      await page
        .getByRole('listitem')
        .filter({ hasText: 'news.jsonl · line 1' })
        .getAttribute('aria-current'),
    ).toBe('true');
    const one = NEWS.split('\n').map((line) => (line ? (JSON.parse(line) as { text: string }).text : ''))[0]!;
    const hawaii1 = one.indexOf('Hawaii');
    const spoke = one.indexOf('spoke');
    // Keys: a accepts the first undecided span (person "Barack Obama"), focus moves on; x rejects the next.
    await page.keyboard.press('a');
    await announced(page, 'Accepted person: Barack Obama');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-type')))
      .toBe('location');
    await page.keyboard.press('x');
    await announced(page, 'Rejected location: Barack Obama');
    // The accepted person span shares its text with the rejected one and is not struck through.
    await expect.poll(() => mark(page, 'location', 0).getAttribute('data-decision')).toBe('rejected');
    await expect.poll(() => textLook(page, 0)).toEqual({ struck: false, opacity: 1 });
    // Mouse: add "spoke" as a new type, then retype the location span on "Hawaii".
    await selectWithMouse(page, spoke + 1, spoke + 4);
    const add = page.getByRole('dialog', { name: 'Add “spoke” as' });
    await add.getByRole('textbox', { name: 'New type' }).fill('action');
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await announced(page, 'Added action: spoke');
    await mark(page, 'location', hawaii1).click();
    const menu = page.getByTestId('span-menu');
    await menu.getByRole('textbox', { name: 'Other type' }).fill('place');
    await menu.getByRole('textbox', { name: 'Other type' }).press('Enter');
    await announced(page, 'Changed location to place: Hawaii');
    // "Hawaii": a person span (undecided), the rejected location around the person's "place": not struck.
    await expect.poll(() => textLook(page, hawaii1)).toEqual({ struck: false, opacity: 1 });
    // r marks it reviewed (focus is back on the page, not in a field).
    await page.getByTestId('highlighted-passage').focus();
    await page.keyboard.press('r');
    await announced(page, 'Marked reviewed');
    await expect.poll(() => page.getByTestId('review-progress').innerText()).toBe('1 reviewed · 5 left of 6');

    // n: the next document to review; document 2, "Hawaii welcomed Barack Obama home."
    await page.keyboard.press('n');
    await expect
      .poll(() => page.getByTestId('open-document').locator('h3').innerText())
      .toContain('news.jsonl · line 2');
    // Mouse: the menu of the location mark on "Hawaii" accepts it; keys: x rejects the focused person mark.
    await mark(page, 'location', 0).click();
    await menu.getByRole('button', { name: 'Accept', exact: true }).click();
    await announced(page, 'Accepted location: Hawaii');
    await mark(page, 'person', 0).focus();
    await page.keyboard.press('x');
    await announced(page, 'Rejected person: Hawaii');
    await page.getByRole('button', { name: 'Mark reviewed' }).click();
    await announced(page, 'Marked reviewed');
    // k goes back to document 1, j forward again.
    await page.keyboard.press('k');
    await expect
      .poll(() => page.getByTestId('open-document').locator('h3').innerText())
      .toContain('news.jsonl · line 1');
    // Counts follow decisions: the legend counts person 2 ("Barack Obama" accepted, "Hawaii" undecided),
    // location 0 (one rejected, one retyped), and the person's own labels.
    const legend = await page.getByRole('list', { name: 'Legend' }).innerText();
    expect(legend.replace(/\s+/g, ' ')).toContain('person 2');
    expect(legend.replace(/\s+/g, ' ')).toContain('location 0');
    expect(legend.replace(/\s+/g, ' ')).toContain('action 1');
    await page
      .getByRole('heading', { name: 'Review', exact: true })
      .evaluate((heading) => heading.closest('section')!.scrollIntoView({ block: 'start' }));
    await screenshotForDocs(page, 'workspace');
    await page.keyboard.press('j');
    await expect
      .poll(() => page.getByTestId('open-document').locator('h3').innerText())
      .toContain('news.jsonl · line 2');

    const reviewed = await storedCorpus(page);
    const docOne = reviewed.find((d) => d.id === '1')!;
    expect(docOne.reviewed).toBe(true);
    expect(docOne.spans).toEqual(
      [
        'person@0-12:model:accepted',
        'location@0-12:model:rejected',
        `action@${spoke}-${spoke + 5}:person:`,
        `person@${hawaii1}-${hawaii1 + 6}:model:`,
        `location@${hawaii1}-${hawaii1 + 6}:model:rejected`,
        `place@${hawaii1}-${hawaii1 + 6}:person:`,
      ].sort(),
    );
    const docTwo = reviewed.find((d) => d.id === '2')!;
    expect(docTwo.reviewed).toBe(true);
    expect(docTwo.spans).toContain('location@0-6:model:accepted');
    expect(docTwo.spans).toContain('person@0-6:model:rejected');

    // Re-import news.jsonl: one question; "Replace those" keeps every decision on unchanged texts.
    await page.getByLabel('Import documents').setInputFiles({
      name: 'news.jsonl',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(NEWS),
    });
    const question = page.getByRole('dialog', { name: 'news.jsonl was imported before' });
    await question.waitFor();
    expect(await question.innerText()).toContain(
      '3 of its documents are already stored under the same id, 2 of them reviewed',
    );
    await question.getByRole('button', { name: /^Replace those/ }).click();
    await expect
      .poll(() => page.getByTestId('import-summary').innerText())
      .toBe('Import: 3 documents updated from the file.');
    expect(await storedCorpus(page)).toEqual(reviewed);

    // Export every format (the page has no save picker here: each arrives as a download).
    await page.getByText('Export the corpus', { exact: true }).click();
    const downloads: Record<string, string> = {};
    for (const label of [
      'JSONL (sources and decisions)',
      'spaCy JSONL',
      'CoNLL',
      'Label Studio tasks',
      'Label Studio config (XML)',
    ]) {
      const [file] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: label, exact: true }).click(),
      ]);
      const path = join(work, file.suggestedFilename());
      await file.saveAs(path);
      downloads[label] = path;
    }
    expect(Object.values(downloads).map((p) => p.slice(work.length + 1))).toEqual([
      'corpus.jsonl',
      'corpus.spacy.jsonl',
      'corpus.conll',
      'corpus.json',
      'label-studio-config.xml',
    ]);
    const jsonl = readFileSync(downloads['JSONL (sources and decisions)']!, 'utf8').trim().split('\n');
    expect(jsonl.map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(reviewed.map((d) => d.id));
    expect((JSON.parse(jsonl[0]!) as { meta: unknown }).meta).toEqual({ id: '1', source: 'wire' });
    expect(readFileSync(downloads.CoNLL!, 'utf8')).toContain('-DOCSTART-');

    // The real spaCy reads the spaCy export: every effective span of document 1 is a span at the same characters.
    const spacyOut = join(work, 'corpus.spacy');
    formatsPython(['tools/spacy/jsonl_to_docbin.py', downloads['spaCy JSONL']!, spacyOut]);
    const spacyDocs = JSON.parse(
      formatsPython([
        '-c',
        `import json, sys, spacy
from spacy.tokens import DocBin
docs = DocBin().from_disk(sys.argv[1]).get_docs(spacy.blank("en").vocab)
print(json.dumps([{"text": d.text, "spans": sorted([s.start_char, s.end_char, s.label_] for s in d.spans.get("uniner", []))} for d in docs]))`,
        spacyOut,
      ]).stdout,
    ) as { text: string; spans: [number, number, string][] }[];
    expect(spacyDocs.map((d) => d.text)).toEqual(reviewed.map((d) => d.text));
    expect(spacyDocs[0]!.spans.map((s) => `${s[2]}@${s[0]}-${s[1]}`).sort()).toEqual(
      [
        'person@0-12',
        `action@${spoke}-${spoke + 5}`,
        `person@${hawaii1}-${hawaii1 + 6}`,
        `place@${hawaii1}-${hawaii1 + 6}`,
      ].sort(),
    );

    // label-studio-sdk converts the tasks with our config: the reviewed documents' annotations come out.
    const lsOut = join(work, 'ls-out');
    formatsPython([
      '-c',
      `import sys
from label_studio_sdk.converter import Converter
Converter(config=open(sys.argv[1]).read(), project_dir=None, download_resources=False).convert(sys.argv[2], sys.argv[3], "CONLL2003", is_dir=False)`,
      downloads['Label Studio config (XML)']!,
      downloads['Label Studio tasks']!,
      lsOut,
    ]);
    const lsConll = readFileSync(join(lsOut, 'result.conll'), 'utf8');
    expect(lsConll).toMatch(/^spoke -X- _ B-action$/m);
    expect(lsConll).toMatch(/^Hawaii -X- _ B-(place|person)$/m);
    await page.setViewportSize({ width: 390, height: 844 });
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await context.close();

    // A fresh profile: importing the JSONL gives the same documents, spans, decisions and reviews.
    const fresh = await openWorkspace(browser);
    await fresh.page.getByLabel('Import documents').setInputFiles({
      name: 'corpus.jsonl',
      mimeType: 'application/x-ndjson',
      buffer: readFileSync(downloads['JSONL (sources and decisions)']!),
    });
    await expect
      .poll(() => fresh.page.getByText(/^\d+ documents$/).textContent(), { timeout: 30_000 })
      .toBe('6 documents');
    expect(await fresh.page.getByTestId('import-problems').count()).toBe(0);
    expect(await storedCorpus(fresh.page)).toEqual(reviewed);
    await expect
      .poll(() => fresh.page.getByTestId('review-progress').innerText())
      .toBe('2 reviewed · 4 left of 6');
    await fresh.context.close();
  });
});
