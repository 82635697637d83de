/**
 * The converter never destroys what it was not asked to (issue #23): `--force` refuses to replace
 * the input, a folder holding it, a regular file, `/` and the home folder; Ctrl+C (SIGINT) and
 * SIGTERM sent to `npm run convert` mid-conversion remove the staging folder and exit 130 / 143.
 */
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutputFolder, convertModel } from '../../../../tools/convert/convert';
import { ensureSmolLM2Gguf } from '../../../../tools/fixtures/real-model';

const ROOT = resolve(import.meta.dirname, '../../../..');
const work = mkdtempSync(join(tmpdir(), 'convert-safety-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let real: string;
beforeAll(async () => {
  real = await ensureSmolLM2Gguf();
});

describe('--force never deletes the input or anything that is not an old model folder', () => {
  const modelDir = join(work, 'models');
  const input = join(modelDir, 'model.gguf');
  beforeAll(() => {
    mkdirSync(modelDir, { recursive: true });
    writeFileSync(input, 'stands in for a model: these checks run before the input is read');
    writeFileSync(join(modelDir, 'neighbour.txt'), 'keep me');
  });

  it.each([
    ['the input file itself', () => input, /is the input/],
    ['the folder holding the input (--out .)', () => modelDir, /contains the input/],
    ['a parent of that folder', () => work, /contains the input/],
    ['a regular file', () => join(modelDir, 'neighbour.txt'), /is not a folder: it is never replaced/],
    ['the root folder', () => '/', /is the root folder/],
    ['the home folder', () => homedir(), /is your home folder/],
  ])('refuses --out %s', async (_label, out, message) => {
    await expect(convertModel({ input, outDir: out(), formats: ['fp32'], force: true })).rejects.toThrow(
      message,
    );
    expect(readFileSync(input, 'utf8')).toContain('stands in');
    expect(readFileSync(join(modelDir, 'neighbour.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses an HF folder as its own output', () => {
    expect(() => checkOutputFolder(modelDir, modelDir, true)).toThrow(/is the input/);
  });

  it('still replaces an old output folder with --force', () => {
    const old = join(work, 'old-output');
    mkdirSync(old, { recursive: true });
    expect(() => checkOutputFolder(input, old, false)).toThrow(/already exists/);
    expect(() => checkOutputFolder(input, old, true)).not.toThrow();
  });
});

describe('signals during `npm run convert`', () => {
  /** Starts a conversion of the real model, waits for its staging folder, sends `signal`. */
  async function interrupt(
    signal: 'SIGINT' | 'SIGTERM',
    viaNpm: boolean,
  ): Promise<{ code: number | null; killedBy: string | null; dir: string }> {
    const dir = join(work, `signal-${signal}-${viaNpm}`);
    mkdirSync(dir, { recursive: true });
    const input = join(dir, 'model.gguf');
    copyFileSync(real, input);
    const args = [input, '--out', join(dir, 'out'), '--dtype', 'fp32,q4'];
    const child = viaNpm
      ? spawn('npm', ['run', '--silent', 'convert', '--', ...args], {
          cwd: ROOT,
          stdio: ['ignore', 'ignore', 'pipe'],
          detached: true, // its own process group, which a terminal's Ctrl+C signals as a whole
        })
      : spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tools/convert/main.ts'), ...args], {
          cwd: ROOT,
          stdio: ['ignore', 'ignore', 'pipe'],
        });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // The pipe closes when the last process holding it (npm, the supervisor, the converter) has exited:
    // only then has the supervisor said "interrupted" and cleaned up, however slow the machine is.
    const stderrClosed = new Promise<void>((done) => child.stderr.on('close', () => done()));
    const exited = new Promise<[number | null, string | null]>((done) =>
      child.on('exit', (code, killedBy) => done([code, killedBy])),
    );
    const deadline = Date.now() + 60_000;
    while (!readdirSync(dir).some((n) => n.includes('.partial-'))) {
      if (Date.now() > deadline) throw new Error(`no staging folder appeared: ${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    await new Promise((r) => setTimeout(r, 300)); // mid-way: some tensors written
    // npm: the whole group, as Ctrl+C in a terminal does; plain node: only the supervisor.
    process.kill(viaNpm ? -child.pid! : child.pid!, signal);
    const [code, killedBy] = await exited;
    // npm may return before the supervisor has finished: wait for every writer of stderr to be gone (the
    // fixed 500 ms wait this replaces was too short once under load in a fresh-clone run).
    await stderrClosed;
    expect(stderr).toContain('interrupted');
    return { code, killedBy, dir };
  }

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s to plain node removes the staging folder and exits %i',
    async (signal, expected) => {
      const { code, dir } = await interrupt(signal, false);
      expect(code).toBe(expected);
      expect(readdirSync(dir).sort()).toEqual(['model.gguf']);
    },
    90_000,
  );

  it('Ctrl+C (SIGINT to the process group) under `npm run convert` leaves nothing', async () => {
    const { code, killedBy, dir } = await interrupt('SIGINT', true);
    // npm re-raises the signal on itself after its script exits 130.
    expect(code === 130 || killedBy === 'SIGINT').toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['model.gguf']);
  }, 90_000);
});
