/**
 * `npm run extract -- --input`: a corpus (a PDF, a JSONL of 50 documents, a text file) run end to
 * end as a person runs it, killed midway, resumed, and compared with running each file alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureFixtures } from '../../../../tools/fixtures/ensure';
import { SCRIPTED_LLAMA_DIR } from '../../../../tools/fixtures/paths';
import { writePdf } from '../../../fixtures/pdf-writer';

const root = resolve(import.meta.dirname, '../../../..');
const cli = resolve(root, 'tools/cli/extract.ts');
// One process (no tsx wrapper), so killing it kills the run.
const node = [process.execPath, '--import', 'tsx', cli];
const model = ['--model', SCRIPTED_LLAMA_DIR, '--dtype', 'fp32', '--type', 'person', '--type', 'location'];

interface ResultLine {
  id: string;
  name: string;
  text: string;
  spans: { start: number; end: number; label: string; source: string; score?: number }[];
  meta: Record<string, unknown>;
  pages?: { start: number; end: number; page: number }[];
}

function run(args: string[]) {
  const result = spawnSync(node[0]!, [...node.slice(1), ...model, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function readResults(path: string): ResultLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ResultLine);
}

/** Runs until `path` holds at least `lines` whole lines, then kills the process outright. */
function runAndKill(args: string[], path: string, lines: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(node[0]!, [...node.slice(1), ...model, ...args], { cwd: root, stdio: 'ignore' });
    const timer = setInterval(() => {
      if (!existsSync(path)) return;
      if (readFileSync(path, 'utf8').split('\n').length - 1 >= lines) child.kill('SIGKILL');
    }, 50);
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      if (signal === 'SIGKILL') resolvePromise();
      else reject(new Error(`the run ended by itself (code ${code}) before ${lines} lines`));
    });
  });
}

function makeCorpus(): string {
  const folder = join(mkdtempSync(join(tmpdir(), 'corpus-run-')), 'corpus');
  mkdirSync(folder);
  writeFileSync(
    join(folder, 'paper.pdf'),
    writePdf({ pages: [['Barack Obama was born in Hawaii.'], ['Later, Obama left Hawaii.']] }),
  );
  writeFileSync(join(folder, 'notes.txt'), 'Notes: Hawaii first, then Barack Obama.\n');
  const records = Array.from({ length: 50 }, (_, i) => ({
    // Half the records carry their own id; the others get "<file>:<line>".
    ...(i % 2 === 0 ? { id: `doc-${i}` } : {}),
    text:
      i % 5 === 4
        ? `Record ${i} names nobody at all.`
        : `${'x'.repeat(i % 7)} Record ${i}: Barack Obama went to Hawaii.`,
    source: `batch-${i % 3}`,
  }));
  writeFileSync(
    join(folder, 'docs.jsonl'),
    records.map((record) => JSON.stringify(record)).join('\n') + '\n',
  );
  return folder;
}

