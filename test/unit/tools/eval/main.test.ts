import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadQuestions } from '../../../../tools/eval/data';
import { main } from '../../../../tools/eval/main';
import { parseOfficialAnswer } from '../../../../tools/eval/official-parser';
import { formatPrediction, type Prediction } from '../../../../tools/eval/predictions';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const CROSSNER = fileURLToPath(new URL('../../../fixtures/uniner-eval/CrossNER_AI.json', import.meta.url));

const turn = (from: string, value: string) => ({ from, value });
const item = (id: string, passage: string, type: string, gold: string) => ({
  id,
  conversations: [
    turn('human', `Text: ${passage}`),
    turn('gpt', "I've read this text."),
    turn('human', `What describes ${type} in the text?`),
    turn('gpt', gold),
  ],
});

/** Run main() and capture what it prints. */
async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
  return { code, out, err };
}

async function smallData(): Promise<{ dir: string; data: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'eval-main-'));
  const data = join(dir, 'toy.json');
  await writeFile(
    data,
    JSON.stringify([
      item('p0', 'Barack Obama met Angela Merkel in Berlin .', 'person', '["Barack Obama", "Angela Merkel"]'),
      item('l0', 'Barack Obama met Angela Merkel in Berlin .', 'location', '["Berlin"]'),
      item('p1', 'The Beatles played in Hamburg .', 'person', '[]'),
      item('l1', 'The Beatles played in Hamburg .', 'location', '["Hamburg"]'),
    ]),
  );
  return { dir, data };
}

