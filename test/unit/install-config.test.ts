// `npm install` stays quiet and never downloads onnxruntime-node's CUDA files (the CPU binding ships in
// the package): npm 11 warned `Unknown project config "onnxruntime-node-install"` on every command.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

describe('install configuration', () => {
  it('npm reads the project config without a warning', () => {
    const result = spawnSync('npm', ['config', 'get', 'registry'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stderr).not.toMatch(/Unknown project config|npm warn/i);
  });

  it('.npmrc sets no keys npm does not know', () => {
    const npmrc = resolve(ROOT, '.npmrc');
    const keys = existsSync(npmrc)
      ? readFileSync(npmrc, 'utf8')
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line && !line.startsWith('#') && !line.startsWith(';'))
      : [];
    expect(keys.filter((line) => line.startsWith('onnxruntime-node'))).toEqual([]);
  });

  it("denies onnxruntime-node's install script (the CUDA download) in package.json", () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
      allowScripts?: Record<string, boolean>;
    };
    expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false);
  });
});
