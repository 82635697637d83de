// The two official test sets kept in the repository (test/fixtures/uniner-eval, source and licence in its README),
// scored with their own gold answers as predictions: the whole pipeline must give exactly 1.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { groupByPassage, loadQuestions } from '../../../../tools/eval/data';
import { score } from '../../../../tools/eval/scorer';

const EVAL_DATA = fileURLToPath(new URL('../../../fixtures/uniner-eval/', import.meta.url));

describe('UniNER evaluation data in the repository, gold answers as predictions', () => {
  it.each([
    ['CrossNER_AI.json', 5603, 13, 430],
    ['mit-restaurant.json', 12160, 8, 1520],
  ])('%s scores F1 = 1', async (file, questionCount, typeCount, passageCount) => {
    const questions = await loadQuestions(EVAL_DATA + file);
    expect(questions).toHaveLength(questionCount);
    // CrossNER AI repeats one sentence: 431 questions per type over 430 distinct passages.
    expect(groupByPassage(questions)).toHaveLength(passageCount);
    const report = score(questions.map((q) => ({ ...q, output: q.goldAnswer })));
    expect(report).toMatchObject({
      precision: 1,
      recall: 1,
      f1: 1,
      partialF1: 1,
      partialMatches: 0,
      missing: 0,
    });
    expect(report.tp).toBe(report.gold);
    expect(report.gold).toBeGreaterThan(1000);
    expect(Object.keys(report.byType)).toHaveLength(typeCount);
  });

  it('loads the folder as two datasets', async () => {
    const questions = await loadQuestions(EVAL_DATA);
    const report = score(questions.map((q) => ({ ...q, output: q.goldAnswer })));
    expect(Object.keys(report.byDataset)).toEqual(['CrossNER_AI', 'mit-restaurant']);
    expect(report.f1).toBe(1);
  });
});
