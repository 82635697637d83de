/** Decode tokens/s from timed runs (made-up times: nothing is measured here). */
import { describe, expect, it } from 'vitest';
import {
  decodeRate,
  decodeSteps,
  measureDecodeRate,
  median,
  rateFromSteps,
  type TimedGeneration,
} from '../../../../tools/bench/decode-rate';

const gen = (ms: number, generated: number, budget: number): TimedGeneration => ({ ms, generated, budget });

describe('decode rate', () => {
  it('takes medians of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('counts decode steps: the first token is the prefill, an early stop was an EOS step', () => {
    expect(decodeSteps(gen(0, 17, 17))).toBe(16);
    expect(decodeSteps(gen(0, 1, 1))).toBe(0);
    expect(decodeSteps(gen(0, 5, 17))).toBe(5);
  });

  it('times the decode steps alone: long median minus short median over the steps', () => {
    const short = [gen(100, 1, 1), gen(300, 1, 1), gen(110, 1, 1)];
    const long = [gen(430, 17, 17), gen(420, 17, 17), gen(900, 17, 17)];
    const rate = decodeRate(short, long);
    expect(rate.prefillMs).toBe(110);
    expect(rate.steps).toBe(16);
    expect(rate.stepMs).toBeCloseTo((430 - 110) / 16);
    expect(rate.tokensPerS).toBeCloseTo(1000 / 20);
  });

  it('refuses runs that did different work or nothing measurable', () => {
    expect(() => decodeRate([gen(10, 1, 1)], [gen(50, 17, 17), gen(50, 9, 17)])).toThrow(/differ/);
    expect(() => decodeRate([gen(10, 1, 1)], [gen(50, 0, 17)])).toThrow(/decoded nothing/);
    expect(() => decodeRate([gen(100, 1, 1)], [gen(90, 17, 17)])).toThrow(/too noisy/);
    expect(() => decodeRate([], [gen(90, 17, 17)])).toThrow();
  });

  it('alternates one-token and long runs after a warm-up of each', async () => {
    const budgets: number[] = [];
    const rate = await measureDecodeRate(
      (budget) => {
        budgets.push(budget);
        return Promise.resolve(gen(budget === 1 ? 50 : 50 + 10 * (budget - 1), budget, budget));
      },
      8,
      3,
    );
    expect(budgets).toEqual([1, 9, 1, 9, 1, 9, 1, 9]);
    expect(rate.stepMs).toBeCloseTo(10);
    expect(rate.tokensPerS).toBeCloseTo(100);
  });

  it('rates per-step times by their median', () => {
    expect(rateFromSteps([10, 20, 1000])).toBeCloseTo(50);
  });
});
