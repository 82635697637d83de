/**
 * Issue 28, the CLI's output side without a model: a write that fails (a full disk, simulated by a
 * file system whose write fails with ENOSPC after N bytes) stops with a named error and leaves only
 * whole lines; an export with a trailer (Label Studio's `]`) stays valid JSON at every step; the
 * output path is refused when it is the input or inside it (real paths, symlinks, hard links); the
 * results record what produced them, and a resume with anything different is refused.
 */
import * as fs from 'node:fs';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkOutputPaths,
  checkResume,
  earlierResults,
  OutputWriteError,
  readResumeState,
  ResultsWriter,
  runRecordOf,
  runRecordPath,
  writeRunRecord,
  type WriterFs,
} from '../../../../tools/cli/corpus-output';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'corpus-safety-'));
}

/**
 * node:fs on a disk with room for `capacity` bytes of this file: a write past it is cut short there,
 * and the next one fails with ENOSPC, as a filling disk does (space the file frees is room again).
 */
function fullDisk(capacity: number): WriterFs {
  return {
    openSync: fs.openSync,
    ftruncateSync: fs.ftruncateSync,
    closeSync: fs.closeSync,
    writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
      const room = capacity - position;
      if (room <= 0)
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return fs.writeSync(fd, buffer, offset, Math.min(room, length), position);
    },
  };
}

const line = (id: string) => JSON.stringify({ id, text: 'x'.repeat(40) });

describe('writing results on a full disk', () => {
  it('throws a named error and leaves only whole lines; a resume then continues cleanly', async () => {
    const path = join(tempDir(), 'out.jsonl');
    const disk = fullDisk(3 * (line('a').length + 1) + 10);
    const writer = new ResultsWriter(path, undefined, { fs: disk });
    writer.write(line('a'));
    writer.write(line('b'));
    writer.write(line('c'));
    let error: unknown;
    try {
      writer.write(line('d'));
    } catch (caught) {
      error = caught;
    }
    writer.close();
    expect(error).toBeInstanceOf(OutputWriteError);
    expect((error as Error).name).toBe('OutputWriteError');
    expect((error as Error).message).toMatch(/out\.jsonl.*ENOSPC.*whole results.*--resume/s);
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(`${line('a')}\n${line('b')}\n${line('c')}\n`);

    // Space comes back: the resume appends after the last whole line, nothing glued, nothing kept broken.
    const state = await readResumeState(path);
    expect(state.badLines).toEqual([]);
    expect(state.droppedTail).toBeUndefined();
    const again = new ResultsWriter(path, state);
    again.write(line('d'));
    again.close();
    expect(
      readFileSync(path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { id: string }).id),
    ).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps a trailer (the `]` of a JSON array) at the end, so the file parses after every write and after a failure', () => {
    const path = join(tempDir(), 'tasks.json');
    const item = (n: number, first: boolean) => `${first ? '\n' : ',\n'}{"id":${n}}`;
    const disk = fullDisk(40);
    const writer = new ResultsWriter(path, undefined, { fs: disk, trailer: '\n]\n' });
    writer.writeText('[');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual([]);
    writer.writeText(item(1, true));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual([{ id: 1 }]);
    writer.writeText(item(2, false));
    expect(() => {
      for (let n = 3; n < 10; n++) writer.writeText(item(n, false));
    }).toThrow(OutputWriteError);
    writer.close();
    const tasks = JSON.parse(readFileSync(path, 'utf8')) as { id: number }[];
    expect(tasks.map((t) => t.id)).toEqual(tasks.map((_, i) => i + 1));
    expect(tasks.length).toBeGreaterThanOrEqual(2);
  });

  it('names a read-only folder before anything is opened', () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere: check the message shape through a path whose parent is a file instead.
      const dir = tempDir();
      writeFileSync(join(dir, 'file'), 'x');
      expect(() => checkOutputPaths({ input: dir, out: join(dir, 'file', 'out.jsonl') })).toThrow(
        /not a folder|does not exist/,
      );
      return;
    }
    const dir = tempDir();
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    expect(() => checkOutputPaths({ input: join(dir, 'in.jsonl'), out: join(locked, 'out.jsonl') })).toThrow(
      /cannot write/,
    );
  });
});

