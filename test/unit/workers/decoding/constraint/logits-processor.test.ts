import { describe, expect, it } from 'vitest';
import { LogitsProcessorList, Tensor } from '@huggingface/transformers';
import llamaTokenizer from 'llama-tokenizer-js';
import { JsonListLogitsProcessor } from '../../../../../workers/decoding/constraint/logits-processor';
import { createConstraintProcessor } from '../../../../../workers/decoding/constraint/engine-adapter';
import { LLAMA_EOS, llamaTokenTable, seededRandom } from './helpers';

const PASSAGE = 'Barack Obama was born in Honolulu, Hawaii. "Quoted" text, café, 東京.';
const VOCAB = 32000;
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Drives a processor the way `generate` does: `bigint[][]` ids (prompt + generated), a fresh float32
 * `[batch, vocab]` logits tensor per step, greedy argmax per row, stop when every row's last id is EOS.
 */
function fakeGenerate(
  apply: (ids: bigint[][], logits: Tensor) => Tensor,
  batch: number,
  promptLength: number,
  maxNewTokens: number,
  seed: number,
) {
  const rand = seededRandom(seed);
  const ids: bigint[][] = Array.from({ length: batch }, () =>
    Array.from({ length: promptLength }, (_, i) => BigInt(100 + i)),
  );
  for (let step = 0; step < maxNewTokens; step++) {
    const data = new Float32Array(batch * VOCAB);
    for (let i = 0; i < data.length; i++) data[i] = rand() * 10;
    const out = apply(ids, new Tensor('float32', data, [batch, VOCAB]));
    for (let r = 0; r < batch; r++) {
      const row = (out.data as Float32Array).subarray(r * VOCAB, (r + 1) * VOCAB);
      let best = 0;
      for (let i = 1; i < VOCAB; i++) if ((row[i] as number) > (row[best] as number)) best = i;
      ids[r]?.push(BigInt(best));
    }
    if (ids.every((row) => row.at(-1) === BigInt(LLAMA_EOS))) break;
  }
  return ids.map((row) => row.slice(promptLength).map(Number));
}

function answerText(generated: number[]): string {
  const table = llamaTokenTable();
  const end = generated.indexOf(LLAMA_EOS);
  expect(end).toBeGreaterThanOrEqual(0);
  const bytes = generated.slice(0, end).flatMap((id) => [...(table.tokenBytes[id] ?? [])]);
  return decoder.decode(Uint8Array.from(bytes));
}

describe('JsonListLogitsProcessor', () => {
  for (const greedy of [false, true]) {
    it(`constrains every row of a batch (greedy shortcut ${greedy ? 'on' : 'off'})`, () => {
      const processor = new JsonListLogitsProcessor(llamaTokenTable(), PASSAGE, {
        eosTokenId: LLAMA_EOS,
        maxNewTokens: 40,
        greedy,
      });
      const list = new LogitsProcessorList();
      list.push(processor);
      const rows = fakeGenerate((ids, logits) => list(ids, logits) as Tensor, 3, 7, 40, greedy ? 1 : 2);
      for (const generated of rows) {
        const parsed = JSON.parse(answerText(generated)) as string[];
        for (const s of parsed) expect(PASSAGE.includes(s)).toBe(true);
        // A row that finished early keeps emitting EOS while the others go on.
        expect(generated.slice(generated.indexOf(LLAMA_EOS)).every((id) => id === LLAMA_EOS)).toBe(true);
      }
      // generate never calls the processor after the last sampled token, so a row's constraint may not
      // have seen its final EOS: judge the ids, not isComplete().
      expect(processor.constraints).toHaveLength(3);
    });
  }

  it('sets disallowed logits to -Infinity in place and keeps allowed ones', () => {
    const processor = new JsonListLogitsProcessor(llamaTokenTable(), PASSAGE, {
      eosTokenId: LLAMA_EOS,
      maxNewTokens: 16,
    });
    const data = new Float32Array(VOCAB + 5).fill(1); // logits wider than the vocabulary
    const logits = new Tensor('float32', data, [1, VOCAB + 5]);
    expect(processor([[1n, 2n, 3n]], logits)).toBe(logits);
    const allowed = [...data.keys()].filter((i) => data[i] !== -Infinity);
    expect(allowed.length).toBeGreaterThan(0);
    expect(allowed.every((i) => i < VOCAB && data[i] === 1)).toBe(true);
    expect(new Set(allowed)).toEqual(new Set(processor.constraints[0]?.allowedTokens()));
  });

  it('is what createConstraintProcessor builds for the extractor', () => {
    const lm = { tokenizer: fakeLlamaTokenizer(), eosTokenIds: [LLAMA_EOS] };
    const processor = createConstraintProcessor(lm, PASSAGE, 5, 32);
    const [generated] = fakeGenerate((ids, logits) => processor(ids, logits) as Tensor, 1, 5, 32, 9);
    expect(Array.isArray(JSON.parse(answerText(generated ?? [])))).toBe(true);
  });
});

/** The LLaMA vocabulary behind the members of a transformers.js tokenizer that the table reads. */
function fakeLlamaTokenizer() {
  return {
    get_vocab: () => new Map(llamaTokenizer.vocabById.map((piece, id) => [piece, id] as const)),
    all_special_ids: [0, 1, 2],
    _tokenizerJSON: {
      decoder: {
        type: 'Sequence',
        decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }],
      },
    },
  };
}
