/**
 * The Chromium sections: prefix reuse on onnxruntime-web (wasm; WebGPU only with `--webgpu`, which is
 * SwiftShader here) through the built app's engine client, and the UI drawing a long passage's
 * highlights during a real run of scripted-llama.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { MODELS_DIR } from '../fixtures/paths';
import { startStaticServer, type Mount, type StaticServer } from '../harness/static-server';
import type { MeasuredRun, RunOnce } from './node-bench';
import type { UiFigures } from './report';

/** Newest modification time under `path` (files and folders, recursively). */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/**
 * A build of the app for the bench. Built into a private folder (not dist/, which the e2e tests of
 * other people may be serving at the same moment) whenever the sources are newer than it.
 */
export function ensureBuild(repoRoot: string, log: (line: string) => void): string {
  const outDir = resolve(repoRoot, 'node_modules/.cache/uniner-bench/dist');
  const index = join(outDir, 'index.html');
  const inputs = ['src', 'workers', 'public', 'index.html', 'vite.config.ts', 'package-lock.json'];
  const sources = Math.max(...inputs.map((p) => newestMtime(resolve(repoRoot, p))));
  if (existsSync(index) && statSync(index).mtimeMs > sources) return outDir;
  log('building the app (vite build) …');
  execFileSync(
    process.execPath,
    [
      resolve(repoRoot, 'node_modules/vite/bin/vite.js'),
      'build',
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    // Quiet unless it fails (rolldown prints plugin timings even at --logLevel error).
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return outDir;
}

/**
 * Serves the app at `/` and the models at `/models/`, as the e2e global setup does, plus any `extra`
 * mounts (wllama's files for the real-model section).
 */
export function serveApp(dist: string, extra: readonly Mount[] = []): Promise<StaticServer> {
  return startStaticServer([{ prefix: '/models/', dir: MODELS_DIR }, ...extra, { prefix: '/', dir: dist }]);
}

/** Opens the app in a fresh context and waits for its engine client (`window.uninerDebug.client`). */
export async function openApp(browser: Browser, url: string, init?: () => void): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  // tsx compiles with esbuild's keepNames: functions shipped to page.evaluate call its __name helper.
  await page.addInitScript('globalThis.__name = (fn) => fn;');
  if (init) await page.addInitScript(init);
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  await page.goto(url);
  await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
  return page;
}

/**
 * Loads `model` on `device` in a fresh page and returns a {@link RunOnce} over its engine client,
 * plus what the adapter says about itself (WebGPU only).
 */
export async function browserRunner(
  browser: Browser,
  origin: string,
  load: { source: string; dtype: 'q4' | 'fp32'; device: 'wasm' | 'webgpu' },
  passage: string,
  maxNewTokens: number,
): Promise<{ run: RunOnce; device: string; adapter?: string; close(): Promise<void> }> {
  const page = await openApp(browser, `${origin}/`);
  const ready = await page.evaluate(async (args) => {
    const client = window.uninerDebug!.client;
    const event = await client.load({
      model: { source: args.source, dtype: args.dtype },
      device: args.device,
    }).promise;
    let adapter: string | undefined;
    if (args.device === 'webgpu') {
      const gpu = (
        navigator as unknown as {
          gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> };
        }
      ).gpu;
      const info = (await gpu?.requestAdapter())?.info;
      adapter = info
        ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' / ')
        : 'none';
    }
    return { device: event.model.device, ...(adapter === undefined ? {} : { adapter }) };
  }, load);
  const run: RunOnce = (types, reusePrefix) =>
    page.evaluate(
      async (args): Promise<MeasuredRun> => {
        const client = window.uninerDebug!.client;
        const answers: Record<string, string> = {};
        const off = client.on('type-done', (event) => {
          answers[event.entityType] = JSON.stringify(event.rawAnswers);
        });
        const started = performance.now();
        try {
          const done = await client.extract({
            passage: args.passage,
            entityTypes: args.types,
            options: { constrain: true, maxNewTokens: args.maxNewTokens, reusePrefix: args.reusePrefix },
          }).promise;
          return {
            ms: performance.now() - started,
            prefillTokens: done.stats.prefillTokens,
            decodeTokens: done.stats.decodeTokens,
            prefillMs: done.stats.prefillMs,
            decodeMs: done.stats.decodeMs,
            answers: args.types.map((t) => answers[t] ?? '(no answer)'),
          };
        } finally {
          off();
        }
      },
      { passage, types: [...types], reusePrefix, maxNewTokens },
    );
  return { run, ...ready, close: () => page.context().close() };
}

