/**
 * The eval CLI running a model: scripted-llama always answers `["Barack Obama", "Hawaii"]`, so the
 * scores of a tiny conversation-format file are known in advance.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtures } from '../../../../tools/fixtures/ensure';
import { SCRIPTED_ANSWER, SCRIPTED_LLAMA_DIR } from '../../../../tools/fixtures/paths';
import { main } from '../../../../tools/eval/main';
import { answerFromChunks } from '../../../../tools/eval/run-model';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
/** Relative to the repo root, as a person would type it (the CLI resolves local folders). */
const MODEL = relative(process.cwd(), SCRIPTED_LLAMA_DIR) || SCRIPTED_LLAMA_DIR;

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

const OBAMA = 'Barack Obama was born in Hawaii .';
const BEATLES = 'The Beatles played in Hamburg .';

async function tinyData(): Promise<{ dir: string; data: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'eval-model-'));
  const data = join(dir, 'tiny.json');
  await writeFile(
    data,
    JSON.stringify([
      item('p0', OBAMA, 'person', '["Barack Obama"]'), // tp 1, 2 predicted
      item('l0', OBAMA, 'location', '["Hawaii"]'), // tp 1
      item('p0-again', OBAMA, 'person', '["Barack Obama"]'), // same type twice in one group: tp 1
      item('l1', BEATLES, 'location', '["Hamburg"]'), // tp 0, 2 predicted
    ]),
  );
  return { dir, data };
}

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
  return { code, out, err };
}

beforeAll(() => {
  ensureFixtures();
  process.chdir(REPO);
});

describe('eval CLI with --model', () => {
  it('scores the scripted answers of scripted-llama (unconstrained by default)', async () => {
    const { dir, data } = await tinyData();
    const out = join(dir, 'pred.jsonl');
    const result = await run(['--model', MODEL, '--dtype', 'fp32', '--data', data, '--out', out, '--json']);
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.out.at(-1) ?? '') as Record<string, unknown>;
    expect(json).toMatchObject({ questions: 4, gold: 4, predicted: 8, tp: 3, missing: 0 });
    expect(json.precision).toBe(3 / 8);
    expect(json.recall).toBe(3 / 4);
    expect(json.f1).toBe(0.5);
    // Every question id gets the raw scripted text, the repeated type included.
    const lines = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines.map((l) => ({ ...(l as object), scores: undefined }))).toEqual(
      ['p0', 'l0', 'p0-again', 'l1'].map((id) => ({ id, output: SCRIPTED_ANSWER, scores: undefined })),
    );
    // Scores, where the engine gives them, belong to the strings of the answer and lie in [0, 1];
    // every prediction is either scored or counted as unscored.
    for (const line of lines as { scores?: Record<string, number> }[]) {
      for (const [text, value] of Object.entries(line.scores ?? {})) {
        expect(['Barack Obama', 'Hawaii']).toContain(text);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
    expect((json.scoredPredictions as number) + (json.unscoredPredictions as number)).toBe(8);
    // Free answers of scripted-llama are clean JSON; "Barack Obama" is not in the Beatles passage.
    expect(json).toMatchObject({
      answers: 4,
      invalidJsonAnswers: 0,
      officialFallbacks: 0,
      predictedStrings: 8,
    });
    expect(json.notInPassage).toBe(2);
  });

  it('passes --prompt-style to the engine and reports what it loaded', async () => {
    const { data } = await tinyData();
    const uniner = await run([
      '--model',
      MODEL,
      '--dtype',
      'fp32',
      '--data',
      data,
      '--prompt-style',
      'uniner',
    ]);
    expect(uniner.code).toBe(0);
    expect(uniner.out.join('\n')).toMatch(/settings: dtype fp32, free decoding, prompt style uniner/);
    // scripted-llama has no chat template: asking for it reaches the engine, which sends UniNER's
    // conversation instead and says so (the settings line reports what was actually sent).
    const chat = await run(['--model', MODEL, '--dtype', 'fp32', '--data', data, '--prompt-style', 'chat']);
    expect(chat.code).toBe(0);
    expect(chat.out.join('\n')).toMatch(/prompt style uniner/);
  });

  it('--constrain keeps answers to passage substrings', async () => {
    const { data } = await tinyData();
    const result = await run(['--model', MODEL, '--dtype', 'fp32', '--data', data, '--constrain', '--json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.out.at(-1) ?? '') as Record<string, unknown>;
    // The Obama passage holds both scripted strings: same answers there. The Beatles passage holds
    // neither, so whatever the constraint lets through cannot be "barack obama" or "hawaii".
    expect(json).toMatchObject({ questions: 4, tp: 3 });
    expect(json.predicted as number).toBeGreaterThanOrEqual(3);
    // The grammar's promise, as the validity counts see it: constrained runs are scored on the entities
    // the app keeps (an item the constraint let go stays only in the raw text), so every string is in
    // its passage.
    expect(json).toMatchObject({
      invalidJsonAnswers: 0,
      officialFallbacks: 0,
      notInPassage: 0,
      emptyStrings: 0,
    });
  });
});

describe('answerFromChunks', () => {
  it('passes one chunk through verbatim and merges several into one JSON list', () => {
    expect(answerFromChunks(['["A", "B"] trailing'])).toBe('["A", "B"] trailing');
    expect(answerFromChunks(['["A", "B"]', 'garbage', '["B", "C"]'])).toBe('["A","B","C"]');
    expect(answerFromChunks([])).toBe('[]');
  });

  it('reads each chunk like the official pipeline (get_response, then parser) before merging', () => {
    expect(answerFromChunks([' ["A"]\n', '\n["B"]', 'ASSISTANT: ["C"]'])).toBe('["A","B","C"]');
    // One chunk stays verbatim; the scorer applies the same step.
    expect(answerFromChunks([' ["A"]'])).toBe(' ["A"]');
  });
});
