/**
 * The pieces of entity confidence scores: the log-probability recorder (the model's distribution,
 * never the constrained one), token → character ranges of the answer, quote matching, and the score
 * of one entity occurrence.
 */
import { describe, expect, it } from 'vitest';
import { LogitsProcessor, LogitsProcessorList, Tensor } from '@huggingface/transformers';
import {
  TokenCharRanges,
  TokenLogProbRecorder,
  entityScore,
  logSumExp,
  openingQuote,
  withScores,
} from '../../../../workers/decoding/token-scores';

/** log-softmax the slow, obvious way (float64). */
function logSoftmax(row: readonly number[]): number[] {
  const max = Math.max(...row);
  const sum = row.reduce((s, x) => s + Math.exp(x - max), 0);
  return row.map((x) => x - max - Math.log(sum));
}

/** Masks every token but `allowed` to -Infinity, in place, as a constraint does. */
class OnlyAllow extends LogitsProcessor {
  constructor(private readonly allowed: number) {
    super();
  }
  override _call(_ids: bigint[][], logits: Tensor): Tensor {
    const data = logits.data as Float32Array;
    const vocab = logits.dims.at(-1)!;
    for (let i = 0; i < data.length; i++) if (i % vocab !== this.allowed) data[i] = -Infinity;
    return logits;
  }
}

describe('logSumExp', () => {
  it('equals the two-pass formula on large and negative logits', () => {
    const row = Float32Array.from([1000, 999.5, -3, 0, 998, -Infinity]);
    const max = 1000;
    const expected = max + Math.log([...row].reduce((s, x) => s + Math.exp(x - max), 0));
    expect(logSumExp(row, 0, row.length)).toBeCloseTo(expected, 10);
    expect(logSumExp(row, 2, 4)).toBeCloseTo(Math.log(Math.exp(-3) + 1), 10);
  });

  it('is -Infinity for an all -Infinity row and NaN when a logit is NaN', () => {
    expect(logSumExp(Float32Array.from([-Infinity, -Infinity]), 0, 2)).toBe(-Infinity);
    expect(logSumExp(Float32Array.from([1, Number.NaN, 2]), 0, 3)).toBeNaN();
  });
});

describe('TokenLogProbRecorder', () => {
  const rows = [
    [2, 1, 0.5, -1, 3],
    [0, 0, 0, 0, 0],
  ];

  it('reads log p(token) per row and returns the logits untouched', () => {
    const recorder = new TokenLogProbRecorder();
    const data = Float32Array.from(rows.flat());
    const logits = new Tensor('float32', data, [2, 5]);
    const out = recorder._call([[1n], [1n]], logits);
    expect(out).toBe(logits);
    expect([...data]).toEqual(rows.flat());
    for (const [r, row] of rows.entries()) {
      const expected = logSoftmax(row);
      for (let id = 0; id < row.length; id++) expect(recorder.logProb(r, id)).toBeCloseTo(expected[id]!, 6);
    }
    expect(recorder.logProb(1, 3)).toBeCloseTo(Math.log(1 / 5), 6);
    expect(recorder.logProb(0, 99)).toBeNaN();
    expect(recorder.logProb(5, 0)).toBeNaN();
  });

  it('before a constraint in the processor list, scores the forced token by the model, not 1', () => {
    const recorder = new TokenLogProbRecorder();
    const list = new LogitsProcessorList();
    list.extend([recorder, new OnlyAllow(3)]);
    const logits = new Tensor('float32', Float32Array.from(rows.flat()), [2, 5]);
    const masked = list._call([[1n], [1n]], logits);
    // The constraint left only token 3; renormalised it would be certain (log p = 0).
    expect((masked.data as Float32Array)[3]).toBe(-1);
    expect((masked.data as Float32Array)[4]).toBe(-Infinity);
    expect(recorder.logProb(0, 3)).toBeCloseTo(logSoftmax(rows[0]!)[3]!, 6);
    expect(recorder.logProb(0, 3)).toBeLessThan(-4);
  });

  it('keeps only the last step (one reused buffer)', () => {
    const recorder = new TokenLogProbRecorder();
    recorder._call([[0n]], new Tensor('float32', Float32Array.from([0, 10]), [1, 2]));
    recorder._call([[0n]], new Tensor('float32', Float32Array.from([10, 0]), [1, 2]));
    expect(recorder.logProb(0, 0)).toBeCloseTo(logSoftmax([10, 0])[0]!, 6);
  });
});

