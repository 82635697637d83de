/**
 * Entity confidence scores end to end in Node: the model's own token probabilities, recorded before
 * constrained decoding masks the logits, the same whether the prefix is reused, re-encoded or batched,
 * and on every streamed and final entity.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamicCache, Tensor } from '@huggingface/transformers';
import { doneByType, engineFor, extractEvents } from './engine-helpers';
import { ensureFixtures } from '../../../../tools/fixtures/ensure';
import { TINY_LLAMA_DIR } from '../../../../tools/fixtures/paths';
import { loadCausalLm } from '../../../../workers/loading/model-loader';
import { resolveSource } from '../../../../workers/loading/model-source';
import { answer, answerBatch, encodePrefix } from '../../../../workers/decoding/generation';
import type { CausalLm } from '../../../../workers/runtime/causal-lm';
import { createConstraintProcessor } from '../../../../workers/decoding/constraint/engine-adapter';
import { encodePrompts } from '../../../../workers/text/prompt-encoding';
import type { FoundEntity, FromWorker } from '../../../../workers/protocol';

const PASSAGE = 'Barack Obama was born in Hawaii. Later, Obama moved to Chicago, far from Hawaii.';
/** Float noise between a prefix-reusing, a re-encoding and a batched run, in log-probability. */
const LOG_NOISE = 1e-4;

function scoresOf(entities: readonly FoundEntity[]): Record<string, number | undefined> {
  return Object.fromEntries(entities.map((e) => [e.text, e.score]));
}

describe('scripted-llama: scores on every entity event', () => {
  it.each([true, false])('are near 1 for its certain answers (constrained %s)', async (constrain) => {
    const engine = await engineFor('scripted');
    const events = await extractEvents(engine, PASSAGE, ['person', 'location'], { constrain });
    const withEntities = events.filter(
      (e): e is Extract<FromWorker, { type: 'type-partial' | 'type-done' }> =>
        e.type === 'type-partial' || e.type === 'type-done',
    );
    expect(withEntities.length).toBe(6);
    for (const event of withEntities) {
      for (const entity of event.entities) {
        // The scripted model puts all its weight on the scripted token (measured: 1 - 4e-10).
        expect(entity.score).toBeGreaterThan(0.999);
        expect(entity.score).toBeLessThanOrEqual(1);
      }
    }
    expect(Object.keys(scoresOf(doneByType(events).get('person')!.entities))).toEqual([
      'Barack Obama',
      'Hawaii',
    ]);
  });
});

