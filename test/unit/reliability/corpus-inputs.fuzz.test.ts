/**
 * Hostile corpus inputs and outputs (issue 28): a seeded generator of JSONL and CSV files (unclosed
 * quotes, CR/LF/CRLF mixed, invalid UTF-8, BOMs, NUL bytes, deep nesting, wrong columns, blank and
 * giant lines), of annotation files to import back (our JSONL and Label Studio exports with offsets,
 * labels, pages and fields damaged), of crafted PDFs (decompression bombs, a shared-stream bomb, a page
 * tree loop, damaged bytes), and of output situations (a full disk, a read-only folder, a kill in the
 * middle of a run). Every case is refused with a named reason or processed correctly, within the
 * stated time and memory, and nothing already written is lost.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { importDocuments } from '../../../workers/corpus/import';
import type { CorpusSpan, DocumentWithSpans, ImportProblem } from '../../../workers/corpus/document';
import { exportDocuments, importJsonl, importLabelStudio } from '../../../workers/corpus/formats';
import {
  OutputWriteError,
  readResumeState,
  ResultsWriter,
  type WriterFs,
} from '../../../tools/cli/corpus-output';
import { ensureFixtures } from '../../../tools/fixtures/ensure';
import { SCRIPTED_LLAMA_DIR } from '../../../tools/fixtures/paths';
import { mulberry32, type Rng } from '../../../tools/fixtures/rng';
import { writePdf, writeRawPdf } from '../../fixtures/pdf-writer';
import { memorySource } from '../workers/corpus/import/sources';
import { SEED } from './cases';

const root = resolve(import.meta.dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'corpus-inputs-'));
const mounts: string[] = [];
afterAll(() => {
  for (const mount of mounts) spawnSync('umount', [mount]);
  rmSync(work, { recursive: true, force: true });
});

/** Cases per generator (the README's Reliability section lists these figures). */
const CASES = { jsonl: 150, csv: 150, annotations: 200, pdfMutations: 24 } as const;
/** Peak memory of the process importing the crafted PDFs. */
const PDF_MEMORY_LIMIT = 1.5e9;
/** Time one crafted PDF may take (generous: a loaded 2-core machine). */
const PDF_TIME_LIMIT_MS = 20_000;

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const int = (rng: Rng, below: number) => Math.floor(rng() * below);

async function importAll(name: string, bytes: Uint8Array, chunk: number) {
  const documents: { id: string; name: string; text: string }[] = [];
  const problems: ImportProblem[] = [];
  for await (const item of importDocuments(memorySource(name, bytes, chunk), { maxDocumentChars: 4_000 })) {
    if (item.kind === 'document') documents.push(item.document);
    else if (item.kind === 'problem') problems.push(item.problem);
  }
  return { documents, problems };
}

const EOLS = ['\n', '\r\n', '\r'];
const enc = (text: string) => Buffer.from(text, 'utf8');
const BAD_UTF8 = [
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xff]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xf0, 0x9f]),
];

