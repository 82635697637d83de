import { describe, expect, it } from 'vitest';
import {
  atThreshold,
  auroc,
  bestF1,
  byThreshold,
  collectScoredPredictions,
  confidenceReport,
  precisionRecallCurve,
  THRESHOLDS,
  type ConfidenceInput,
  type ScoredPrediction,
  type ScoredPredictions,
} from '../../../../tools/eval/confidence';
import { score, type ScoredQuestion } from '../../../../tools/eval/scorer';

const item = (s: number, correct: boolean): ScoredPrediction => ({ score: s, correct });

/** Correct: 0.9, 0.8, 0.4; wrong: 0.7, 0.4, 0.2; 5 gold entities in all. */
const HAND: ScoredPredictions = {
  items: [
    item(0.9, true),
    item(0.7, false),
    item(0.8, true),
    item(0.4, true),
    item(0.4, false),
    item(0.2, false),
  ],
  unscored: 0,
  gold: 5,
};

describe('auroc', () => {
  it('is the Mann-Whitney U over P·N pairs, ties one half', () => {
    // 0.9 beats 3 wrong, 0.8 beats 3, 0.4 beats 0.2 and ties 0.4: 3 + 3 + 1.5 = 7.5 of 9 pairs.
    expect(auroc(HAND.items)).toBeCloseTo(7.5 / 9, 12);
  });

  it('is 1, 0 and 0.5 for perfect, reversed and all-tied scores', () => {
    expect(auroc([item(0.9, true), item(0.1, false)])).toBe(1);
    expect(auroc([item(0.1, true), item(0.9, false)])).toBe(0);
    expect(auroc([item(0.5, true), item(0.5, false), item(0.5, true)])).toBe(0.5);
  });

  it('is null when one class is empty', () => {
    expect(auroc([item(0.9, true), item(0.3, true)])).toBeNull();
    expect(auroc([item(0.9, false)])).toBeNull();
    expect(auroc([])).toBeNull();
  });
});

