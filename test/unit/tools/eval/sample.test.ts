import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadQuestions, type EvalQuestion } from '../../../../tools/eval/data';
import { evenlySpacedPositions, stratifiedSample } from '../../../../tools/eval/sample';

const DATA = fileURLToPath(new URL('../../../fixtures/uniner-eval/', import.meta.url));

const q = (dataset: string, passage: string, entityType: string): EvalQuestion => ({
  id: `${dataset}/${passage}/${entityType}`,
  dataset,
  passage,
  entityType,
  goldAnswer: '[]',
});

describe('evenlySpacedPositions', () => {
  it('takes the centres of n equal slices', () => {
    expect(evenlySpacedPositions(10, 3)).toEqual([1, 5, 8]); // floor(10/6), floor(30/6), floor(50/6)
    expect(evenlySpacedPositions(10, 1)).toEqual([5]);
    expect(evenlySpacedPositions(430, 5)).toEqual([43, 129, 215, 301, 387]);
  });

  it('takes everything when n is at least the count', () => {
    expect(evenlySpacedPositions(3, 3)).toEqual([0, 1, 2]);
    expect(evenlySpacedPositions(3, 7)).toEqual([0, 1, 2]);
    expect(evenlySpacedPositions(0, 2)).toEqual([]);
  });

  it('gives n distinct increasing positions for every n < count', () => {
    for (let count = 1; count <= 25; count++)
      for (let n = 1; n < count; n++) {
        const positions = evenlySpacedPositions(count, n);
        expect(positions).toHaveLength(n);
        positions.forEach((p, i) => expect(p).toBeGreaterThan(i === 0 ? -1 : (positions[i - 1] ?? 0)));
        expect(positions.at(-1)).toBeLessThan(count);
      }
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => evenlySpacedPositions(10, 0)).toThrow(/positive integer/);
    expect(() => evenlySpacedPositions(10, 1.5)).toThrow(/positive integer/);
  });
});

describe('stratifiedSample', () => {
  // Dataset A: passages a0..a3 (a1 repeated later), 2 types each; dataset B: b0..b2, 1 type.
  const questions = [
    q('A', 'a0', 'x'),
    q('A', 'a0', 'y'),
    q('A', 'a1', 'x'),
    q('A', 'a1', 'y'),
    q('B', 'b0', 'z'),
    q('A', 'a2', 'x'),
    q('A', 'a2', 'y'),
    q('B', 'b1', 'z'),
    q('A', 'a3', 'x'),
    q('B', 'b2', 'z'),
    { ...q('A', 'a1', 'x'), id: 'a1-again' },
  ];

  it('takes n passages per dataset with all their questions, in data order', () => {
    const { questions: taken, info } = stratifiedSample(questions, 2);
    // A has 4 distinct passages → positions 1, 3 (a1 with its repeat, a3); B has 3 → 0, 2.
    expect(taken.map((t) => t.id)).toEqual(['A/a1/x', 'A/a1/y', 'B/b0/z', 'A/a3/x', 'B/b2/z', 'a1-again']);
    expect(info).toEqual({
      perDataset: 2,
      passages: 4,
      questions: 6,
      datasets: {
        A: { passages: 2, ofPassages: 4, questions: 4, ofQuestions: 8, positions: [1, 3] },
        B: { passages: 2, ofPassages: 3, questions: 2, ofQuestions: 3, positions: [0, 2] },
      },
    });
  });

  it('does not depend on how the datasets are interleaved', () => {
    const reordered = [
      ...questions.filter((t) => t.dataset === 'B'),
      ...questions.filter((t) => t.dataset === 'A'),
    ];
    const ids = (list: EvalQuestion[]) => new Set(stratifiedSample(list, 2).questions.map((t) => t.id));
    expect(ids(reordered)).toEqual(ids(questions));
  });

  it('on the repository data: 5 passages per file, every type of each', async () => {
    const all = await loadQuestions(DATA);
    const first = stratifiedSample(all, 5);
    expect(stratifiedSample(all, 5)).toEqual(first); // fixed: no randomness
    const { info } = first;
    expect(info.datasets['CrossNER_AI']).toMatchObject({ passages: 5, ofPassages: 430, ofQuestions: 5603 });
    expect(info.datasets['mit-restaurant']).toEqual({
      passages: 5,
      ofPassages: 1520,
      questions: 40,
      ofQuestions: 12160,
      positions: [152, 456, 760, 1064, 1368],
    });
    // Every passage taken brings all of its dataset's types.
    for (const dataset of ['CrossNER_AI', 'mit-restaurant']) {
      const types = new Set(all.filter((t) => t.dataset === dataset).map((t) => t.entityType));
      const byPassage = new Map<string, EvalQuestion[]>();
      for (const t of first.questions.filter((t) => t.dataset === dataset))
        byPassage.set(t.passage, [...(byPassage.get(t.passage) ?? []), t]);
      expect(byPassage.size).toBe(5);
      for (const group of byPassage.values()) expect(new Set(group.map((t) => t.entityType))).toEqual(types);
    }
  });
});