describe('npm run extract -- --input (corpus mode)', () => {
  it('runs a PDF, a 50-document JSONL and a .txt; killed and resumed, it matches each file run alone', async () => {
    ensureFixtures();
    const corpus = makeCorpus();
    const out = join(corpus, '..', 'results.jsonl');

    await runAndKill(['--input', corpus, '--out', out], out, 10);
    const beforeResume = readResults(out);
    expect(beforeResume.length).toBeGreaterThanOrEqual(10);
    expect(beforeResume.length).toBeLessThan(52);
    // What a kill in the middle of a write would leave (the CLI writes whole lines, so simulate it).
    appendFileSync(out, '{"id":"doc-48","name":"docs.jsonl #49","te');

    const resumed = run(['--input', corpus, '--out', out, '--resume']);
    expect(resumed.stderr).toMatch(/dropped a cut-off last line/);
    expect(resumed.stderr).toMatch(new RegExp(`${beforeResume.length} already in`));
    expect(resumed.code).toBe(0);
    const all = readResults(out);
    expect(readFileSync(out, 'utf8').endsWith('\n')).toBe(true);
    // Every document exactly once; the lines written before the kill are untouched.
    expect(all).toHaveLength(52);
    expect(new Set(all.map((line) => line.id)).size).toBe(52);
    expect(all.slice(0, beforeResume.length)).toEqual(beforeResume);

    const alone = new Map<string, ResultLine>();
    for (const file of ['paper.pdf', 'docs.jsonl', 'notes.txt']) {
      const aloneOut = join(corpus, '..', `alone-${file}.jsonl`);
      const single = run(['--input', join(corpus, file), '--out', aloneOut]);
      expect(single.code).toBe(0);
      for (const line of readResults(aloneOut)) alone.set(line.id, line);
    }
    expect(alone.size).toBe(52);
    for (const line of all) expect(line).toEqual(alone.get(line.id));

    // The documents look as documented.
    const byId = new Map(all.map((line) => [line.id, line]));
    expect(byId.get('doc-0')).toMatchObject({
      name: 'docs.jsonl #1',
      meta: { id: 'doc-0', source: 'batch-0' },
    });
    expect(byId.get('docs.jsonl:2')).toMatchObject({ name: 'docs.jsonl #2', meta: { source: 'batch-1' } });
    const pdf = byId.get('paper.pdf')!;
    expect(pdf.text).toBe('Barack Obama was born in Hawaii.\nLater, Obama left Hawaii.');
    expect(pdf.pages).toEqual([
      { start: 0, end: 32, page: 1 },
      { start: 33, end: 58, page: 2 },
    ]);
    // The scripted model answers "Barack Obama" and "Hawaii": spans land on them, for both types.
    const notes = byId.get('notes.txt')!;
    expect(
      notes.spans.map((span) => [notes.text.slice(span.start, span.end), span.label, span.source]),
    ).toEqual([
      ['Hawaii', 'location', 'model'],
      ['Hawaii', 'person', 'model'],
      ['Barack Obama', 'location', 'model'],
      ['Barack Obama', 'person', 'model'],
    ]);
    for (const span of notes.spans) expect(span.score).toBeGreaterThan(0.99);

    // The same spans as the single-passage mode gives for that text.
    const passage = run(['--text', notes.text]);
    expect(passage.code).toBe(0);
    const printed = passage.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; start: number; end: number });
    expect(printed.map(({ type, start, end }) => `${type}:${start}:${end}`).sort()).toEqual(
      notes.spans.map(({ label, start, end }) => `${label}:${start}:${end}`).sort(),
    );
  }, 600_000);

  it('reports each bad input with file and line or page, runs the rest, and exits 1', () => {
    ensureFixtures();
    const folder = mkdtempSync(join(tmpdir(), 'corpus-bad-'));
    writeFileSync(join(folder, 'good.txt'), 'Barack Obama.');
    writeFileSync(join(folder, 'blank.md'), '  \n\n ');
    writeFileSync(
      join(folder, 'image.txt'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
    );
    writeFileSync(join(folder, 'lines.jsonl'), '{"id": "1", "text": "Hawaii."}\n{oops\n');
    writeFileSync(join(folder, 'table.csv'), 'id,body\n1,Hawaii\n2,Obama,extra\n');
    writeFileSync(join(folder, 'scan.pdf'), writePdf({ pages: [{ drawing: true }] }));
    writeFileSync(join(folder, 'locked.pdf'), writePdf({ pages: [['x']], encrypted: true }));
    writeFileSync(join(folder, 'cut.pdf'), writePdf({ pages: [['x']] }).slice(0, 120));
    writeFileSync(join(folder, 'slides.pptx'), 'not read');
    // Results of an earlier run inside the corpus folder (a run record beside them) are not read as input.
    writeFileSync(join(folder, 'old.jsonl'), '{"id":"old","text":"An earlier run."}\n');
    writeFileSync(join(folder, 'old.jsonl.uniner-run.json'), '{}\n');
    const out = join(folder, '..', `${basename(folder)}-out.jsonl`);
    const { code, stderr } = run(['--input', folder, '--out', out, '--type', 'person']);
    expect(code).toBe(1);
    for (const message of [
      /^skipped slides\.pptx: not a format/m,
      /^skipped old\.jsonl: results of an earlier run/m,
      /^blank\.md: the text is only whitespace$/m,
      /^image\.txt:3: binary content \(a NUL byte at byte 8\)/m,
      /^lines\.jsonl:2: not JSON: /m,
      /^table\.csv:3: the row has 3 columns, the header 2/m,
      /^scan\.pdf: no text layer on any of its 1 page: a scan\?/m,
      /^locked\.pdf: encrypted PDF/m,
      /^cut\.pdf: corrupt PDF/m,
      /^table\.csv: 1 id already used by an earlier file; written as "table\.csv#<id>"$/m,
      /^done: 3 documents run .*, 7 input problems$/m,
    ])
      expect(stderr).toMatch(message);
    expect(
      readResults(out)
        .map((line) => line.id)
        .sort(),
    ).toEqual(['1', 'good.txt', 'table.csv#1'].sort());
  }, 300_000);

  it('refuses an output that is the input (also through a symlink) or inside the input folder, before the model loads', () => {
    const folder = mkdtempSync(join(tmpdir(), 'corpus-same-'));
    const input = join(folder, 'docs.jsonl');
    const content = '{"text":"Barack Obama."}\n';
    writeFileSync(input, content);
    symlinkSync(input, join(folder, 'alias.jsonl'));
    // A model that does not exist: the refusal must come before anything loads it.
    const noModel = ['--model', join(folder, 'no-model'), '--type', 'person'];
    for (const [args, message] of [
      [['--input', input, '--out', input], /--out .* is the --input/],
      [['--input', input, '--out', join(folder, 'alias.jsonl'), '--resume'], /--out .* is the --input/],
      [['--input', folder, '--out', join(folder, 'run2.jsonl')], /inside the --input folder/],
    ] as const) {
      const result = spawnSync(node[0]!, [...node.slice(1), ...noModel, ...args], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(result.stderr).toMatch(message);
      expect(result.status).toBe(2);
    }
    expect(readFileSync(input, 'utf8')).toBe(content);
    expect(existsSync(join(folder, 'run2.jsonl'))).toBe(false);
  });

  it('refuses a --resume that would mix runs, saying what differs; --force-resume appends anyway', () => {
    ensureFixtures();
    const folder = mkdtempSync(join(tmpdir(), 'corpus-mix-'));
    const input = join(folder, 'docs.jsonl');
    writeFileSync(input, '{"id":"a","text":"Barack Obama."}\n{"id":"b","text":"Hawaii."}\n');
    const out = join(folder, 'out.jsonl');
    expect(run(['--input', input, '--out', out, '--format', 'spacy-jsonl']).code).toBe(0);
    const before = readFileSync(out, 'utf8');
    writeFileSync(input, `${readFileSync(input, 'utf8')}{"id":"c","text":"Obama."}\n`);
    const mixed = run(['--input', input, '--out', out, '--resume']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/--resume refused: .*format: spacy-jsonl then, results now.*--force-resume/);
    expect(readFileSync(out, 'utf8')).toBe(before);
    const other = spawnSync(
      node[0]!,
      [
        ...node.slice(1),
        '--model',
        SCRIPTED_LLAMA_DIR,
        '--dtype',
        'fp32',
        '--type',
        'person',
        '--input',
        input,
        '--out',
        out,
        '--format',
        'spacy-jsonl',
        '--resume',
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/types: \["person","location"\] then, \["person"\] now/);
    const same = run(['--input', input, '--out', out, '--format', 'spacy-jsonl', '--resume']);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toMatch(/2 already in/);
    const forced = run(['--input', input, '--out', out, '--resume', '--force-resume']);
    expect(forced.stderr).toMatch(/--force-resume: appending anyway/);
    expect(forced.code).toBe(0);
  }, 300_000);

  it('does not call a duplicate id within one file "already used by an earlier file"', () => {
    ensureFixtures();
    const folder = mkdtempSync(join(tmpdir(), 'corpus-dup-'));
    const input = join(folder, 'dup.jsonl');
    // Line 1 names itself with the id line 2 gets by default ("<file>:<line>").
    writeFileSync(input, '{"id":"dup.jsonl:2","text":"Obama."}\n{"text":"Hawaii."}\n');
    const out = join(folder, 'out.jsonl');
    const { code, stderr } = run(['--input', input, '--out', out]);
    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(/earlier file/);
    const ids = readResults(out).map((line) => line.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  }, 300_000);

  it('says so and exits 1 when the input holds no documents', () => {
    ensureFixtures();
    const folder = mkdtempSync(join(tmpdir(), 'corpus-empty-'));
    for (const [name, content] of [
      ['empty.jsonl', ''],
      ['header.csv', 'id,text\r\n'],
    ] as const) {
      writeFileSync(join(folder, name), content);
      const { code, stderr } = run(['--input', join(folder, name)]);
      expect(stderr).toMatch(
        new RegExp(`^${name.replace('.', '\\.')}: (the file is empty|only a header row, no rows)`, 'm'),
      );
      expect(stderr).toMatch(/no documents to run/);
      expect(code).toBe(1);
    }
    const empty = join(folder, 'nothing');
    mkdirSync(empty);
    const none = run(['--input', empty]);
    expect(none.stderr).toMatch(/no documents to run/);
    expect(none.code).toBe(1);
  }, 300_000);

  it.each([
    [['--input', 'x.jsonl', '--text', 'hi'], /--input reads a corpus/],
    [['--input', 'x.jsonl', '--resume'], /--resume needs --out/],
    [['--input', '/no/such/corpus.jsonl'], /Cannot read --input \/no\/such\/corpus\.jsonl/],
    [['--text', 'hi', '--out', 'o.jsonl'], /go with --input/],
    [['--input', 'x.jsonl', '--type', 'bell\u0007'], /--type: .*control character \(U\+0007\)/],
  ])('exits 2 with a clear message for %j', (args, message) => {
    const { code, stderr } = run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