describe('seeded hostile JSONL', () => {
  it(`${CASES.jsonl} files: every good record imports, every other line is one problem naming it`, async () => {
    const rng = mulberry32(SEED);
    for (let c = 0; c < CASES.jsonl; c++) {
      const eol = pick(rng, EOLS);
      const parts: Buffer[] = [];
      if (rng() < 0.2) parts.push(Buffer.from([0xef, 0xbb, 0xbf]));
      const good = new Map<number, string>(); // line → id
      const hostile = new Set<number>();
      const lines = 3 + int(rng, 12);
      for (let line = 1; line <= lines; line++) {
        const kind = int(rng, 10);
        if (kind < 5) {
          const id = `g${c}-${line}`;
          good.set(line, id);
          parts.push(enc(JSON.stringify({ id, text: `Text ${line} — ok 🎵`, extra: { n: line } })));
        } else if (kind === 5)
          parts.push(enc('   ')); // blank
        else {
          hostile.add(line);
          const bad = pick(rng, [
            () => enc('{"text": "unterminated'),
            () => Buffer.concat([enc('{"text":"caf'), pick(rng, BAD_UTF8), enc('"}')]),
            () => enc(`{"text":"x","deep":${'['.repeat(200)}${']'.repeat(200)}}`),
            () => enc('[1,2,3]'),
            () => enc('{"body":null}'),
            () => enc(`{"text":"${'y'.repeat(30_000)}"}`),
            () => enc('{"text":"nul\u0000inside"'),
            () => enc('{"text":"   "}'),
          ])();
          parts.push(bad);
        }
        parts.push(enc(eol));
      }
      const bytes = new Uint8Array(Buffer.concat(parts));
      const { documents, problems } = await importAll(`c${c}.jsonl`, bytes, pick(rng, [1, 5, 64, 4096]));
      const where = `case ${c} (eol ${JSON.stringify(eol)})`;
      expect(
        documents.map((d) => d.id),
        where,
      ).toEqual([...good.values()]);
      expect(
        documents.map((d) => d.name),
        where,
      ).toEqual([...good.keys()].map((line) => `c${c}.jsonl #${line}`));
      expect(
        problems.map((p) => p.line),
        where,
      ).toEqual([...hostile]);
      for (const p of problems) expect(p.message.length, where).toBeGreaterThan(10);
      for (const d of documents) expect(d.text, where).not.toContain('\uFFFD');
    }
  });
});

