/**
 * The corpus run's progress on stderr: a redrawn bar on a terminal, a plain line every
 * `plainEveryMs` otherwise (logs, CI), so a long run is never silent and never floods.
 * Documents per second count only documents actually run (not ones skipped by --resume), and the
 * time left comes from the share of input bytes read since the first document ran.
 */

/** What the bar shows, updated by the run. */
export interface ProgressState {
  /** Documents run in this invocation. */
  readonly done: number;
  /** Documents skipped because --out already had them. */
  readonly skipped: number;
  /** Bytes of input read so far, and in all (all files). */
  readonly bytesRead: number;
  readonly totalBytes: number;
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

export class ProgressBar {
  #state: ProgressState = { done: 0, skipped: 0, bytesRead: 0, totalBytes: 0, file: '' };
  #drawn = false;
  #lastDraw = 0;
  #start: { ms: number; fraction: number } | undefined;

  constructor(
    private readonly out: ProgressOutput,
    private readonly now: () => number = () => Date.now(),
    private readonly plainEveryMs = 30_000,
  ) {
    this.#lastDraw = now();
  }

  /** The line the bar shows for the current state. */
  line(): string {
    const { done, skipped, bytesRead, totalBytes, file } = this.#state;
    const fraction = totalBytes > 0 ? Math.min(1, bytesRead / totalBytes) : 0;
    const parts = [`${done.toLocaleString('en-US')} docs`];
    if (skipped > 0) parts.push(`${skipped.toLocaleString('en-US')} already done`);
    if (this.#start && done > 0) {
      const seconds = (this.now() - this.#start.ms) / 1000;
      if (seconds > 0) parts.push(`${(done / seconds).toFixed(done / seconds < 10 ? 2 : 1)} docs/s`);
      const ranFraction = fraction - this.#start.fraction;
      if (ranFraction > 0 && seconds > 0)
        parts.push(`${formatDuration((seconds * (1 - fraction)) / ranFraction)} left`);
    }
    if (file) parts.push(file);
    const width = 20;
    const filled = Math.round(fraction * width);
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${parts.join(' · ')}`;
  }

  update(state: Partial<ProgressState>): void {
    const ranBefore = this.#state.done;
    this.#state = { ...this.#state, ...state };
    if (!this.#start && this.#state.done > ranBefore) {
      // Rates start at the first document run: a --resume skips the first part in no time.
      this.#start = {
        ms: this.now(),
        fraction: this.#state.totalBytes > 0 ? this.#state.bytesRead / this.#state.totalBytes : 0,
      };
    }
    const now = this.now();
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
    const columns = this.out.columns ?? 100;
    this.out.write(`\r\x1b[K${this.line().slice(0, Math.max(20, columns - 1))}`);
    this.#drawn = true;
    this.#lastDraw = this.now();
  }
}