describe('TokenCharRanges', () => {
  it('gives each token the characters it added', () => {
    const ranges = new TokenCharRanges();
    for (const text of ['[', '["', '["Bar', '["Barack', '["Barack"]']) ranges.push(text);
    expect([0, 1, 2, 3, 4].map((i) => ranges.range(i))).toEqual([
      { start: 0, end: 1 },
      { start: 1, end: 2 },
      { start: 2, end: 5 },
      { start: 5, end: 8 },
      { start: 8, end: 10 },
    ]);
    // The content "Barack" is characters 2..8, its closing quote 8.
    expect(ranges.overlapping(2, 8)).toEqual([2, 3]);
    expect(ranges.overlapping(2, 9)).toEqual([2, 3, 4]);
  });

  it('assigns the bytes of one multi-byte character to that character', () => {
    // 東 (3 UTF-8 bytes) spelled by three byte tokens: the first two decode to a trailing U+FFFD.
    const ranges = new TokenCharRanges();
    for (const text of ['["', '["\uFFFD', '["\uFFFD', '["東', '["東"']) ranges.push(text);
    expect(ranges.overlapping(2, 3)).toEqual([1, 2, 3]);
    expect(ranges.overlapping(3, 4)).toEqual([4]);
  });

  it('never moves backwards when a decode rewrites earlier text', () => {
    const ranges = new TokenCharRanges();
    for (const text of ['ab', 'a', 'abc']) ranges.push(text);
    expect([0, 1, 2].map((i) => ranges.range(i))).toEqual([
      { start: 0, end: 2 },
      { start: 1, end: 2 },
      { start: 2, end: 3 },
    ]);
  });
});

describe('openingQuote', () => {
  it.each([
    ['["a", "bc"]', 9, 6],
    ['["a\\"b"]', 6, 1],
    ['["a\\\\"]', 5, 1],
    ["['it''s']", 4, 1],
  ])('finds the unescaped opening quote in %s', (text, close, open) => {
    expect(openingQuote(text, close)).toBe(open);
  });

  it('is -1 when there is none', () => {
    expect(openingQuote('abc"', 3)).toBe(-1);
  });
});

describe('entityScore', () => {
  // ["Barack Obama", "Hawaii"] as tokens: [" | "Bar | ack | Obama | ", " | Hawaii | "]
  const texts = [
    '["',
    '["Bar',
    '["Barack',
    '["Barack Obama',
    '["Barack Obama", "',
    '["Barack Obama", "Hawaii',
    '["Barack Obama", "Hawaii"]',
  ];
  const ranges = new TokenCharRanges();
  for (const text of texts) ranges.push(text);
  const logProbs = [
    Math.log(0.1),
    Math.log(0.9),
    Math.log(0.99),
    Math.log(0.8),
    Math.log(0.7),
    Math.log(0.6),
    Math.log(0.95),
  ];

  it('is the joint probability of content and closing quote, without a lone opening quote', () => {
    const obama = { text: 'Barack Obama', open: 1, close: 14 };
    // Tokens 1..3 spell the content, token 4 (`", "`) holds the closing quote; token 0 (`["`) is out.
    expect(entityScore(obama, ranges, logProbs)).toBeCloseTo(0.9 * 0.99 * 0.8 * 0.7, 10);
    const hawaii = { text: 'Hawaii', open: 17, close: 24 };
    // Token 4 holds the opening quote only; Hawaii is token 5, its closing quote token 6.
    expect(entityScore(hawaii, ranges, logProbs)).toBeCloseTo(0.6 * 0.95, 10);
  });

  it('is undefined when a token has no probability', () => {
    const missing = [...logProbs];
    missing[2] = undefined as unknown as number;
    expect(entityScore({ text: 'Barack Obama', open: 1, close: 14 }, ranges, missing)).toBeUndefined();
    expect(entityScore({ text: 'Hawaii', open: 17, close: 24 }, ranges, missing)).toBeCloseTo(0.57, 10);
  });
});

describe('withScores', () => {
  it('attaches scores by text and leaves unscored entities without the field', () => {
    const entities = [
      { text: 'a', spans: [], match: 'none' as const },
      { text: 'b', spans: [{ start: 0, end: 1 }], match: 'exact' as const },
    ];
    const scored = withScores(entities, new Map([['b', 0.25]]));
    expect(scored[0]).toEqual(entities[0]);
    expect('score' in scored[0]!).toBe(false);
    expect(scored[1]).toEqual({ ...entities[1], score: 0.25 });
  });
});