describe('seeded hostile CSV', () => {
  it(`${CASES.csv} files: every good row imports whatever comes before it (unclosed quotes included)`, async () => {
    const rng = mulberry32(SEED + 1);
    for (let c = 0; c < CASES.csv; c++) {
      const eol = pick(rng, EOLS);
      const parts: Buffer[] = [enc(`id,text${eol}`)];
      const good: string[] = [];
      let hostileRows = 0;
      const rows = 3 + int(rng, 15);
      for (let row = 0; row < rows; row++) {
        if (rng() < 0.6) {
          const id = `g${c}-${row}`;
          good.push(id);
          parts.push(enc(`${id},good row ${row}`));
        } else {
          hostileRows++;
          parts.push(
            pick(rng, [
              () => enc(`h${row},"never closed`),
              () => enc(`h${row},a,b,c`),
              () => Buffer.concat([enc(`h${row},caf`), pick(rng, BAD_UTF8)]),
              () => enc(`h${row},${'z'.repeat(9_000)}`),
              () => enc(`h${row},   `),
            ])(),
          );
        }
        parts.push(enc(eol));
      }
      const bytes = new Uint8Array(Buffer.concat(parts));
      const { documents, problems } = await importAll(`c${c}.csv`, bytes, pick(rng, [1, 7, 4096]));
      const where = `case ${c} (eol ${JSON.stringify(eol)})`;
      expect(
        documents.map((d) => d.id),
        where,
      ).toEqual(good);
      // Each hostile row is named (an unclosed quote once, for the row it opens on).
      expect(problems.length, where).toBeGreaterThanOrEqual(hostileRows);
      for (const p of problems) expect(p.line, where).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('seeded damaged annotation files (JSONL and Label Studio imports)', () => {
  const text = 'Ada 🎵 Lovelace met Charles Babbage in London 🇬🇧 in 1833.';
  const span = (piece: string, label: string, extra: Partial<CorpusSpan> = {}): CorpusSpan => {
    const start = text.indexOf(piece);
    return { start, end: start + piece.length, label, source: 'model', model: 'm', score: 0.5, ...extra };
  };
  const doc: DocumentWithSpans = {
    document: {
      id: 'd1',
      name: 'd1',
      text,
      meta: { k: 1 },
      pages: [
        { start: 0, end: 30, page: 1 },
        { start: 31, end: text.length, page: 2 },
      ],
      types: ['person', 'place'],
      status: 'done',
      reviewed: true,
    },
    spans: [
      span('Ada 🎵 Lovelace', 'person', { decision: 'accepted' }),
      span('Charles', 'person', { decision: 'rejected' }),
      span('London 🇬🇧', 'place'),
      { start: text.indexOf('Babbage'), end: text.indexOf('Babbage') + 7, label: 'person', source: 'person' },
    ],
  };

  /** Every span a reader gets lies inside the text, on whole characters; pages, when kept, are sane. */
  function checkImported(documents: DocumentWithSpans[], where: string) {
    for (const { document, spans } of documents) {
      const t = document.text;
      for (const s of spans) {
        expect(
          Number.isInteger(s.start) &&
            Number.isInteger(s.end) &&
            s.start >= 0 &&
            s.end <= t.length &&
            s.start < s.end,
          where,
        ).toBe(true);
        for (const edge of [s.start, s.end]) {
          const low = t.charCodeAt(edge);
          expect(
            edge > 0 && edge < t.length && low >= 0xdc00 && low <= 0xdfff,
            `${where}: edge ${edge}`,
          ).toBe(false);
        }
      }
      let end = 0;
      for (const p of document.pages ?? []) {
        expect(p.start >= end && p.end >= p.start && p.end <= t.length, where).toBe(true);
        end = p.end;
      }
    }
  }

  it('an undamaged export reads back exactly', () => {
    for (const format of ['jsonl', 'spacy-jsonl', 'label-studio'] as const) {
      const { text: out } = exportDocuments(format, [doc]);
      const { documents, problems } =
        format === 'label-studio' ? importLabelStudio(out, 'x') : importJsonl(out, 'x');
      expect(problems, format).toEqual([]);
      expect(documents[0]!.spans.length, format).toBe(doc.spans.length);
      expect(documents[0]!.document.pages, format).toEqual(doc.document.pages);
    }
  });

  it(`${CASES.annotations} damaged exports: never a throw, never a span off the text or inside a character`, () => {
    const rng = mulberry32(SEED + 2);
    const damage = (value: unknown): unknown => {
      // Replace one random number, string, array or object somewhere in the tree.
      if (Array.isArray(value)) {
        if (value.length && rng() < 0.7) {
          const i = int(rng, value.length);
          return value.map((v, j) => (j === i ? damage(v) : v));
        }
        return rng() < 0.5 ? [] : [...value, ...value];
      }
      if (value && typeof value === 'object') {
        const keys = Object.keys(value);
        if (keys.length && rng() < 0.8) {
          const key = pick(rng, keys);
          if (rng() < 0.15) {
            const { [key]: _, ...rest } = value as Record<string, unknown>;
            return rest;
          }
          return { ...value, [key]: damage((value as Record<string, unknown>)[key]) };
        }
        return null;
      }
      if (typeof value === 'number')
        return pick(rng, [value + 1, value - 1, -value, value * 1e9, 0.5, NaN, null, String(value)]);
      if (typeof value === 'string')
        return pick(rng, ['', `${value}\u0000`, 42, value.slice(1), '🎵'.repeat(3)]);
      return pick(rng, [0, 'x', {}, []]);
    };
    for (let c = 0; c < CASES.annotations; c++) {
      const format = pick(rng, ['jsonl', 'spacy-jsonl', 'label-studio'] as const);
      const exported = exportDocuments(format, [doc]).text;
      const parsed: unknown = format === 'label-studio' ? JSON.parse(exported) : JSON.parse(exported.trim());
      let damaged = parsed;
      for (let n = 1 + int(rng, 3); n > 0; n--) damaged = damage(damaged);
      let serialised = JSON.stringify(damaged) ?? 'null';
      if (rng() < 0.1) serialised = serialised.slice(0, int(rng, serialised.length)); // cut off
      const where = `case ${c} (${format}): ${serialised.slice(0, 300)}`;
      const result =
        format === 'label-studio'
          ? importLabelStudio(serialised, 'x.json')
          : importJsonl(serialised, 'x.jsonl');
      for (const p of result.problems) expect(p.message.length, where).toBeGreaterThan(5);
      checkImported(result.documents, where);
    }
  });
});

/** Runs the importer on these files in a child process; its JSON line per file. */
function importInChild(paths: string[]) {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', resolve(root, 'test/fixtures/import-child.ts'), ...paths],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  expect(child.status, child.stderr).toBe(0);
  return child.stdout
    .trim()
    .split('\n')
    .map(
      (line) =>
        JSON.parse(line) as {
          file: string;
          documents: { id: string; chars: number; pages?: number }[];
          problems: { page?: number; message: string }[];
          error?: string;
          ms: number;
          peakRss: number;
        },
    );
}

describe('crafted PDFs', () => {
  it(`bombs, a loop, 12,000 pages and ${CASES.pdfMutations} damaged files: refused with a named reason or read, under ${PDF_MEMORY_LIMIT / 1e9} GB and ${PDF_TIME_LIMIT_MS / 1000} s each`, () => {
    const dir = join(work, 'pdfs');
    mkdirSync(dir);
    const stream = (data: Buffer, filters: string) =>
      `<< /Length ${data.length} /Filter ${filters} >>\nstream\n${data.toString('latin1')}\nendstream`;
    const page = (contents: string) =>
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${contents} >>`;
    // 300 MB of spaces deflated twice: 635 bytes that ask pdf.js for 300 MB, then more to parse it.
    const nested = deflateSync(deflateSync(Buffer.alloc(300 << 20, 0x20), { level: 9 }), { level: 9 });
    // 16 MB of text operators deflated once, shared by 30 pages: 480 MB of decoding.
    const shared = deflateSync(Buffer.alloc(16 << 20, 0x20), { level: 9 });
    const pages30 = Array.from({ length: 30 }, (_, i) => `${i + 4} 0 R`).join(' ');
    const cases: [string, Uint8Array, RegExp | 'document'][] = [
      [
        'nested-flate.pdf',
        writeRawPdf([
          '<< /Type /Catalog /Pages 2 0 R >>',
          '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
          page('4 0 R'),
          stream(nested, '[/FlateDecode /FlateDecode]'),
        ]),
        /decompress to more than 268,435,456 bytes \(the limit per PDF\)/,
      ],
      [
        'shared-stream.pdf',
        writeRawPdf([
          '<< /Type /Catalog /Pages 2 0 R >>',
          `<< /Type /Pages /Kids [${pages30}] /Count 30 >>`,
          stream(shared, '/FlateDecode'),
          ...Array.from({ length: 30 }, () => page('3 0 R')),
        ]),
        /the limit per PDF/,
      ],
      [
        'loop.pdf',
        writeRawPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [2 0 R] /Count 2 >>']),
        /^cannot read any of its \d+ pages?: /,
      ],
      [
        'many-pages.pdf',
        writeRawPdf([
          '<< /Type /Catalog /Pages 2 0 R >>',
          `<< /Type /Pages /Kids [${Array.from({ length: 12_000 }, (_, i) => `${i + 3} 0 R`).join(' ')}] /Count 12000 >>`,
          ...Array.from({ length: 12_000 }, () => '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>'),
        ]),
        /12,000 pages, over the limit of 10,000 per PDF/,
      ],
      ['good.pdf', writePdf({ pages: [['Barack Obama was born in Hawaii.'], ['Page two.']] }), 'document'],
    ];
    const rng = mulberry32(SEED + 3);
    const valid = writePdf({
      pages: [['Ada Lovelace wrote notes.'], ['Charles Babbage built engines.'], { drawing: true }],
    });
    for (let c = 0; c < CASES.pdfMutations; c++) {
      const bytes = Uint8Array.from(valid);
      const how = c % 3;
      if (how === 0) for (let n = 0; n < 1 + int(rng, 20); n++) bytes[int(rng, bytes.length)] = int(rng, 256);
      const mutated =
        how === 1
          ? bytes.slice(0, int(rng, bytes.length))
          : how === 2
            ? Buffer.concat([bytes, bytes.slice(int(rng, bytes.length))])
            : bytes;
      cases.push([`mutated-${c}.pdf`, new Uint8Array(mutated), /./]);
    }
    for (const [name, bytes] of cases) writeFileSync(join(dir, name), bytes);
    expect(readFileSync(join(dir, 'nested-flate.pdf')).length).toBeLessThan(5_000);
    const results = importInChild(cases.map(([name]) => join(dir, name)));
    expect(results).toHaveLength(cases.length);
    for (const [i, [name, , expected]] of cases.entries()) {
      const result = results[i]!;
      expect(result.error, name).toBeUndefined();
      expect(result.ms, `${name}: time`).toBeLessThan(PDF_TIME_LIMIT_MS);
      if (expected === 'document') {
        expect(result.problems, name).toEqual([]);
        expect(result.documents, name).toHaveLength(1);
      } else if (name.startsWith('mutated')) {
        // Damaged bytes: a document, or problems that say why; never silence.
        expect(result.documents.length + result.problems.length, name).toBeGreaterThan(0);
        for (const p of result.problems) expect(p.message, name).not.toMatch(/page \d+:/);
      } else {
        expect(result.documents, name).toEqual([]);
        expect(result.problems.map((p) => p.message).join('\n'), name).toMatch(expected);
      }
    }
    const peak = Math.max(...results.map((r) => r.peakRss));
    console.log(
      `crafted PDFs: peak RSS ${(peak / 1e6).toFixed(0)} MB, slowest ${Math.max(...results.map((r) => r.ms)).toFixed(0)} ms`,
    );
    expect(peak).toBeLessThan(PDF_MEMORY_LIMIT);
  }, 180_000);
});

// --- Output situations: the CLI on the scripted model ---

const cli = [process.execPath, '--import', 'tsx', resolve(root, 'tools/cli/extract.ts')];
const model = ['--model', SCRIPTED_LLAMA_DIR, '--dtype', 'fp32', '--type', 'person'];

function corpus(name: string, count: number): string {
  const path = join(work, name);
  const records = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ id: `d${i}`, text: `Barack Obama went to Hawaii, said record ${i}. `.repeat(12) }),
  );
  writeFileSync(path, `${records.join('\n')}\n`);
  return path;
}

function ids(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  expect(text === '' || text.endsWith('\n'), `${path} ends with a whole line`).toBe(true);
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { id: string }).id);
}

/** A 64 KiB tmpfs where this machine lets the test mount one (root in a container), else undefined. */
function smallDisk(options: string): string | undefined {
  const dir = mkdtempSync(join(work, 'mnt-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]).status === 0;
  if (!mounted) return undefined;
  mounts.push(dir);
  return dir;
}

describe('output situations', () => {
  it('a full disk: the run stops with exit 1 and a message, the file holds whole lines, --resume finishes it', async () => {
    ensureFixtures();
    const input = corpus('full.jsonl', 30);
    const disk = smallDisk('size=64k');
    if (disk) {
      console.log('full disk: a real 64 KiB tmpfs');
      const out = join(disk, 'out.jsonl');
      const first = spawnSync(cli[0]!, [...cli.slice(1), ...model, '--input', input, '--out', out], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(first.stderr).toMatch(/cannot write .*out\.jsonl \(ENOSPC: the disk is full\).*--resume/);
      expect(first.status).toBe(1);
      const before = ids(out);
      expect(before.length).toBeGreaterThan(0);
      expect(before.length).toBeLessThan(30);
      const kept = readFileSync(out, 'utf8');
      expect(spawnSync('mount', ['-o', 'remount,size=4m', disk]).status).toBe(0);
      const resumed = spawnSync(
        cli[0]!,
        [...cli.slice(1), ...model, '--input', input, '--out', out, '--resume'],
        { cwd: root, encoding: 'utf8' },
      );
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(resumed.stderr).not.toMatch(/not a results line|dropped a cut-off/);
      const after = ids(out);
      expect(after).toEqual(Array.from({ length: 30 }, (_, i) => `d${i}`));
      expect(readFileSync(out, 'utf8').startsWith(kept)).toBe(true);
    } else {
      // No mount here: the same through a file system whose writes fail with ENOSPC past 16 KiB.
      console.log('full disk: no tmpfs (mount refused); an injected ENOSPC writer');
      const out = join(work, 'injected.jsonl');
      const full: WriterFs = {
        ...fs,
        writeSync: (fd, buffer, offset, length, position) => {
          if (position >= 16_384) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
          return fs.writeSync(fd, buffer, offset, Math.min(length, 16_384 - position), position);
        },
      };
      const writer = new ResultsWriter(out, undefined, { fs: full });
      const lines = readFileSync(input, 'utf8').trim().split('\n');
      let written = 0;
      expect(() => {
        for (const line of lines) {
          writer.write(line);
          written++;
        }
      }).toThrow(OutputWriteError);
      writer.close();
      expect(ids(out)).toHaveLength(written);
      const again = new ResultsWriter(out, await readResumeState(out));
      for (const line of lines.slice(written)) again.write(line);
      again.close();
      expect(ids(out)).toEqual(Array.from({ length: 30 }, (_, i) => `d${i}`));
    }
  }, 180_000);

  it('a read-only folder: refused before the model loads, naming the folder', () => {
    const input = corpus('ro.jsonl', 2);
    let folder = smallDisk('ro,size=64k');
    let how = 'a read-only tmpfs';
    if (!folder && process.getuid?.() !== 0) {
      folder = mkdtempSync(join(work, 'ro-'));
      chmodSync(folder, 0o555);
      how = 'a folder with mode 555';
    }
    if (!folder) {
      // Root without mount: permissions do not stop root, so the refusal is injected where the
      // writer opens the file (the same named error a folder made read-only after the checks gives).
      console.log('read-only folder: root without mount; an injected EACCES on open');
      const refuse: WriterFs = {
        ...fs,
        openSync: () => {
          throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        },
      };
      expect(() => new ResultsWriter(join(work, 'ro-out.jsonl'), undefined, { fs: refuse })).toThrow(
        /cannot write .*ro-out\.jsonl \(EACCES\)/,
      );
      return;
    }
    console.log(`read-only folder: ${how}`);
    const noModel = ['--model', join(work, 'no-such-model'), '--type', 'person'];
    const result = spawnSync(
      cli[0]!,
      [...cli.slice(1), ...noModel, '--input', input, '--out', join(folder, 'out.jsonl')],
      { cwd: root, encoding: 'utf8' },
    );
    expect(result.stderr).toMatch(/cannot write --out .*out\.jsonl: (EROFS|EACCES)/);
    expect(result.status).toBe(2);
  }, 60_000);

  it('a kill in the middle of a run: --resume keeps every line written and finishes the rest once', async () => {
    ensureFixtures();
    const input = corpus('kill.jsonl', 24);
    const out = join(work, 'kill-out.jsonl');
    await new Promise<void>((done, fail) => {
      const child = spawn(cli[0]!, [...cli.slice(1), ...model, '--input', input, '--out', out], {
        cwd: root,
        stdio: 'ignore',
      });
      const timer = setInterval(() => {
        if (existsSync(out) && readFileSync(out, 'utf8').split('\n').length > 4) child.kill('SIGKILL');
      }, 20);
      child.on('exit', (_, signal) => {
        clearInterval(timer);
        if (signal === 'SIGKILL') done();
        else fail(new Error('the run ended before it was killed'));
      });
    });
    const kept = readFileSync(out, 'utf8');
    const before = kept.slice(0, kept.lastIndexOf('\n') + 1);
    const resumed = spawnSync(
      cli[0]!,
      [...cli.slice(1), ...model, '--input', input, '--out', out, '--resume'],
      { cwd: root, encoding: 'utf8' },
    );
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(ids(out)).toEqual(Array.from({ length: 24 }, (_, i) => `d${i}`));
    expect(readFileSync(out, 'utf8').startsWith(before)).toBe(true);
  }, 180_000);
});
