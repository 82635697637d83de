/** The corpus run's progress line: documents counted, a smoothed rate, a fitted redraw. */
import { describe, expect, it } from 'vitest';
import { countDocuments } from '../../../../tools/cli/count-documents';
import { formatDuration, ProgressBar } from '../../../../tools/cli/progress-bar';
import type { ImportSource } from '../../../../workers/corpus/import';

function fakeOutput(isTTY: boolean, columns: number | undefined = 200) {
  const writes: string[] = [];
  return { writes, out: { isTTY, columns, write: (text: string) => writes.push(text) } };
}

function source(name: string, text: string, chunkSize = 7): ImportSource {
  const bytes = new TextEncoder().encode(text);
  return {
    name,
    size: bytes.length,
    async *chunks() {
      for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
    },
    bytes: () => Promise.resolve(bytes),
  };
}

describe('progress bar', () => {
  it('counts documents out of the total, and gives time left once the rate has settled', () => {
    let now = 0;
    const { writes, out } = fakeOutput(true);
    const bar = new ProgressBar(out, () => now);
    bar.update({ file: 'a.jsonl', total: 200 });
    expect(bar.line()).toBe('[--------------------]   0% 0/200 docs · a.jsonl');
    for (let done = 1; done <= 20; done += 1) {
      now += 500;
      bar.update({ done });
    }
    expect(bar.line()).toBe('[##------------------]  10% 20/200 docs · 2.00 docs/s · 1m30s left · a.jsonl');
    expect(writes.at(-1)).toBe(`\r\x1b[K${bar.line(199)}`);
    bar.log('a.jsonl:7: not JSON');
    expect(writes.slice(-3)).toEqual(['\r\x1b[K', 'a.jsonl:7: not JSON\n', `\r\x1b[K${bar.line(199)}`]);
  });

  it('counts documents done by an earlier run in the percentage but not in the rate', () => {
    let now = 0;
    const bar = new ProgressBar(fakeOutput(true).out, () => now);
    bar.update({ total: 100, skipped: 50 });
    for (let done = 1; done <= 5; done += 1) {
      now += 2000;
      bar.update({ done });
    }
    expect(bar.line()).toMatch(/ 55% 55\/100 docs · 50 already done · 0\.50 docs\/s · 1m30s left/u);
    bar.update({ failed: 1 });
    expect(bar.line()).toMatch(/ 56% 56\/100 docs · 50 already done · 1 failed/u);
  });

  it('fits the terminal: drops the least useful parts, never wraps; unknown width counts as 80', () => {
    let now = 0;
    const narrow = fakeOutput(true, 40);
    const bar = new ProgressBar(narrow.out, () => now);
    bar.update({ total: 1000, file: 'a-very-long-folder/with/a-long-file-name.jsonl' });
    for (let done = 1; done <= 10; done += 1) {
      now += 1000;
      bar.update({ done });
    }
    const drawn = narrow.writes.at(-1)!.replace('\r\x1b[K', '');
    expect(drawn.length).toBeLessThanOrEqual(39);
    expect(drawn).toMatch(/1% 10\/1,000 docs/u);
    expect(drawn).toContain('left'); // time left outranks the rate and the file name
    const unknown = fakeOutput(true, undefined);
    const wide = new ProgressBar(unknown.out, () => now);
    wide.update({ total: 5, file: 'x'.repeat(200) });
    expect(unknown.writes.at(-1)!.replace('\r\x1b[K', '').length).toBeLessThanOrEqual(79);
    expect(new ProgressBar(fakeOutput(true).out).line(12).length).toBeLessThanOrEqual(12);
  });

  it('prints plain lines at most every few seconds when stderr is not a terminal', () => {
    let now = 0;
    const { writes, out } = fakeOutput(false);
    const bar = new ProgressBar(out, () => now);
    for (let done = 1; done <= 100; done += 1) {
      now += 500;
      bar.update({ done, total: 100 });
    }
    expect(writes).toHaveLength(10); // 50 s at one line per 5 s
    expect(writes.every((line) => line.startsWith('progress: [') && line.endsWith('\n'))).toBe(true);
    expect(writes.join('')).not.toContain('\r');
    expect(writes.at(-1)).toMatch(/100% 100\/100 docs/u);
  });

  it('formats durations', () => {
    expect([0, 59.4, 61, 3599, 3600 * 2 + 60 * 5, -1, Infinity].map(formatDuration)).toEqual([
      '0s',
      '59s',
      '1m01s',
      '59m59s',
      '2h05m',
      '?',
      '?',
    ]);
  });
});

describe('countDocuments', () => {
  it('counts JSONL lines, CSV rows after the header, one per text or PDF, with any line ending', async () => {
    const count = await countDocuments([
      source('a.jsonl', '{"text":"a"}\n\n  \n{"text":"b"}\r\n{"text":"c"}'),
      source('b.csv', 'id,text\r1,one\r2,two\r'),
      source('c.csv', 'id,text\r\n1,one\r\n2,two\r\n3,three\r\n'),
      source('notes.txt', 'one\ntwo\nthree'),
      source('paper.pdf', '%PDF-1.4 …'),
    ]);
    expect(count).toEqual({ total: 3 + 2 + 3 + 1 + 1, exact: true });
  });

  it('calls a CSV with quoted fields an estimate (a quoted field may hold a line break)', async () => {
    const count = await countDocuments([source('q.csv', 'id,text\n1,"two\nlines"\n2,plain\n')]);
    expect(count).toEqual({ total: 3, exact: false });
  });
});
