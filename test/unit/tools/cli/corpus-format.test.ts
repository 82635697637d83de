/**
 * `npm run extract -- --input … --format`: the corpus run written in each export format, read back
 * by our importers (the formats themselves are tested in test/unit/workers/corpus/formats).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importJsonl, importLabelStudio } from '../../../../workers/corpus/formats';
import { ensureFixtures } from '../../../../tools/fixtures/ensure';
import { SCRIPTED_LLAMA_DIR } from '../../../../tools/fixtures/paths';

const root = resolve(import.meta.dirname, '../../../..');
const cli = [process.execPath, '--import', 'tsx', resolve(root, 'tools/cli/extract.ts')];
const model = ['--model', SCRIPTED_LLAMA_DIR, '--dtype', 'fp32', '--type', 'person', '--type', 'location'];

function run(args: string[]) {
  const result = spawnSync(cli[0]!, [...cli.slice(1), ...model, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let folder: string;
let input: string;
beforeAll(() => {
  ensureFixtures();
  folder = mkdtempSync(join(tmpdir(), 'corpus-format-'));
  input = join(folder, 'docs.jsonl');
  writeFileSync(
    input,
    [
      { id: 'a', text: 'Barack Obama went to Hawaii.' },
      { id: 'b', text: 'Nobody here.' },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );
});

describe('npm run extract -- --input … --format', () => {
  it('label-studio: a tasks array our importer reads back, and the labeling config beside it', () => {
    const out = join(folder, 'tasks.json');
    const { code, stderr } = run(['--input', input, '--out', out, '--format', 'label-studio']);
    expect(code, stderr).toBe(0);
    const { documents, problems } = importLabelStudio(readFileSync(out, 'utf8'), out);
    expect(problems).toEqual([]);
    expect(documents.map((d) => d.document.id)).toEqual(['a', 'b']);
    const a = documents[0]!;
    expect(a.spans.map((s) => [a.document.text.slice(s.start, s.end), s.label, s.source])).toContainEqual([
      'Barack Obama',
      'person',
      'model',
    ]);
    const config = join(folder, 'tasks.label-config.xml');
    expect(existsSync(config)).toBe(true);
    expect(readFileSync(config, 'utf8')).toContain('<Label value="location"/>');
  }, 300_000);

  it('jsonl and conll to stdout', () => {
    const jsonl = run(['--input', input, '--format', 'jsonl']);
    expect(jsonl.code, jsonl.stderr).toBe(0);
    const { documents, problems } = importJsonl(jsonl.stdout, 'stdout');
    expect(problems).toEqual([]);
    expect(documents[0]!.document.types).toEqual(['person', 'location']);
    expect(documents[0]!.spans.length).toBeGreaterThan(0);

    const conll = run(['--input', input, '--format', 'conll']);
    expect(conll.code, conll.stderr).toBe(0);
    expect(conll.stdout.match(/^-DOCSTART-/gm)).toHaveLength(2);
    expect(conll.stdout).toMatch(/^Obama -X- _ I-(person|location)$/m);
  }, 300_000);

  it.each([
    [
      ['--input', 'x.jsonl', '--format', 'xml'],
      /--format must be one of jsonl, conll, label-studio, spacy-jsonl/,
    ],
    [['--input', 'x.jsonl', '--out', 'o.conll', '--resume', '--format', 'conll'], /--resume reads ids back/],
    [['--text', 'hi', '--format', 'conll'], /go with --input/],
  ])('exits 2 for %j', (args, message) => {
    const { code, stderr } = run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
