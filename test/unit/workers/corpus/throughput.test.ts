// The smoothed rate and time left of a corpus run (page and CLI), on synthetic series of document times.
import { describe, expect, it } from 'vitest';
import { ThroughputEstimate } from '../../../../workers/corpus/throughput';

/** Feeds documents that took `durations` ms each; returns the time left after each, for `total` documents. */
function feed(durations: readonly number[], total: number, estimate = new ThroughputEstimate()) {
  let now = 0;
  estimate.start(now);
  return durations.map((ms, i) => {
    now += ms;
    estimate.record(now);
    return estimate.etaMs(total - (i + 1));
  });
}

describe('ThroughputEstimate', () => {
  it('at a constant rate: exact rate, and the time left once three documents finished', () => {
    const estimate = new ThroughputEstimate();
    const etas = feed([2000, 2000, 2000, 2000, 2000], 10, estimate);
    expect(etas.slice(0, 2)).toEqual([null, null]); // too few documents to say
    expect(etas.slice(2)).toEqual([14_000, 12_000, 10_000]);
    expect(estimate.perMinute()).toBe(30);
  });

  it('documents of very different cost: the time left moves smoothly where the raw rate jumps', () => {
    // A short document, then a long one, over and over (tweets and PDFs): raw per-document ETAs swing 5×.
    const durations = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 1000 : 5000));
    const total = 100;
    const etas = feed(durations, total).filter((eta): eta is number => eta !== null);
    const raw = durations.map((ms, i) => ms * (total - (i + 1)));
    const biggestStep = (series: readonly number[]) =>
      Math.max(...series.slice(1).map((value, i) => Math.abs(value / series[i]! - 1)));
    expect(biggestStep(raw.slice(10))).toBeGreaterThan(3); // the naive estimate jumps by 4×
    expect(biggestStep(etas.slice(10))).toBeLessThan(0.45); // the smoothed one by well under half
    // …and it centres on the true mean (3 s per document).
    expect(etas.at(-1)! / (total - durations.length)).toBeGreaterThan(2500);
    expect(etas.at(-1)! / (total - durations.length)).toBeLessThan(3500);
  });

  it('follows a lasting change of speed within a few documents', () => {
    const estimate = new ThroughputEstimate();
    feed([...Array<number>(10).fill(1000), ...Array<number>(15).fill(4000)], 100, estimate);
    expect(60_000 / estimate.perMinute()!).toBeGreaterThan(3800);
  });

  it('gives no time left while the first documents disagree wildly, then keeps it once given', () => {
    const estimate = new ThroughputEstimate();
    const etas = feed([100, 10_000, 100, 2000, 2000, 2000, 2000, 2000, 2000, 100_000], 50, estimate);
    expect(etas.slice(0, 3)).toEqual([null, null, null]);
    const firstShown = etas.findIndex((eta) => eta !== null);
    expect(firstShown).toBeGreaterThan(2);
    expect(etas.slice(firstShown).every((eta) => eta !== null)).toBe(true); // a slow outlier does not hide it again
  });

  it('has no rate before an interval and counts documents finished together', () => {
    const estimate = new ThroughputEstimate();
    expect(estimate.perMinute()).toBeNull();
    estimate.start(0);
    estimate.record(6000, 3);
    expect(estimate.perMinute()).toBe(30);
  });
});