/** One Long Animation Frame (Chromium's `long-animation-frame` entry), cut down to what we report. */
interface LongFrame {
  readonly start: number;
  readonly duration: number;
  /** Time inside script callbacks (event handlers, rAF, message handlers) in the frame. */
  readonly scriptMs: number;
  /** From the frame's style-and-layout start to its end: the browser restyling and laying out. */
  readonly styleLayoutMs: number;
  /** The longest scripts: "invoker (function) N ms". */
  readonly scripts: readonly string[];
}

/** What {@link collectLongFrames} gathers on the page. */
interface Collected {
  __longTasks: { start: number; duration: number }[];
  __longFrames: LongFrame[];
  /**
   * Per task that changed the highlighted passage: when, how many `mark` elements it added, and how
   * many passage characters the layout containers it changed hold (what the browser must re-lay out).
   */
  __addedPerTask: { at: number; marks: number; chars: number }[];
}

/**
 * Runs in the page before the app: records long tasks, long animation frames (with their script and
 * style/layout split, to say *what* a long frame spent its time on) and, as a figure that does not
 * depend on the machine's speed, how many marks each task inserts and how much of the passage's text
 * sits in the layout containers it changed (a MutationObserver callback runs once per task, after it;
 * a subtree inserted whole is counted through its descendants).
 */
function collectLongFrames(): void {
  const w = window as unknown as Collected;
  w.__longTasks = [];
  w.__longFrames = [];
  w.__addedPerTask = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  interface LoafScript {
    duration: number;
    invoker: string;
    sourceFunctionName: string;
  }
  interface Loaf {
    startTime: number;
    duration: number;
    styleAndLayoutStart: number;
    scripts: LoafScript[];
  }
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const e = entry as unknown as Loaf;
        const scripts = [...e.scripts].sort((a, b) => b.duration - a.duration);
        w.__longFrames.push({
          start: e.startTime,
          duration: e.duration,
          scriptMs: scripts.reduce((sum, s) => sum + s.duration, 0),
          styleLayoutMs: e.styleAndLayoutStart > 0 ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
          scripts: scripts
            .slice(0, 3)
            .map((s) => `${s.invoker} (${s.sourceFunctionName || '?'}) ${Math.round(s.duration)} ms`),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    // No Long Animation Frames in this browser: the long-task figures still stand.
  }
  const isBlock = (node: Node) => node instanceof Element && node.hasAttribute('data-block-start');
  new MutationObserver((records) => {
    let marks = 0;
    // The layout containers whose content this task changed: a passage block, or the whole passage
    // view when the change is in it directly (a passage drawn as one text).
    const touched = new Set<Node>();
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        if (node.matches('mark[data-start]')) marks++;
        marks += node.querySelectorAll('mark[data-start]').length;
      }
      const element = record.target instanceof Element ? record.target : record.target.parentElement;
      const view = element?.closest('.passage-view');
      if (!element || !view) continue;
      // A setting on the view itself (labels, emphasis) restyles it: not a change of its content.
      if (record.type === 'attributes' && element === view) continue;
      const block = element.closest('[data-block-start]');
      const changed = [...record.addedNodes, ...record.removedNodes];
      if (block) touched.add(block);
      else if (record.type === 'childList' && changed.length > 0 && changed.every(isBlock))
        for (const node of record.addedNodes) touched.add(node);
      else touched.add(view);
    }
    const view = [...touched].find((node) => node instanceof Element && node.matches('.passage-view'));
    const chars = (view ? [view] : [...touched]).reduce(
      (sum, node) => sum + (node.textContent?.length ?? 0),
      0,
    );
    if (marks > 0 || chars > 0) w.__addedPerTask.push({ at: performance.now(), marks, chars });
  }).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
}