describe('the output path', () => {
  it('refuses the input itself, through a symlink, and a hard link', () => {
    const dir = tempDir();
    const input = join(dir, 'docs.jsonl');
    writeFileSync(input, '{"text":"a"}\n');
    symlinkSync(input, join(dir, 'alias.jsonl'));
    linkSync(input, join(dir, 'hard.jsonl'));
    for (const out of [
      input,
      join(dir, 'alias.jsonl'),
      join(dir, '.', 'docs.jsonl'),
      join(dir, 'hard.jsonl'),
    ])
      expect(() => checkOutputPaths({ input, out }), out).toThrow(/--out .* is the --input/);
    expect(readFileSync(input, 'utf8')).toBe('{"text":"a"}\n');
  });

  it('refuses an output inside the input folder (also through a symlinked folder), and the Label Studio config beside it', () => {
    const dir = tempDir();
    const corpus = join(dir, 'corpus');
    mkdirSync(join(corpus, 'sub'), { recursive: true });
    symlinkSync(corpus, join(dir, 'link'));
    expect(() => checkOutputPaths({ input: corpus, out: join(corpus, 'sub', 'run2.jsonl') })).toThrow(
      /inside the --input folder/,
    );
    expect(() => checkOutputPaths({ input: join(dir, 'link'), out: join(corpus, 'run2.jsonl') })).toThrow(
      /inside the --input folder/,
    );
    expect(() => checkOutputPaths({ input: corpus, out: join(dir, 'link', 'x.json') })).toThrow(
      /inside the --input folder/,
    );
    writeFileSync(join(dir, 'tasks.label-config.xml'), '<View/>');
    expect(() =>
      checkOutputPaths({
        input: join(dir, 'tasks.label-config.xml'),
        out: join(dir, 'tasks.json'),
        format: 'label-studio',
      }),
    ).toThrow(/is the --input/);
    expect(() => checkOutputPaths({ input: corpus, out: join(dir, 'run.jsonl') })).not.toThrow();
  });

  it('refuses a folder, and a missing parent folder', () => {
    const dir = tempDir();
    expect(() => checkOutputPaths({ input: join(dir, 'in.jsonl'), out: dir })).toThrow(/is a folder/);
    expect(() =>
      checkOutputPaths({ input: join(dir, 'in.jsonl'), out: join(dir, 'no', 'out.jsonl') }),
    ).toThrow(/does not exist/);
  });

  it('finds earlier results in a folder input by the record beside them', () => {
    const files = ['docs.jsonl', 'run1.jsonl', 'run1.jsonl.uniner-run.json', 'sub/a.csv'];
    expect([...earlierResults(files)].sort()).toEqual(['run1.jsonl', 'run1.jsonl.uniner-run.json']);
  });
});

describe('what produced the results', () => {
  const base = {
    modelLabel: 'tiny',
    types: ['person', 'location'],
    extract: { constrain: true, maxNewTokens: 256, batchSize: 1 },
  };

  it('a resume with the same run is accepted (type order aside); anything else is refused, naming what differs', () => {
    const out = join(tempDir(), 'out.jsonl');
    writeFileSync(out, '{"id":"a"}\n');
    writeRunRecord(out, runRecordOf(base));
    expect(JSON.parse(readFileSync(runRecordPath(out), 'utf8'))).toMatchObject({
      model: 'tiny',
      format: 'results',
    });
    expect(checkResume(out, runRecordOf({ ...base, types: ['location', 'person'] }), false)).toEqual([]);
    const other = runRecordOf({ ...base, modelLabel: 'big', types: ['person'], format: 'spacy-jsonl' });
    expect(() => checkResume(out, other, false)).toThrow(
      /model: "tiny" then, "big" now.*types: \["person","location"\] then, \["person"\] now.*format: results then, spacy-jsonl now.*--force-resume/s,
    );
    expect(checkResume(out, other, true)).toEqual([expect.stringMatching(/--force-resume.*model/)]);
    expect(() =>
      checkResume(out, runRecordOf({ ...base, extract: { ...base.extract, maxNewTokens: 64 } }), false),
    ).toThrow(/options/);
  });

  it('a forced resume keeps the earlier run in the record; a fresh run replaces it', () => {
    const out = join(tempDir(), 'out.jsonl');
    writeFileSync(out, '{"id":"a"}\n');
    writeRunRecord(out, runRecordOf(base));
    const other = runRecordOf({ ...base, types: ['person'] });
    writeRunRecord(out, other, true);
    const record = JSON.parse(readFileSync(runRecordPath(out), 'utf8')) as {
      types: string[];
      earlier: { types: string[] }[];
    };
    expect(record.types).toEqual(['person']);
    expect(record.earlier.map((r) => r.types)).toEqual([['person', 'location']]);
    // Resuming again with the same settings adds nothing; a fresh run starts the record over.
    writeRunRecord(out, other, true);
    expect(
      (JSON.parse(readFileSync(runRecordPath(out), 'utf8')) as { earlier: unknown[] }).earlier,
    ).toHaveLength(1);
    expect(checkResume(out, other, false)).toEqual([]);
    writeRunRecord(out, other, false);
    expect(JSON.parse(readFileSync(runRecordPath(out), 'utf8'))).not.toHaveProperty('earlier');
  });

  it('refuses to resume a file with results but no record, unless forced; a missing or empty file is a fresh start', () => {
    const out = join(tempDir(), 'out.jsonl');
    expect(checkResume(out, runRecordOf(base), false)).toEqual([]);
    writeFileSync(out, '');
    expect(checkResume(out, runRecordOf(base), false)).toEqual([]);
    writeFileSync(out, '{"id":"a"}\n');
    expect(() => checkResume(out, runRecordOf(base), false)).toThrow(/no record of what produced it/);
    expect(checkResume(out, runRecordOf(base), true)).toHaveLength(1);
  });
});
