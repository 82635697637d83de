/**
 * The engine on a real model: SmolLM2-135M-Instruct (LLaMA architecture, chat template, eos
 * `<|im_end|>` = 2), converted by tools/convert from its GGUF, on passages of the UniNER evaluation
 * fixtures. A weak 135M model answers what it answers; these tests pin the engine's invariants on
 * real weights instead: prefix reuse equals a full re-encode, batched equals one at a time,
 * constrained answers are valid lists of passage substrings whose spans slice the passage exactly,
 * and the same request gives the same answers twice. The answers are printed for the log.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { doneByType, extractEvents } from './engine-helpers';
import { expectValidKeptItems } from '../decoding/constraint/helpers';
import { ensureSmolLM2Onnx } from '../../../../tools/fixtures/real-model';
import {
  CROSSNER_AI_CASE,
  MIT_RESTAURANT_CASE,
  REAL_MODEL_CASES,
  evalQuestions,
  type RealModelCase,
} from '../../../fixtures/real-model-expectations';
import { createNodeEngine, type NodeEngine } from '../../../../workers/node-engine';
import type { Dtype, ExtractOptions, FromWorker } from '../../../../workers/protocol';

/** Converting the model the first time takes ~20 s; a busy 2-core machine makes every step slower. */
const SLOW = 180_000;

const engines = new Map<Dtype, Promise<NodeEngine>>();
let modelDir = '';

function smolEngine(dtype: Dtype): Promise<NodeEngine> {
  let engine = engines.get(dtype);
  if (!engine) {
    engine = createNodeEngine({ source: modelDir, dtype });
    engines.set(dtype, engine);
  }
  return engine;
}

interface Run {
  /** Raw answers per type, in the order of the request's types. */
  readonly answers: string[][];
  readonly events: FromWorker[];
  readonly done: Extract<FromWorker, { type: 'done' }>;
}

async function run(
  engine: NodeEngine,
  { passage, types }: RealModelCase,
  options: Partial<ExtractOptions>,
): Promise<Run> {
  const events = await extractEvents(engine, passage, types, options);
  const byType = doneByType(events);
  const answers = types.map((t) => [...(byType.get(t)?.rawAnswers ?? [])]);
  return { answers, events, done: events.at(-1) as Extract<FromWorker, { type: 'done' }> };
}

function show(label: string, c: RealModelCase, r: Run): void {
  const lines = c.types.map((t, i) => `  ${t}: ${JSON.stringify(r.answers[i])}`).join('\n');
  console.log(
    `[smollm2-135m ${label}] ${JSON.stringify(c.passage)} (${Math.round(r.done.stats.ms)} ms, ` +
      `${r.done.stats.prefillTokens} prefill + ${r.done.stats.decodeTokens} decode tokens)\n${lines}`,
  );
}

/** Checks (c): every constrained answer is a JSON list of distinct passage substrings, spans exact. */
function expectValidConstrained(c: RealModelCase, r: Run): void {
  const byType = doneByType(r.events);
  for (const type of c.types) {
    const result = byType.get(type)!;
    expect(result.rawAnswers).toHaveLength(1);
    expect(result.malformed).toBeUndefined();
    const strings = expectValidKeptItems(
      result.rawAnswers[0]!,
      result.entities.map((e) => e.text),
      c.passage,
    );
    expect(result.entities.map((e) => e.text)).toEqual(strings);
    for (const entity of result.entities) {
      expect(entity.spans.length).toBeGreaterThan(0);
      for (const span of entity.spans) expect(c.passage.slice(span.start, span.end)).toBe(entity.text);
    }
  }
}

beforeAll(async () => {
  modelDir = await ensureSmolLM2Onnx();
}, SLOW);

describe('SmolLM2-135M-Instruct (real weights) through the engine', () => {
  it('the passages and types are questions of the UniNER evaluation fixtures', () => {
    for (const c of REAL_MODEL_CASES) {
      const questions = evalQuestions(c.file);
      for (const type of c.types) expect(questions.has(`${c.passage}\t${type}`)).toBe(true);
    }
  });

  it(
    'loads as a generic model asked the UniNER way (Automatic, by measurement); answers may end at <|im_end|>',
    { timeout: SLOW },
    async () => {
      const engine = await smolEngine('q4');
      expect(engine.ready.model).toMatchObject({ promptStyle: 'uniner', isUniner: false, dtype: 'q4' });
      expect(engine.ready.model.promptStyleReason).toMatch(/measured/);
      const { lm } = (engine.handler as unknown as { loaded: { lm: { eosTokenIds: number[] } } }).loaded;
      expect(lm.eosTokenIds).toContain(2);
    },
  );

  it.each(REAL_MODEL_CASES.map((c) => [c.file, c] as const))(
    'q4, constrained (%s): reuse = re-encode = batched, valid lists with exact spans, deterministic',
    async (_file, c) => {
      const engine = await smolEngine('q4');
      const options = { constrain: true, maxNewTokens: 24 };
      const reused = await run(engine, c, { ...options, reusePrefix: true });
      show('q4 constrained', c, reused);
      const naive = await run(engine, c, { ...options, reusePrefix: false });
      const batched = await run(engine, c, { ...options, batchSize: c.types.length });
      // (d) on one passage (the unconstrained test repeats itself too): the log stays under a minute.
      const again = c === CROSSNER_AI_CASE ? await run(engine, c, { ...options, reusePrefix: true }) : reused;
      // (a) prefix reuse = full re-encode, with fewer prefill tokens
      expect(naive.answers).toEqual(reused.answers);
      expect(reused.done.stats.prefillTokens).toBeLessThan(naive.done.stats.prefillTokens);
      // (b) batched = one at a time
      expect(batched.answers).toEqual(reused.answers);
      // (d) deterministic
      expect(again.answers).toEqual(reused.answers);
      // (c) valid answers, spans that slice the passage to their text
      for (const r of [reused, naive, batched]) expectValidConstrained(c, r);
      // Every answer ended with EOS inside the budget (so the model's eos id is honoured).
      expect(reused.done.stats.decodeTokens).toBeLessThan(c.types.length * options.maxNewTokens);
    },
    SLOW,
  );

  it('q4, unconstrained: reuse = re-encode = batched, deterministic', { timeout: SLOW }, async () => {
    const engine = await smolEngine('q4');
    const c = CROSSNER_AI_CASE;
    const options = { constrain: false, maxNewTokens: 12 };
    const reused = await run(engine, c, { ...options, reusePrefix: true });
    show('q4 unconstrained', c, reused);
    const naive = await run(engine, c, { ...options, reusePrefix: false });
    const batched = await run(engine, c, { ...options, batchSize: c.types.length });
    const again = await run(engine, c, { ...options, reusePrefix: true });
    expect(naive.answers).toEqual(reused.answers);
    expect(batched.answers).toEqual(reused.answers);
    expect(again.answers).toEqual(reused.answers);
    for (const answers of reused.answers) expect(answers[0]!.length).toBeGreaterThan(0);
  });

  it.each([true, false])(
    'fp32 (constrained %s): reuse = re-encode',
    async (constrain) => {
      const engine = await smolEngine('fp32');
      const c = MIT_RESTAURANT_CASE;
      const options = { constrain, maxNewTokens: constrain ? 24 : 8 };
      const reused = await run(engine, c, { ...options, reusePrefix: true });
      show(`fp32 ${constrain ? 'constrained' : 'unconstrained'}`, c, reused);
      const naive = await run(engine, c, { ...options, reusePrefix: false });
      expect(naive.answers).toEqual(reused.answers);
      if (constrain) expectValidConstrained(c, reused);
    },
    SLOW,
  );
});
