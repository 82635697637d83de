/**
 * Bench section "corpus" (#19 item 5): 1,000 documents of ~2 KB each imported into the built app
 * through its file input, then run for a while with the scripted model and stopped. Page memory
 * (JS heap after a forced GC, through the Chrome DevTools Protocol) before and after, the longest
 * main-thread task (Long Tasks API) during the import and during the run, the list's rows in the DOM
 * (virtualised), and the run's documents per minute.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { openApp } from './browser-bench';

/** What the corpus section measured. */
export interface CorpusFigures {
  readonly documents: number;
  readonly bytes: number;
  /** From choosing the file to the list showing every document. */
  readonly importMs: number;
  /** JS heap in use after a GC: before the import, after it, after the run. */
  readonly heapBeforeBytes: number;
  readonly heapAfterImportBytes: number;
  readonly heapAfterRunBytes: number;
  readonly longestImportTaskMs: number;
  readonly longestRunTaskMs: number;
  /** Rows of the document list in the DOM after the import (virtualised: a screenful, not 1,000). */
  readonly listRowsInDom: number;
  /** Documents finished in the timed run and its rate. */
  readonly runDocuments: number;
  readonly runMs: number;
}

/** ~2 KB of prose per document, each a little different. */
function corpusJsonl(count: number): string {
  const sentence = (i: number, j: number) =>
    `Sentence ${j} of document ${i}: Barack Obama met the delegation in Hawaii to discuss trade and weather. `;
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    for (let j = 0; text.length < 2000; j++) text += sentence(i, j);
    lines.push(JSON.stringify({ id: `doc-${i}`, text }));
  }
  return lines.join('\n') + '\n';
}

function recordLongTasks(): void {
  const w = window as unknown as { __corpusTasks: { start: number; duration: number }[] };
  w.__corpusTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__corpusTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/** Runs the section; `runSeconds` bounds the timed run (it is stopped then). */
export async function corpusBench(
  browser: Browser,
  origin: string,
  modelUrl: string,
  options: { documents?: number; runSeconds?: number } = {},
): Promise<CorpusFigures> {
  const documents = options.documents ?? 1000;
  const jsonl = corpusJsonl(documents);
  const file = join(mkdtempSync(join(tmpdir(), 'uniner-corpus-bench-')), 'corpus.jsonl');
  writeFileSync(file, jsonl);
  const page = await openApp(browser, `${origin}/`, recordLongTasks);
  const cdp = await page.context().newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const longestSince = (since: number) =>
    page.evaluate((from) => {
      const tasks = (window as unknown as { __corpusTasks: { start: number; duration: number }[] })
        .__corpusTasks;
      return Math.max(0, ...tasks.filter((t) => t.start >= from).map((t) => t.duration));
    }, since);
  const now = () => page.evaluate(() => performance.now());

  await page.getByRole('heading', { name: 'Documents' }).waitFor();
  await page.getByRole('radio', { name: 'Custom Hub id or URL' }).check();
  await page.getByRole('textbox', { name: 'Custom model (Hub id or URL)' }).fill(modelUrl);
  await page.getByLabel('Device', { exact: true }).selectOption('wasm');
  const heapBeforeBytes = await heap();

  const importStart = await now();
  const started = performance.now();
  // A file on disk: the browser reads it itself (a buffer would be decoded by a script in the page,
  // a long task of the harness, not of the app).
  await page.getByLabel('Import documents').setInputFiles(file);
  await page.getByText(`${documents} documents`, { exact: true }).waitFor({ timeout: 120_000 });
  await page.getByRole('button', { name: `Run all (${documents})` }).waitFor({ timeout: 60_000 });
  const importMs = performance.now() - started;
  const longestImportTaskMs = await longestSince(importStart);
  const listRowsInDom = await page.getByRole('list', { name: 'Documents' }).getByRole('listitem').count();
  const heapAfterImportBytes = await heap();

  const runStart = await now();
  const runStarted = performance.now();
  await page.getByRole('button', { name: `Run all (${documents})` }).click();
  await page.waitForTimeout((options.runSeconds ?? 30) * 1000);
  await page.getByRole('button', { name: 'Stop run' }).click();
  await page
    .getByRole('button', { name: /^Run all \(\d+\)$/ })
    .and(page.locator(':enabled'))
    .waitFor({ timeout: 60_000 });
  const runMs = performance.now() - runStarted;
  const left = Number(
    /\((\d+)\)/.exec(await page.getByRole('button', { name: /^Run all/ }).innerText())?.[1],
  );
  const longestRunTaskMs = await longestSince(runStart);
  const heapAfterRunBytes = await heap();
  await page.context().close();
  return {
    documents,
    bytes: Buffer.byteLength(jsonl),
    importMs,
    heapBeforeBytes,
    heapAfterImportBytes,
    heapAfterRunBytes,
    longestImportTaskMs,
    longestRunTaskMs,
    listRowsInDom,
    runDocuments: documents - left,
    runMs,
  };
}
