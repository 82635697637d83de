// A clone has nothing beside it: no file of the app, the tools, the tests or the README may read a
// path outside the repository (the evaluation data once came from a folder next to the clone).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Tracked and new (not ignored) files, so the check sees work in progress too. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return [...new Set(out.split('\0').filter(Boolean))].filter(
    (f) => /\.(ts|tsx|js|mjs|cjs|py|json|md|html|sh)$/.test(f) || f === '.ci/run' || f === '.npmrc',
  );
}

// Built at run time so this file does not match itself.
const SIBLING_FOLDER = ['..', 'shared', ''].join('/');

/** Relative paths this code resolves against its own location. */
const RELATIVE_PATH_PATTERNS = [
  /new URL\(\s*'(\.\.?\/[^']*)',\s*import\.meta\.url\s*\)/g,
  /resolve\(\s*import\.meta\.dirname,\s*'(\.\.?\/?[^']*)'\s*\)/g,
  /resolve\(\s*dirname\(fileURLToPath\(import\.meta\.url\)\),\s*'(\.\.?\/?[^']*)'\s*\)/g,
];

describe('the repository stands alone', () => {
  const files = repositoryFiles();

  it('finds the files it checks', () => {
    expect(files).toContain('tools/bench/workload.ts');
    expect(files).toContain('README.md');
  });

  it(`no file names the sibling folder ${SIBLING_FOLDER}`, () => {
    const offenders = files.filter((f) => readFileSync(resolve(ROOT, f), 'utf8').includes(SIBLING_FOLDER));
    expect(offenders).toEqual([]);
  });

  it('every path resolved against a source file stays inside the repository', () => {
    const outside: string[] = [];
    for (const file of files.filter((f) => /\.(ts|tsx|js|mjs)$/.test(f))) {
      const text = readFileSync(resolve(ROOT, file), 'utf8');
      for (const pattern of RELATIVE_PATH_PATTERNS) {
        for (const match of text.matchAll(pattern)) {
          const target = relative(ROOT, resolve(ROOT, dirname(file), match[1]!));
          if (target === '..' || target.startsWith(`..${sep}`)) outside.push(`${file}: ${match[1]}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });

  it('the evaluation data is in the repository with its source and licence', () => {
    const readme = readFileSync(resolve(ROOT, 'test/fixtures/uniner-eval/README.md'), 'utf8');
    expect(readme).toMatch(/universal-ner/);
    expect(readme).toMatch(/CC BY-NC 4\.0/);
    expect(files).toContain('test/fixtures/uniner-eval/CrossNER_AI.json');
    expect(files).toContain('test/fixtures/uniner-eval/mit-restaurant.json');
  });
});
