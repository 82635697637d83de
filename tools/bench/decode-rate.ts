/**
 * Decode speed as tokens per second, measured the same way for every engine that only offers
 * "generate up to M tokens" (our worker's `selftest`, our Node engine): the same prompt is run with
 * a budget of one token (prefill + nothing) and with `steps + 1` tokens (prefill + `steps` decode
 * steps), alternately, and the difference of the two medians is the time of the decode steps alone.
 * Pure functions over measured runs, so tests can feed them made-up numbers.
 */

/** One timed generation. */
export interface TimedGeneration {
  /** Wall time of the whole call. */
  readonly ms: number;
  /** Tokens it generated (EOS not counted). */
  readonly generated: number;
  /** The budget it was given (`max_new_tokens`). */
  readonly budget: number;
}

/** The median (mean of the middle two for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Decode steps a generation ran: the first token comes out of the prefill pass, every further one
 * (EOS included) costs one step. A run that stopped before its budget ended on EOS, which is one more
 * step than its `generated` count shows.
 */
export function decodeSteps(run: TimedGeneration): number {
  return run.generated < run.budget ? run.generated : run.budget - 1;
}

/** What {@link decodeRate} found. */
export interface DecodeRate {
  readonly tokensPerS: number;
  /** Median time of one decode step. */
  readonly stepMs: number;
  /** Median time of the one-token runs: the prefill of the prompt plus its first token. */
  readonly prefillMs: number;
  /** Decode steps in each long run (all long runs must agree). */
  readonly steps: number;
}

/**
 * Tokens per second of the decode steps alone, from one-token runs and long runs of one prompt.
 * Throws when the long runs did not all run the same number of steps (an early EOS would make the
 * engines do different work) or when there is nothing to compare.
 */
export function decodeRate(short: readonly TimedGeneration[], long: readonly TimedGeneration[]): DecodeRate {
  if (short.length === 0 || long.length === 0) throw new Error('decodeRate needs short and long runs');
  const steps = decodeSteps(long[0]!);
  if (long.some((r) => decodeSteps(r) !== steps))
    throw new Error('the long runs differ in their number of decode steps');
  if (steps <= 0) throw new Error('the long runs decoded nothing (EOS right after the prompt?)');
  const prefillMs = median(short.map((r) => r.ms));
  const decodeMs = median(long.map((r) => r.ms)) - prefillMs;
  if (!(decodeMs > 0)) throw new Error(`decode time came out as ${decodeMs} ms: too noisy to measure`);
  const stepMs = decodeMs / steps;
  return { tokensPerS: 1000 / stepMs, stepMs, prefillMs, steps };
}

/**
 * Runs `generate(1)` and `generate(steps + 1)` alternately `repeats` times after one warm-up of each,
 * and returns their {@link decodeRate}.
 */
export async function measureDecodeRate(
  generate: (budget: number) => Promise<TimedGeneration>,
  steps: number,
  repeats: number,
): Promise<DecodeRate> {
  await generate(1);
  await generate(steps + 1);
  const short: TimedGeneration[] = [];
  const long: TimedGeneration[] = [];
  for (let i = 0; i < repeats; i++) {
    short.push(await generate(1));
    long.push(await generate(steps + 1));
  }
  return decodeRate(short, long);
}

/** Tokens per second from a list of per-step times (llama.cpp's own loop): 1000 / median step. */
export function rateFromSteps(stepMs: readonly number[]): number {
  return 1000 / median(stepMs);
}
