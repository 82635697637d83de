/** The Node sections: prefix reuse on onnxruntime-node, constraint cost per step, first entity. */
import { createNodeEngine, type NodeEngine } from '../../workers/node-engine';
import type { EngineEvent } from '../../workers/engine';
import { reuseRow, type ConstraintFigures, type FirstEntityFigures, type PrefixReuseRow } from './report';
import { installStepTiming, mean } from './step-timing';

/** One measured request: wall time, token counts and the raw answers in type order. */
export interface MeasuredRun {
  readonly ms: number;
  readonly prefillTokens: number;
  readonly decodeTokens: number;
  /** The engine's own split of the request (`done.stats`). */
  readonly prefillMs: number;
  readonly decodeMs: number;
  readonly answers: string[];
}

/** Runs one extraction of `types` over the bench passage (`batchSize` > 1: batched decoding). */
export type RunOnce = (
  types: readonly string[],
  reusePrefix: boolean,
  batchSize?: number,
) => Promise<MeasuredRun>;

/** The fastest of several runs of one mode; answers must agree between repeats too. */
function best(runs: readonly MeasuredRun[]): MeasuredRun {
  const [first, ...rest] = runs;
  if (!first) throw new Error('no runs');
  const fastest = rest.reduce((a, b) => (b.ms < a.ms ? b : a), first);
  const stable = rest.every((r) => r.answers.every((a, i) => a === first.answers[i]));
  return stable ? fastest : { ...fastest, answers: ['(answers changed between repeats)'] };
}

/**
 * The comparison for each type count: per-type re-encode and prefix reuse, interleaved,
 * `repeats(count)` times each, keeping the fastest of each mode (this machine is shared and noisy:
 * the minimum is the least disturbed figure). A request with both modes on one type warms the
 * runtime up first (its times are not kept).
 */
export async function comparePrefixReuse(
  run: RunOnce,
  allTypes: readonly string[],
  counts: readonly number[],
  log: (line: string) => void,
  repeats: (count: number) => number = () => 1,
  batched = false,
): Promise<PrefixReuseRow[]> {
  await run(allTypes.slice(0, 1), false);
  await run(allTypes.slice(0, 1), true);
  const rows: PrefixReuseRow[] = [];
  for (const count of counts) {
    const types = allTypes.slice(0, count);
    const naiveRuns: MeasuredRun[] = [];
    const reuseRuns: MeasuredRun[] = [];
    for (let i = 0; i < Math.max(1, repeats(count)); i++) {
      naiveRuns.push(await run(types, false));
      reuseRuns.push(await run(types, true));
    }
    const naive = best(naiveRuns);
    const reuse = best(reuseRuns);
    let row = reuseRow(count, naive, reuse);
    if (batched && count > 1) {
      // All types in one batch from the shared prefix (the engine's opt-in batched decoding).
      const batch = await run(types, true, count);
      const same = batch.answers.every((a, i) => a === reuse.answers[i]);
      row = { ...row, batchedMs: batch.ms, batchedAnswersEqual: same };
      log(`  ${count} types batched: ${batch.ms.toFixed(0)} ms, answers ${same ? 'equal' : 'DIFFER'}`);
    }
    log(
      `  ${count} types: ${naive.ms.toFixed(0)} ms → ${reuse.ms.toFixed(0)} ms (${row.speedup.toFixed(2)}×), ` +
        `prefill ${naive.prefillTokens} → ${reuse.prefillTokens} tokens (${naive.prefillMs.toFixed(0)} → ${reuse.prefillMs.toFixed(0)} ms), ` +
        `decode ${reuse.decodeTokens} tokens (${naive.decodeMs.toFixed(0)} → ${reuse.decodeMs.toFixed(0)} ms), ` +
        `answers ${row.answersEqual ? 'equal' : 'DIFFER'}, best of ${naiveRuns.length}`,
    );
    rows.push(row);
  }
  return rows;
}

/** A {@link RunOnce} over a Node engine. */
export function nodeRunner(engine: NodeEngine, passage: string, maxNewTokens: number): RunOnce {
  return async (types, reusePrefix, batchSize) => {
    const answers = new Map<string, string>();
    const started = performance.now();
    const done = await engine.extract(
      {
        passage,
        entityTypes: types,
        options: { constrain: true, maxNewTokens, reusePrefix, ...(batchSize ? { batchSize } : {}) },
      },
      (event) => {
        if (event.type === 'type-done') answers.set(event.entityType, JSON.stringify(event.rawAnswers));
      },
    );
    const ms = performance.now() - started;
    return {
      ms,
      prefillTokens: done.stats.prefillTokens,
      decodeTokens: done.stats.decodeTokens,
      prefillMs: done.stats.prefillMs,
      decodeMs: done.stats.decodeMs,
      answers: types.map((t) => answers.get(t) ?? '(no answer)'),
    };
  };
}

/**
 * Sections 1 and 2 in one pass: the prefix-reuse runs, with the step hooks recording, give both the
 * model's decode-step time and the constraint's per-call time over the same decoding.
 */
export async function nodePrefixReuseAndConstraint(options: {
  readonly source: string;
  readonly dtype: 'q4' | 'fp32';
  readonly passage: string;
  readonly types: readonly string[];
  readonly counts: readonly number[];
  readonly maxNewTokens: number;
  readonly log: (line: string) => void;
  readonly repeats?: (count: number) => number;
}): Promise<{ rows: PrefixReuseRow[]; constraint: ConstraintFigures }> {
  const timing = installStepTiming();
  try {
    const engine = await createNodeEngine({ source: options.source, dtype: options.dtype });
    const run = nodeRunner(engine, options.passage, options.maxNewTokens);
    timing.recording = true;
    const rows = await comparePrefixReuse(
      run,
      options.types,
      options.counts,
      options.log,
      options.repeats,
      true,
    );
    timing.recording = false;
    const { decodeStepMs, constraintMs } = timing.times;
    const stepMs = mean(decodeStepMs);
    const constraint: ConstraintFigures = {
      stepMs,
      constraintMs: mean(constraintMs),
      ratio: stepMs > 0 ? mean(constraintMs) / stepMs : 0,
      steps: decodeStepMs.length,
      calls: constraintMs.length,
      constraintMaxMs: Math.max(0, ...constraintMs),
    };
    return { rows, constraint };
  } finally {
    timing.uninstall();
  }
}

/** Section 3: time to the first `type-partial` of one request against its whole duration. */
export async function firstEntity(options: {
  readonly source: string;
  readonly passage: string;
  readonly types: readonly string[];
}): Promise<FirstEntityFigures> {
  const engine = await createNodeEngine({ source: options.source, dtype: 'fp32' });
  const extract = (onEvent?: (event: EngineEvent) => void) =>
    engine.extract(
      {
        passage: options.passage,
        entityTypes: options.types,
        options: { constrain: true, maxNewTokens: 256 },
      },
      onEvent,
    );
  await extract(); // warm-up
  let firstAt: number | undefined;
  const started = performance.now();
  await extract((event) => {
    if (event.type === 'type-partial' && firstAt === undefined) firstAt = performance.now();
  });
  const totalMs = performance.now() - started;
  if (firstAt === undefined) throw new Error('the request streamed no entity (type-partial) at all');
  return { firstEntityMs: firstAt - started, totalMs, types: options.types.length };
}
