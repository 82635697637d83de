/**
 * The CLI's progress bar as a person sees it in a terminal: `npm run extract` on a 200-document JSONL
 * inside a pseudo-terminal (util-linux `script`, whose terminal reports no width), read back from
 * what the terminal received. The bar must move through intermediate percentages, never go back, and
 * never be wider than the terminal's assumed 80 columns.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureFixtures } from '../../../../tools/fixtures/ensure';
import { SCRIPTED_LLAMA_DIR } from '../../../../tools/fixtures/paths';

const root = resolve(import.meta.dirname, '../../../..');
const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

describe('npm run extract -- --input in a terminal', () => {
  it('redraws a bar that moves through intermediate percentages on a 200-document JSONL', () => {
    ensureFixtures();
    const folder = mkdtempSync(join(tmpdir(), 'progress-pty-'));
    const input = join(folder, 'docs.jsonl');
    writeFileSync(
      input,
      Array.from({ length: 200 }, (_, i) =>
        JSON.stringify({ text: `Record ${i}: Barack Obama went to Hawaii.` }),
      ).join('\n') + '\n',
    );
    const command = [
      process.execPath,
      '--import',
      'tsx',
      resolve(root, 'tools/cli/extract.ts'),
      '--model',
      SCRIPTED_LLAMA_DIR,
      '--dtype',
      'fp32',
      '--type',
      'person',
      '--input',
      input,
      '--out',
      join(folder, 'results.jsonl'),
    ]
      .map(quote)
      .join(' ');
    const which = spawnSync('script', ['--version'], { encoding: 'utf8' });
    expect(
      which.error,
      'this test needs util-linux `script` (Debian: apt-get install bsdutils)',
    ).toBeUndefined();
    // -q quiet, -e the command's exit code, -f flush as written; the terminal's output goes to stdout.
    const result = spawnSync('script', ['-qefc', command, '/dev/null'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 400_000,
      env: { ...process.env, COLUMNS: '', LINES: '' },
    });
    expect(result.status, result.stdout).toBe(0);
    // What the terminal drew: every redraw starts with "\r\x1b[K".
    const plain = result.stdout.replaceAll('\x1b[K', '');
    const frames = plain
      .split(/\r|\n/u)
      .map((frame) => frame.trimEnd())
      .filter((frame) => /% \d+\/200 docs/u.test(frame));
    const percents = frames.map((frame) => Number(/(\d+)% \d+\/200 docs/u.exec(frame)![1]));
    const intermediate = new Set(percents.filter((p) => p > 0 && p < 100));
    expect(intermediate.size, plain.slice(0, 2000)).toBeGreaterThanOrEqual(3);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(Math.max(...frames.map((frame) => frame.length))).toBeLessThanOrEqual(79);
    expect(plain).toMatch(/done: 200 documents run/u);
  }, 420_000);
});
