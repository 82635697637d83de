/** The corpus run's progress line: rates from documents run, time left from bytes read. */
import { describe, expect, it } from 'vitest';
import { formatDuration, ProgressBar } from '../../../../tools/cli/progress-bar';

function fakeOutput(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, out: { isTTY, columns: 200, write: (text: string) => writes.push(text) } };
}

describe('progress bar', () => {
  it('shows documents, docs/s and time left on a terminal, redrawn in place', () => {
    let now = 0;
    const { writes, out } = fakeOutput(true);
    const bar = new ProgressBar(out, () => now);
    bar.update({ file: 'a.jsonl', totalBytes: 1000, bytesRead: 0 });
    now = 1000;
    bar.update({ done: 1, bytesRead: 100 }); // the first document starts the clock at 10 %
    now = 11_000;
    bar.update({ done: 21, bytesRead: 300 }); // 20 % more in 10 s: 70 % left takes 35 s
    expect(bar.line()).toBe('[######--------------]  30% 21 docs · 2.10 docs/s · 35s left · a.jsonl');
    expect(writes.at(-1)).toBe(`\r\x1b[K${bar.line()}`);
    bar.log('a.jsonl:7: not JSON');
    expect(writes.slice(-3)).toEqual(['\r\x1b[K', 'a.jsonl:7: not JSON\n', `\r\x1b[K${bar.line()}`]);
  });

  it('leaves documents skipped by --resume out of the rate', () => {
    let now = 0;
    const bar = new ProgressBar(fakeOutput(true).out, () => now);
    bar.update({ totalBytes: 100, bytesRead: 50, skipped: 500 });
    now = 2000;
    bar.update({ done: 1, bytesRead: 60 });
    now = 4000;
    bar.update({ done: 5, bytesRead: 70 });
    expect(bar.line()).toMatch(/5 docs · 500 already done · 2\.50 docs\/s · 6s left/);
  });

  it('prints plain lines only now and then when stderr is not a terminal', () => {
    let now = 0;
    const { writes, out } = fakeOutput(false);
    const bar = new ProgressBar(out, () => now, 30_000);
    for (let done = 1; done <= 100; done += 1) {
      now += 1000;
      bar.update({ done, totalBytes: 100, bytesRead: done });
    }
    expect(writes).toHaveLength(3);
    expect(writes.every((line) => line.startsWith('progress: [') && line.endsWith('\n'))).toBe(true);
    expect(writes.join('')).not.toContain('\r');
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