describe('tiny-llama (random weights): the recorded log-probabilities', () => {
  let lm: CausalLm;
  const passage = 'Ada Lovelace worked with Charles Babbage on the Analytical Engine in London.';
  const types = ['person', 'location', 'programming language'];
  const maxNewTokens = 16;

  beforeAll(async () => {
    ensureFixtures();
    ({ lm } = await loadCausalLm({
      source: resolveSource(TINY_LLAMA_DIR, { allowLocal: true }),
      device: 'cpu',
      dtype: 'fp32',
    }));
  });
  afterAll(async () => {
    await lm.model.dispose();
  });

  const constraint = (promptLength: number) =>
    createConstraintProcessor(lm, passage, promptLength, maxNewTokens);

  /** log-softmax of the unconstrained model at each answer position, by one forward pass (teacher forcing). */
  async function teacherForced(
    promptIds: readonly number[],
    answerIds: readonly number[],
  ): Promise<number[]> {
    const ids = [...promptIds, ...answerIds];
    const outputs = (await lm.model.forward({
      input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
      past_key_values: new DynamicCache(),
    })) as { logits: Tensor };
    const logits = outputs.logits.data as Float32Array;
    const vocab = outputs.logits.dims.at(-1)!;
    return answerIds.map((id, i) => {
      const row = logits.subarray((promptIds.length - 1 + i) * vocab, (promptIds.length + i) * vocab);
      let max = -Infinity;
      for (const x of row) max = Math.max(max, x);
      let sum = 0;
      for (const x of row) sum += Math.exp(x - max);
      return (row[id] as number) - max - Math.log(sum);
    });
  }

  it('are the model’s own probabilities under constrained decoding, not the constraint’s', async () => {
    const { prompts } = encodePrompts(lm.tokenizer, 'uniner', passage, types);
    let forcedSteps = 0;
    for (const prompt of prompts) {
      const result = await answer(lm, {
        promptIds: prompt.ids,
        maxNewTokens,
        logitsProcessor: constraint(prompt.ids.length),
      });
      expect(result.logProbs).toHaveLength(result.generatedIds.length);
      const expected = await teacherForced(prompt.ids, result.generatedIds);
      result.logProbs.forEach((logProb, i) => expect(logProb).toBeCloseTo(expected[i]!, 4));
      // Random weights rarely pick what the constraint allows: renormalised, those steps would read ~0.
      forcedSteps += result.logProbs.filter((lp) => lp < Math.log(0.5)).length;
    }
    expect(forcedSteps).toBeGreaterThan(0);
  });

  it.each([true, false])(
    'are the same with a reused prefix, a full re-encode and a batch (constrained %s)',
    async (constrain) => {
      const { prompts, prefixIds } = encodePrompts(lm.tokenizer, 'uniner', passage, types);
      const prefix = await encodePrefix(lm, prefixIds);
      const longest = Math.max(...prompts.map((p) => p.ids.length));
      const single = async (withPrefix: boolean) => {
        const results = [];
        for (const prompt of prompts) {
          results.push(
            await answer(lm, {
              promptIds: prompt.ids,
              maxNewTokens,
              ...(withPrefix ? { prefix } : {}),
              ...(constrain ? { logitsProcessor: constraint(prompt.ids.length) } : {}),
            }),
          );
        }
        return results;
      };
      const reEncoded = await single(false);
      const reused = await single(true);
      const streamed: number[][] = prompts.map(() => []);
      const batched = await answerBatch(lm, {
        prompts: prompts.map((p) => p.ids),
        prefix,
        maxNewTokens,
        ...(constrain ? { logitsProcessor: constraint(longest) } : {}),
        onToken: (row, id, logProb) => {
          if (!lm.eosTokenIds.includes(id)) streamed[row]!.push(logProb);
        },
      });
      for (const [row, base] of reEncoded.entries()) {
        for (const other of [reused[row]!, batched[row]!]) {
          expect(other.generatedIds).toEqual(base.generatedIds);
          other.logProbs.forEach((lp, i) => expect(Math.abs(lp - base.logProbs[i]!)).toBeLessThan(LOG_NOISE));
        }
        expect(streamed[row]).toEqual(batched[row]!.logProbs);
        for (const lp of base.logProbs) expect(lp).toBeLessThanOrEqual(0);
      }
    },
  );
});

describe('through the engine: entity scores on every path', () => {
  // The exact equality of the log-probabilities is tested on tiny-llama above; here the scores must
  // reach the events on every path (tiny-llama's constrained answers, random, rarely keep an item).
  const types = ['person', 'location', 'organization'];

  it.each([true, false])(
    'are equal with prefix reuse, full re-encode and batches, and deterministic (scripted-llama, constrained %s)',
    async (constrain) => {
      const engine = await engineFor('scripted');
      const runs: Map<string, Extract<FromWorker, { type: 'type-done' }>>[] = [];
      for (const extra of [
        { reusePrefix: true },
        { reusePrefix: false },
        { batchSize: 3 },
        { reusePrefix: true },
      ]) {
        runs.push(doneByType(await extractEvents(engine, PASSAGE, types, { constrain, ...extra })));
      }
      const [base, ...others] = runs;
      for (const type of types) {
        const expected = scoresOf(base!.get(type)!.entities);
        expect(Object.keys(expected)).toEqual(['Barack Obama', 'Hawaii']);
        for (const other of others) {
          const actual = scoresOf(other.get(type)!.entities);
          expect(Object.keys(actual)).toEqual(Object.keys(expected));
          for (const [text, score] of Object.entries(expected)) {
            expect(Math.abs(Math.log(actual[text]!) - Math.log(score!))).toBeLessThan(LOG_NOISE);
          }
        }
      }
    },
  );
});