describe('eval CLI, --predictions mode', () => {
  it('scores a predictions file and prints a table and a JSON last line', async () => {
    const { dir, data } = await smallData();
    const predictions = join(dir, 'pred.jsonl');
    await writeFile(
      predictions,
      [
        { id: 'p0', output: '["Obama", "Angela Merkel"]' }, // one exact, one partial
        { id: 'l0', output: '["Berlin"]' },
        { id: 'p1', output: '["The Beatles"]' }, // wrong
        // l1 missing → []
        { id: 'zz', output: '[]' }, // unknown id
      ]
        .map(formatPrediction)
        .join(''),
    );
    const { code, out, err } = await run(['--data', data, '--predictions', predictions, '--json']);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const json = JSON.parse(out[out.length - 1] ?? '') as Record<string, unknown>;
    expect(json).toMatchObject({
      questions: 4,
      tp: 2,
      predicted: 4,
      gold: 4,
      partialMatches: 1,
      missing: 1,
      unknownPredictions: 1,
    });
    expect(json.precision).toBe(0.5);
    expect(json.recall).toBe(0.5);
    expect(json.f1).toBe(0.5);
    expect(json.partialF1).toBe(2.5 / 4);
    const table = out.slice(0, -1).join('\n');
    expect(table).toMatch(/overall\s+4\s+4\s+4\s+2\s+50\.00\s+50\.00\s+50\.00\s+62\.50/);
    expect(table).toMatch(/person\s+2/);
    expect(table).toMatch(/1 question\(s\) had no prediction/);
  });

  it('reads each output like the official get_response: after the last "ASSISTANT:", stripped', async () => {
    const { dir, data } = await smallData();
    const predictions = join(dir, 'pred.jsonl');
    await writeFile(
      predictions,
      [
        { id: 'p0', output: ' ["Barack Obama", "Angela Merkel"]\n' },
        { id: 'l0', output: '\n["Berlin"]' },
        { id: 'p1', output: '\u00a0[]\u3000' },
        { id: 'l1', output: 'ASSISTANT: ["Berlin"] ASSISTANT: ["Hamburg"]' },
      ]
        .map(formatPrediction)
        .join(''),
    );
    const { code, out } = await run(['--data', data, '--predictions', predictions, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out[out.length - 1] ?? '')).toMatchObject({ questions: 4, tp: 4, predicted: 4, f1: 1 });
  });

  it('reports validity, confidence metrics and the plot from a predictions file with scores', async () => {
    const { dir, data } = await smallData();
    const predictions = join(dir, 'pred.jsonl');
    const plot = join(dir, 'pr.svg');
    const lines: Prediction[] = [
      { id: 'p0', output: '["Barack Obama", "Angela"]', scores: { 'Barack Obama': 0.9, Angela: 0.3 } },
      { id: 'l0', output: '["Berlin"] and more', scores: { Berlin: 0.8 } },
      { id: 'p1', output: 'The Beatles', scores: { 'The Beatles': 0.7 } },
      { id: 'l1', output: '["Hamburg", "Munich"]', scores: { Munich: 0.6 } },
    ];
    await writeFile(predictions, lines.map(formatPrediction).join(''));
    const { code, out, err } = await run([
      '--data',
      data,
      '--predictions',
      predictions,
      '--plot',
      plot,
      '--json',
    ]);
    expect(code).toBe(0);
    expect(err).toEqual([`wrote ${plot}`]);
    const json = JSON.parse(out.at(-1) ?? '') as Record<string, unknown>;
    expect(json).toMatchObject({
      tp: 3, // Barack Obama, Berlin (the official parser reads the list and ignores the rest), Hamburg
      predicted: 5,
      answers: 4,
      invalidJsonAnswers: 2, // "… and more", prose
      officialFallbacks: 1, // prose
      predictedStrings: 5,
      notInPassage: 1, // Munich
      scoredPredictions: 4, // Barack Obama, Angela, Berlin, Munich
      unscoredPredictions: 1, // Hamburg
    });
    // Correct 0.9, 0.8; wrong 0.3, 0.6: every correct one outscores every wrong one.
    expect(json.scoreAuroc).toBe(1);
    const thresholds = json.byThreshold as {
      threshold: number;
      tp: number;
      predicted: number;
      recall: number;
    }[];
    expect(thresholds.map((t) => [t.threshold, t.tp, t.predicted])[7]).toEqual([0.7, 2, 2]);
    expect(thresholds[7]?.recall).toBe(2 / 4);
    expect(json.bestThreshold).toMatchObject({ threshold: 0.8, precision: 1, recall: 0.5 });
    const table = out.slice(0, -1).join('\n');
    expect(table).toMatch(/not a JSON list of strings: 2 \(50\.00%\)/);
    expect(table).toMatch(/AUROC 1\.0000/);
    expect(await readFile(plot, 'utf8')).toMatch(
      /^<\?xml[\s\S]*best F1 0\.667 at score ≥ 0\.800[\s\S]*<\/svg>\n$/,
    );
  });

  it('scores the --sample subset and says which it is', async () => {
    const { dir, data } = await smallData();
    const predictions = join(dir, 'pred.jsonl');
    await writeFile(predictions, formatPrediction({ id: 'p1', output: '["The Beatles"]' }));
    // Two passages, --sample 1 takes position floor(2/2) = 1: the Beatles passage and both its types.
    const { code, out } = await run([
      '--data',
      data,
      '--predictions',
      predictions,
      '--sample',
      '1',
      '--json',
    ]);
    expect(code).toBe(0);
    const json = JSON.parse(out.at(-1) ?? '') as Record<string, unknown>;
    expect(json).toMatchObject({
      questions: 2,
      predicted: 1,
      gold: 1,
      missing: 1,
      sample: {
        perDataset: 1,
        passages: 1,
        questions: 2,
        datasets: { toy: { passages: 1, ofPassages: 2, positions: [1] } },
      },
    });
    expect(out.join('\n')).toMatch(
      /subset: --sample 1: 1 passages, 2 questions[\s\S]*toy {2}1 of 2 passages, 2 of 4 questions/,
    );
    const both = await run(['--data', data, '--predictions', predictions, '--sample', '1', '--limit', '1']);
    expect(both.code).toBe(2);
    expect(both.err.join('\n')).toMatch(/not both/);
  });

  it('applies --limit to the questions before scoring', async () => {
    const { dir, data } = await smallData();
    const predictions = join(dir, 'pred.jsonl');
    await writeFile(predictions, formatPrediction({ id: 'p0', output: '["Barack Obama", "Angela Merkel"]' }));
    const { code, out } = await run(['--data', data, '--predictions', predictions, '--limit', '1', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out[out.length - 1] ?? '')).toMatchObject({
      questions: 1,
      f1: 1,
      unknownPredictions: 0,
    });
  });

  it('exits 2 on bad arguments and 1 on missing files or a model that does not load', async () => {
    const bad = await run(['--data', 'x.json']);
    expect(bad.code).toBe(2);
    expect(bad.err.join('\n')).toMatch(/exactly one of --model[\s\S]*Usage:/);
    const missing = await run(['--data', '/nonexistent.json', '--predictions', '/nonexistent.jsonl']);
    expect(missing.code).toBe(1);
    expect(missing.err.join('\n')).toMatch(/no such file or folder/);
    const { data } = await smallData();
    const noPredictions = await run(['--data', data, '--predictions', '/nonexistent.jsonl']);
    expect(noPredictions.code).toBe(1);
    expect(noPredictions.err.join('\n')).toMatch(/nonexistent\.jsonl/);
    const model = await run(['--data', data, '--model', '/nonexistent/model-folder']);
    expect(model.code).toBe(1);
    expect(model.err.join('\n')).toMatch(/^error: \w+Error: /);
  });

  it('runs as a process on the CrossNER AI data in the repository with a few wrong answers', async () => {
    const questions = await loadQuestions(CROSSNER);
    const withGold = questions.filter((q) => parseOfficialAnswer(q.goldAnswer).length > 0);
    const emptied = new Set(withGold.slice(0, 3).map((q) => q.id));
    const lost = withGold.slice(0, 3).reduce((n, q) => n + parseOfficialAnswer(q.goldAnswer).length, 0);
    const bogus = questions.find((q) => q.goldAnswer === '[]')?.id;
    const lines = questions.map((q) =>
      formatPrediction({
        id: q.id,
        output: emptied.has(q.id) ? '[]' : q.id === bogus ? '["not an entity"]' : q.goldAnswer,
      }),
    );
    const dir = await mkdtemp(join(tmpdir(), 'eval-cli-'));
    const predictions = join(dir, 'pred.jsonl');
    await writeFile(predictions, lines.join(''));

    const child = spawnSync(
      join(REPO, 'node_modules/.bin/tsx'),
      ['tools/eval/main.ts', '--data', CROSSNER, '--predictions', predictions, '--json'],
      {
        cwd: REPO,
        encoding: 'utf8',
      },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const last = child.stdout.trimEnd().split('\n').pop() ?? '';
    const json = JSON.parse(last) as {
      tp: number;
      gold: number;
      predicted: number;
      precision: number;
      recall: number;
      f1: number;
      partialF1: number;
    };
    expect(json.gold).toBe(1603);
    expect(json.tp).toBe(1603 - lost);
    expect(json.predicted).toBe(1603 - lost + 1);
    expect(json.precision).toBeCloseTo(json.tp / json.predicted, 12);
    expect(json.recall).toBeCloseTo(json.tp / json.gold, 12);
    expect(json.f1).toBeGreaterThan(0.99);
    expect(json.f1).toBeLessThan(1);
    expect(json.partialF1).toBe(json.f1);
  });
});
