// Docs drift: a README that names a file which moved sends the next reader to nothing. Every backticked
// path in a Markdown file that starts at a top-level folder of the repository must exist (tracked or
// new), except generated output (dist/, models the fixtures or a build write) and patterns.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const TOP_LEVEL = ['src/', 'workers/', 'tools/', 'test/', 'public/', 'docs/', '.ci/'];
/** Written by a command, not kept in the repository. */
const GENERATED = ['test/fixtures/models/', 'dist/', 'bench-results/', 'test-results/', 'public/models/'];

function markdownFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '*.md'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return [...new Set(out.split('\0').filter(Boolean))].filter((f) => !f.startsWith('node_modules/'));
}

/** Backticked tokens that read as a repository path (no spaces, globs, placeholders or options). */
export function backtickedPaths(markdown: string): string[] {
  const paths: string[] = [];
  for (const match of markdown.matchAll(/`([^`\s]+)`/g)) {
    let token = match[1]!;
    if (!TOP_LEVEL.some((prefix) => token.startsWith(prefix))) continue;
    if (/[*<>{}…|$]|\.\.\./.test(token)) continue;
    token = token.replace(/[:#].*$/, '').replace(/[),.;]+$/, '');
    if (GENERATED.some((prefix) => token.startsWith(prefix))) continue;
    paths.push(token);
  }
  return paths;
}

describe('Markdown names only paths that exist', () => {
  it('reads paths out of backticks and leaves patterns alone', () => {
    expect(backtickedPaths('see `workers/protocol.ts` and `src/*.ts`, `tools/x.ts:12`, `npm test`')).toEqual([
      'workers/protocol.ts',
      'tools/x.ts',
    ]);
  });

  it('every backticked repository path in every Markdown file exists', () => {
    const missing: string[] = [];
    for (const file of markdownFiles()) {
      for (const path of backtickedPaths(readFileSync(resolve(ROOT, file), 'utf8'))) {
        if (!existsSync(resolve(ROOT, path))) missing.push(`${file}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
