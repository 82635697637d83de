/**
 * The corpus run's progress on stderr: a bar redrawn in place on a terminal (fitted to its width), a
 * plain line every few seconds otherwise (logs, CI), so a long run is never silent and never floods.
 *
 * The percentage counts documents (done, failed and already done by an earlier run, out of the total
 * that `count-documents.ts` found). Documents per second and time left come from a smoothed rate of
 * the documents this invocation ran (`workers/corpus/throughput.ts`, the page uses the same), and the
 * time left appears only once that rate has settled.
 */
import { ThroughputEstimate } from '../../workers/corpus/throughput';

/** What the bar shows, updated by the run. */
export interface ProgressState {
  /** Documents run in this invocation. */
  readonly done: number;
  /** Documents that failed in this invocation. */
  readonly failed: number;
  /** Documents skipped because --out already had them. */
  readonly skipped: number;
  /** Documents in the input, counted before the run (null: unknown). */
  readonly total: number | null;
  /** False when `total` is an estimate (CSV with quoted fields). */
  readonly totalExact: boolean;
  /** The file being read. */
  readonly file: string;
}

/** Where the bar writes; a stream in the CLI, a fake in tests. */
export interface ProgressOutput {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Width assumed for a terminal that does not say (a pipe through `script`, some CI consoles). */
const DEFAULT_COLUMNS = 80;

const count = (n: number) => n.toLocaleString('en-US');

export class ProgressBar {
  #state: ProgressState = { done: 0, failed: 0, skipped: 0, total: null, totalExact: true, file: '' };
  #drawn = false;
  #lastDraw = 0;
  #rate = new ThroughputEstimate();

  constructor(
    private readonly out: ProgressOutput,
    private readonly now: () => number = () => Date.now(),
    private readonly plainEveryMs = 5_000,
  ) {
    this.#lastDraw = now();
    this.#rate.start(now());
  }

  /** The line for the current state, at most `width` characters (the least useful parts go first). */
  line(width = Number.POSITIVE_INFINITY): string {
    const { done, failed, skipped, total, totalExact, file } = this.#state;
    const finished = done + failed + skipped;
    const fraction = total ? Math.min(1, finished / total) : null;
    const ofTotal = total === null ? '' : `/${totalExact ? '' : '~'}${count(total)}`;
    const perMinute = this.#rate.perMinute();
    const eta = total === null ? null : this.#rate.etaMs(total - finished);
    // [text, priority]: lower numbers survive a narrow terminal longer.
    const parts: [string, number][] = [[`${count(finished)}${ofTotal} docs`, 0]];
    if (skipped > 0) parts.push([`${count(skipped)} already done`, 3]);
    if (failed > 0) parts.push([`${count(failed)} failed`, 1]);
    if (perMinute !== null) {
      const perSecond = perMinute / 60;
      parts.push([`${perSecond.toFixed(perSecond < 10 ? 2 : 1)} docs/s`, 4]);
    }
    if (eta !== null) parts.push([`${formatDuration(eta / 1000)} left`, 2]);
    if (file) parts.push([file, 5]);
    const percent = fraction === null ? '' : `${String(Math.floor(fraction * 100)).padStart(3)}% `;
    const render = (barWidth: number, kept: readonly [string, number][]) => {
      const bar =
        fraction === null || barWidth === 0
          ? ''
          : `[${'#'.repeat(Math.round(fraction * barWidth))}${'-'.repeat(barWidth - Math.round(fraction * barWidth))}] `;
      return `${bar}${percent}${kept.map(([text]) => text).join(' · ')}`;
    };
    const dropUntilFits = (barWidth: number, floor: number) => {
      let kept = parts;
      while (render(barWidth, kept).length > width && kept.some(([, priority]) => priority > floor)) {
        const worst = Math.max(...kept.map(([, priority]) => priority));
        kept = kept.filter(([, priority]) => priority !== worst);
      }
      return render(barWidth, kept);
    };
    // The file name and the rate go before the bar narrows; documents, failures and time left go last.
    for (const barWidth of [20, 10, 0]) {
      const line = dropUntilFits(barWidth, 2);
      if (line.length <= width) return line;
    }
    return dropUntilFits(0, 0).slice(0, Math.max(1, width));
  }

  update(state: Partial<ProgressState>): void {
    const before = this.#state.done + this.#state.failed;
    this.#state = { ...this.#state, ...state };
    const ran = this.#state.done + this.#state.failed - before;
    const now = this.now();
    if (ran > 0) this.#rate.record(now, ran);
    if (this.out.isTTY) {
      if (now - this.#lastDraw < 100 && this.#drawn) return;
      this.#draw();
    } else if (now - this.#lastDraw >= this.plainEveryMs) {
      this.out.write(`progress: ${this.line()}\n`);
      this.#lastDraw = now;
    }
  }

  /** Prints a message line above the bar (problems, notes), then redraws the bar. */
  log(message: string): void {
    if (this.#drawn) this.out.write('\r\x1b[K');
    this.out.write(`${message}\n`);
    if (this.#drawn) this.#draw();
  }

  /** Clears the bar for good (before the summary). */
  finish(): void {
    if (this.#drawn) this.out.write('\r\x1b[K');
    this.#drawn = false;
  }

  #draw(): void {
    // One character short of the width: writing the last column makes some terminals wrap.
    const columns = this.out.columns && this.out.columns > 0 ? this.out.columns : DEFAULT_COLUMNS;
    this.out.write(`\r\x1b[K${this.line(columns - 1)}`);
    this.#drawn = true;
    this.#lastDraw = this.now();
  }
}
