/**
 * Crafted evaluation input (issue #23): predictions lines and `scores` objects are read with bounded
 * memory (a line past the limit is refused by number before it is held whole), and CoNLL token lines
 * whose column count differs from the file's are refused instead of losing words.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { questionsFromConll } from '../../../../tools/eval/conll';
import {
  MAX_PREDICTION_LINE_CHARS,
  MAX_SCORES_PER_LINE,
  readPredictions,
} from '../../../../tools/eval/predictions';

const work = mkdtempSync(join(tmpdir(), 'crafted-eval-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('predictions files', () => {
  it('refuses a line past the limit by its number, without holding the file', async () => {
    const path = join(work, 'long-line.jsonl');
    const good = `${JSON.stringify({ id: 'q1', output: '["a"]' })}\n`;
    // 40 MB of one JSON array of short strings: the shape that took 3.4 GB to parse.
    const huge = `{"id": "q2", "output": "x", "scores": {}, "pad": [${'"ab",'.repeat(8_000_000)}"ab"]}\n`;
    writeFileSync(path, good + huge);
    const before = process.memoryUsage().rss;
    const started = performance.now();
    await expect(readPredictions(path)).rejects.toThrow(
      new RegExp(`long-line\\.jsonl: line 2 is longer than ${MAX_PREDICTION_LINE_CHARS} characters`),
    );
    expect(performance.now() - started).toBeLessThan(5000);
    expect(process.memoryUsage().rss - before).toBeLessThan(300e6);
  });

  it(`refuses "scores" with more than ${MAX_SCORES_PER_LINE} entries`, async () => {
    const path = join(work, 'many-scores.jsonl');
    const scores = Object.fromEntries(
      Array.from({ length: MAX_SCORES_PER_LINE + 1 }, (_, i) => [`s${i}`, 0.5]),
    );
    writeFileSync(path, `${JSON.stringify({ id: 'q1', output: '[]', scores })}\n`);
    await expect(readPredictions(path)).rejects.toThrow(/many-scores\.jsonl: line 1: "scores" has more than/);
  });

  it('still reads lines split across read chunks, the last one without a newline', async () => {
    const path = join(work, 'ok.jsonl');
    const lines = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({ id: `q${i}`, output: `["${'w'.repeat(500)}"]`, scores: { a: 0.25 } }),
    );
    writeFileSync(path, lines.join('\n'));
    const file = await readPredictions(path);
    expect(file.byId.size).toBe(3000);
    expect(file.byId.get('q2999')).toContain('www');
    expect(file.scoresById.get('q1234')).toEqual({ a: 0.25 });
  });
});

describe('CoNLL column counts', () => {
  it('refuses a token line with another column count, naming the line', () => {
    const text = ['EU B-ORG', 'rejects O', '', 'New York B-LOC', 'is O'].join('\n');
    expect(() => questionsFromConll(text, 'crafted', {}, 'crafted.conll')).toThrow(
      /crafted\.conll: line 4: 3 columns, but the file's token lines have 2 \(from line 1\)/,
    );
  });

  it('reads a consistent four-column CoNLL-2003 file', () => {
    const text = [
      '-DOCSTART- -X- -X- O',
      '',
      'EU NNP B-NP B-ORG',
      'rejects VBZ B-VP O',
      'German JJ B-NP B-MISC',
    ].join('\n');
    const questions = questionsFromConll(text, 'crafted', {}, 'ok.conll');
    expect(questions.length).toBeGreaterThan(0);
  });
});