/** Persisted settings (zustand persist, key `uniner-web:v1`) that point the page at a run. */
function persistedState(origin: string, passage: string, types: readonly string[]): string {
  return JSON.stringify({
    state: {
      passage,
      entityTypes: types,
      constrain: true,
      maxNewTokens: 32,
      datasetName: '',
      modelChoice: 'custom',
      customSource: `${origin}/models/scripted-llama`,
      devicePreference: 'wasm',
      dtype: 'fp32',
      theme: 'light',
    },
    version: 1,
  });
}

/**
 * Section 5: the page runs scripted-llama (which answers "Barack Obama" and "Hawaii") over a passage
 * holding each of them many times, driven like a person would: the passage, types and model come in
 * through the persisted settings, then the Extract button is clicked. The first run loads the model
 * and warms up; the second one is measured (results reset to empty at its start, so the passage is
 * drawn again from no marks to all of them).
 */
export async function uiBench(
  browser: Browser,
  origin: string,
  passage: string,
  types: readonly string[],
): Promise<UiFigures> {
  const stored = persistedState(origin, passage, types);
  const page = await openApp(browser, `${origin}/`, collectLongFrames);
  // Settings go in before the app reads them: write storage, then reload.
  await page.evaluate(
    ([key, value]) => {
      localStorage.setItem(key, value);
    },
    ['uniner-web:v1', stored] as const,
  );
  await page.reload();
  await page.waitForFunction(() => Boolean(window.uninerDebug?.client));
  const measureOnce = () =>
    page.evaluate(async () => {
      const client = window.uninerDebug!.client;
      const w = window as unknown as Collected;
      const marks = () => document.querySelectorAll('mark[data-type][data-start][data-end]').length;
      const frames: { ms: number; marks: number }[] = [];
      const nextFrame = (at: number, record: (ms: number, count: number) => void) =>
        requestAnimationFrame(() => setTimeout(() => record(performance.now() - at, marks())));
      let lastResultAt = 0;
      const off = client.subscribe((event) => {
        if (event.type !== 'type-partial' && event.type !== 'type-done') return;
        const at = performance.now();
        lastResultAt = at;
        nextFrame(at, (ms, count) => frames.push({ ms, marks: count }));
      });
      const done = new Promise<void>((resolve) => {
        const stop = client.on('done', () => {
          stop();
          resolve();
        });
      });
      const button = [...document.querySelectorAll('button')].find(
        (b) => b.textContent?.trim() === 'Extract',
      );
      if (!button) throw new Error('no Extract button on the page');
      const clicked = performance.now();
      button.click();
      await done;
      const runMs = performance.now() - clicked;
      // The final event's frame: wait for it (and one more frame) before reading the figures.
      const last = await new Promise<{ ms: number; marks: number }>((resolve) =>
        nextFrame(lastResultAt, (ms, count) => resolve({ ms, marks: count })),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      off();
      const tasks = w.__longTasks.filter((t) => t.start >= clicked);
      const frame = w.__longFrames
        .filter((f) => f.start >= clicked)
        .reduce<LongFrame | null>((a, b) => (a === null || b.duration > a.duration ? b : a), null);
      const changes = w.__addedPerTask.filter((a) => a.at >= clicked);
      const added = changes.filter((a) => a.marks > 0).map((a) => a.marks);
      return {
        longestFrame: frame && {
          ms: frame.duration,
          scriptMs: frame.scriptMs,
          styleLayoutMs: frame.styleLayoutMs,
          scripts: frame.scripts,
        },
        maxMarksAddedPerTask: Math.max(0, ...added),
        tasksAddingMarks: added.length,
        // Over the tasks that drew new marks (the streamed updates), not the Extract click's reset.
        maxCharsRelaidPerTask: Math.max(0, ...changes.filter((a) => a.marks > 0).map((a) => a.chars)),
        runMs,
        marks: marks(),
        renderMs: frames.at(-1)?.ms ?? last.ms,
        maxEventToFrameMs: Math.max(0, ...frames.map((f) => f.ms)),
        resultEvents: frames.length,
        longestTaskMs: Math.max(0, ...tasks.map((t) => t.duration)),
        longTasks: tasks.length,
      };
    });
  await measureOnce(); // loads the model, warms up
  const figures = await measureOnce();
  await page.context().close();
  return { passageChars: passage.length, ...figures };
}