describe('byThreshold', () => {
  it('keeps score >= t; recall over every gold entity', () => {
    const points = byThreshold(HAND);
    expect(points.map((p) => p.threshold)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    const at = (t: number) => points[THRESHOLDS.indexOf(t)];
    expect(at(0)).toMatchObject({ predicted: 6, tp: 3, precision: 0.5, recall: 0.6 });
    expect(at(0)?.f1).toBeCloseTo(0.6 / 1.1, 12);
    expect(at(0.2)).toMatchObject({ predicted: 6, tp: 3 }); // 0.2 itself is kept
    expect(at(0.3)).toMatchObject({ predicted: 5, tp: 3, precision: 0.6, recall: 0.6, f1: 0.6 });
    expect(at(0.4)).toMatchObject({ predicted: 5, tp: 3 });
    expect(at(0.5)).toMatchObject({ predicted: 3, tp: 2, recall: 0.4 });
    expect(at(0.5)?.precision).toBeCloseTo(2 / 3, 12);
    expect(at(0.5)?.f1).toBeCloseTo(0.5, 12);
    expect(at(0.8)).toMatchObject({ predicted: 2, tp: 2, precision: 1, recall: 0.4 });
    expect(at(0.8)?.f1).toBeCloseTo(0.8 / 1.4, 12);
    expect(at(0.9)).toMatchObject({ predicted: 1, tp: 1, precision: 1, recall: 0.2 });
    expect(at(0.9)?.f1).toBeCloseTo(0.4 / 1.2, 12);
  });

  it('gives 0 for 0/0', () => {
    expect(atThreshold({ items: [item(0.2, false)], unscored: 0, gold: 0 }, 0.5)).toEqual({
      threshold: 0.5,
      precision: 0,
      recall: 0,
      f1: 0,
      tp: 0,
      predicted: 0,
    });
  });
});

describe('precisionRecallCurve and bestF1', () => {
  it('has one point per distinct score, highest first, equal to atThreshold there', () => {
    const curve = precisionRecallCurve(HAND);
    expect(curve.map((p) => p.threshold)).toEqual([0.9, 0.8, 0.7, 0.4, 0.2]);
    for (const point of curve) expect(point).toEqual(atThreshold(HAND, point.threshold));
    expect(bestF1(curve)).toMatchObject({ threshold: 0.4, f1: 0.6 });
  });

  it('prefers the higher threshold among equal F1 and is null for an empty curve', () => {
    const tied: ScoredPredictions = {
      items: [item(0.9, true), item(0.5, true), item(0.3, false)],
      unscored: 0,
      gold: 2,
    };
    // t=0.9: P 1, R 0.5, F1 2/3; t=0.5: P 1, R 1, F1 1; t=0.3: F1 0.8. Best 0.5.
    expect(bestF1(precisionRecallCurve(tied))?.threshold).toBe(0.5);
    // F1 = 2tp / (kept + gold): t=0.9 gives 2/3, t=0.8 1/2, t=0.7 2/5, t=0.6 4/6 = 2/3 again.
    const equal: ScoredPredictions = {
      items: [item(0.9, true), item(0.8, false), item(0.7, false), item(0.6, true)],
      unscored: 0,
      gold: 2,
    };
    const curve = precisionRecallCurve(equal);
    expect(curve[0]?.f1).toBeCloseTo(curve[3]?.f1 ?? NaN, 12);
    expect(bestF1(curve)?.threshold).toBe(0.9);
    expect(bestF1([])).toBeNull();
  });
});

describe('collectScoredPredictions', () => {
  it('reads outputs like the scorer, merges raw strings that normalise alike, counts unscored', () => {
    const scored = collectScoredPredictions([
      {
        // "U.S." and "US" are one prediction (max score 0.7); "Obama" has no score; "Paris" is wrong.
        output: ' ["U.S.", "US", "Obama", "Paris"]',
        goldAnswer: '["us", "Barack Obama"]',
        scores: { 'U.S.': 0.3, US: 0.7, Paris: 0.6, 'Not predicted': 0.99 },
      },
      { output: undefined, goldAnswer: '["x"]' },
      { output: 'prose', goldAnswer: '[]', scores: { prose: 0.5 } },
    ]);
    expect(scored).toEqual({ items: [item(0.7, true), item(0.6, false)], unscored: 1, gold: 3 });
  });

  it('does not take scores from the object prototype', () => {
    const scored = collectScoredPredictions([{ output: '["toString"]', goldAnswer: '[]', scores: {} }]);
    expect(scored).toEqual({ items: [], unscored: 1, gold: 0 });
  });

  it('at threshold 0 with every prediction scored equals the strict score', () => {
    const questions: (ScoredQuestion & ConfidenceInput)[] = [
      {
        id: '1',
        entityType: 't',
        output: '["A", "B", "the C"]',
        goldAnswer: '["a", "c", "d"]',
        scores: { A: 0.9, B: 0.1, 'the C': 0.5 },
      },
      { id: '2', entityType: 't', output: '["E"]', goldAnswer: '["e"]', scores: { E: 0.2 } },
      { id: '3', entityType: 't', output: '[]', goldAnswer: '["f"]' },
    ];
    const strict = score(questions);
    const zero = atThreshold(collectScoredPredictions(questions), 0);
    expect([zero.tp, zero.predicted, zero.precision, zero.recall, zero.f1]).toEqual([
      strict.tp,
      strict.predicted,
      strict.precision,
      strict.recall,
      strict.f1,
    ]);
  });
});

describe('confidenceReport', () => {
  it('nulls byThreshold, bestThreshold and AUROC when nothing is scored', () => {
    expect(confidenceReport([{ output: '["a"]', goldAnswer: '["a"]' }]).report).toEqual({
      scoredPredictions: 0,
      unscoredPredictions: 1,
      scoreAuroc: null,
      byThreshold: null,
      bestThreshold: null,
    });
  });
});
