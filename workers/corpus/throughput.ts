/**
 * Documents per minute and time left for a corpus run, smoothed, for the page and the CLI alike.
 *
 * Documents differ wildly in cost (a tweet, then a 40-page PDF), so the rate between two finished
 * documents jumps, and a time left computed from it jumped between 14, 7 and 19 minutes in one run.
 * This keeps an exponential moving average of the seconds one document takes and gives a time left
 * only once that average has settled (enough documents, recent averages within a band); once shown,
 * the time left stays shown, so it does not flicker on and off.
 */

/** Tuning; the defaults suit runs of tens to thousands of documents. */
export interface ThroughputOptions {
  /** Weight of the newest document in the average (0..1]. Default 0.2: about the last 10 documents count. */
  readonly alpha?: number;
  /** Documents that must finish before a time left is given. Default 3. */
  readonly minSamples?: number;
  /** The last `minSamples` averages must lie within this factor of each other. Default 1.5. */
  readonly settledRatio?: number;
}

/** A smoothed documents-per-time estimate; feed it each finished document's time. */
export class ThroughputEstimate {
  private readonly alpha: number;
  private readonly minSamples: number;
  private readonly settledRatio: number;
  private average: number | null = null; // ms per document
  private samples = 0;
  private lastAt: number | null = null;
  private readonly recent: number[] = [];
  private settled = false;

  constructor(options: ThroughputOptions = {}) {
    this.alpha = options.alpha ?? 0.2;
    this.minSamples = options.minSamples ?? 3;
    this.settledRatio = options.settledRatio ?? 1.5;
  }

  /** The clock starts (the run began, or resumed): time before this is not counted. */
  start(atMs: number): void {
    this.lastAt = atMs;
  }

  /** `count` documents finished at `atMs` (together: their time is shared). */
  record(atMs: number, count = 1): void {
    if (count <= 0) return;
    if (this.lastAt === null) {
      this.lastAt = atMs;
      return; // no interval yet
    }
    const perDocument = Math.max(0, atMs - this.lastAt) / count;
    this.lastAt = atMs;
    this.average =
      this.average === null ? perDocument : this.alpha * perDocument + (1 - this.alpha) * this.average;
    this.samples += count;
    this.recent.push(this.average);
    if (this.recent.length > this.minSamples) this.recent.shift();
    if (
      !this.settled &&
      this.samples >= this.minSamples &&
      this.recent.length >= Math.min(this.minSamples, 2)
    ) {
      const low = Math.min(...this.recent);
      const high = Math.max(...this.recent);
      this.settled = low > 0 ? high / low <= this.settledRatio : high === 0;
    }
  }

  /** Smoothed documents per minute; null before the first interval. */
  perMinute(): number | null {
    if (this.average === null) return null;
    return this.average > 0 ? 60_000 / this.average : null;
  }

  /** Smoothed time left for `remaining` documents; null until the average has settled. */
  etaMs(remaining: number): number | null {
    if (!this.settled || this.average === null) return null;
    return Math.max(0, remaining) * this.average;
  }

  /** True once a time left is given. */
  get stable(): boolean {
    return this.settled;
  }
}
