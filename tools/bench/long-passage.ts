/**
 * Long passages start fast: a ~1 MB passage through the app's worker in Chromium, timed from the
 * `extract` call (what the Extract button does) to the first `chunk-progress` (the passage's first
 * chunk found and the chunk count estimated) and to the first `type-started` of chunk 0 (the first
 * chunk's answer starting), then the run is interrupted. Chunks are found lazily as the run goes
 * (workers/text/chunking.ts `chunkPassageLazily`); counting every token first took many seconds.
 */
import type { Browser } from 'playwright-core';
import { openApp } from './browser-bench';
import type { LongPassageFigures } from './report';

/** The passage: `sentences` joined (cycling) until it reaches `chars` characters, then cut there. */
export function longPassage(sentences: readonly string[], chars: number): string {
  if (sentences.length === 0) throw new Error('no sentences to build a passage from');
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < chars; i++) {
    const next = `${sentences[i % sentences.length] ?? ''} `;
    parts.push(next);
    length += next.length;
  }
  return parts.join('').slice(0, chars);
}

/**
 * Loads `modelSource` on WASM in a fresh page (the load warms the model up), then times one extraction
 * of `passage` for `types` and interrupts it once chunk 0 is answered (or after `giveUpMs`).
 */
export async function longPassageBench(
  browser: Browser,
  origin: string,
  modelSource: string,
  passage: string,
  types: readonly string[],
  giveUpMs = 120_000,
): Promise<LongPassageFigures> {
  const page = await openApp(browser, `${origin}/`);
  try {
    await page.evaluate(async (source) => {
      await window.uninerDebug!.client.load({ model: { source, dtype: 'fp32' }, device: 'wasm' }).promise;
    }, modelSource);
    const figures = await page.evaluate(
      async (args) => {
        const client = window.uninerDebug!.client;
        let firstProgress: { ms: number; total: number } | null = null;
        let firstChunkStartMs: number | null = null;
        let firstChunkDoneMs: number | null = null;
        let started = 0;
        let settle = () => {};
        const settled = new Promise<void>((resolve) => (settle = resolve));
        const offs = [
          client.on('chunk-progress', (event) => {
            const ms = performance.now() - started;
            firstProgress ??= { ms, total: event.total };
            if (event.done >= 1 && firstChunkDoneMs === null) {
              firstChunkDoneMs = ms;
              settle();
            }
          }),
          client.on('type-started', (event) => {
            if (event.chunk === 0) firstChunkStartMs ??= performance.now() - started;
          }),
        ];
        const timer = setTimeout(settle, args.giveUpMs);
        started = performance.now();
        const run = client.extract({
          passage: args.passage,
          entityTypes: args.types,
          options: { constrain: true, maxNewTokens: 12 },
        });
        // A passage that fits one chunk ends without chunk progress: the run's end settles it too.
        void run.promise.then(settle, settle);
        await settled;
        clearTimeout(timer);
        client.interrupt();
        const done = await run.promise;
        for (const off of offs) off();
        const p = firstProgress as { ms: number; total: number } | null;
        return {
          firstProgressMs: p?.ms ?? null,
          estimatedChunks: p?.total ?? null,
          firstChunkStartMs,
          firstChunkDoneMs,
          interrupted: done.interrupted,
        };
      },
      { passage, types: [...types], giveUpMs },
    );
    return { chars: passage.length, types: types.length, ...figures };
  } finally {
    await page.context().close();
  }
}
