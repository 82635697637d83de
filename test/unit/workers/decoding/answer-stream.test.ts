/**
 * The answer stream on the real LLaMA tokenizer: entities as their closing quote arrives, and each
 * entity's score from the tokens that spell it (content and closing quote).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AutoTokenizer, type PreTrainedTokenizer } from '@huggingface/transformers';
import { AnswerStream } from '../../../../workers/decoding/answer-stream';
import { ensureFixtures } from '../../../fixtures/ensure';
import { TINY_LLAMA_DIR } from '../../../fixtures/paths';

const EOS = 2;
let tokenizer: PreTrainedTokenizer;

beforeAll(async () => {
  ensureFixtures();
  tokenizer = await AutoTokenizer.from_pretrained(TINY_LLAMA_DIR);
});

/** The answer's token ids and the text each token decodes to on its own (for choosing probabilities). */
function tokensOf(answer: string): { ids: number[]; pieces: string[] } {
  const ids = tokenizer.encode(answer, { add_special_tokens: false });
  const pieces = ids.map((id) => tokenizer.decode([id]));
  return { ids, pieces };
}

describe('AnswerStream scores', () => {
  it('scores each entity by its weakest token: content and closing quote, not the opening bracket', () => {
    const { ids, pieces } = tokensOf('["Barack Obama", "Hawaii"]');
    // Every token gets a probability of its own, so the minimum says which tokens were used.
    const probs = ids.map((_, i) => 0.99 - i * 0.01);
    const stream = new AnswerStream(tokenizer, [EOS]);
    const partial: number[] = [];
    ids.forEach((id, i) => {
      if (stream.push(id, Math.log(probs[i]!)).includes('Barack Obama'))
        partial.push(stream.scores().get('Barack Obama')!);
    });
    stream.push(EOS, 0);
    const final = stream.finish();
    expect(final.text).toBe('["Barack Obama", "Hawaii"]');
    expect(final.entities).toEqual(['Barack Obama', 'Hawaii']);
    const decoded = pieces.join('');
    expect(decoded.replace(/ /g, '')).toBe('["BarackObama","Hawaii"]');
    // The closing quote of "Barack Obama" sits in the token that holds its `"`: the weakest of
    // Obama's tokens is that one (probabilities decrease along the answer).
    const closeObama = pieces.findIndex(
      (p, i) => i > 0 && p.includes('"') && pieces.slice(0, i).join('').includes('Obama'),
    );
    const closeHawaii = pieces.length - 1 - [...pieces].reverse().findIndex((p) => p.includes('"'));
    expect(final.scores.get('Barack Obama')).toBeCloseTo(probs[closeObama]!, 10);
    expect(final.scores.get('Hawaii')).toBeCloseTo(probs[closeHawaii]!, 10);
    // Streamed as soon as the entity completed, with the same score as at the end.
    expect(partial).toEqual([final.scores.get('Barack Obama')]);
  });

  it('ignores a low-probability opening `["` and counts a low first content token', () => {
    const { ids, pieces } = tokensOf('["Hawaii"]');
    const first = pieces.findIndex((p) => /H/.test(p));
    const bracket = pieces.findIndex((p) => p.includes('['));
    expect(first).toBeGreaterThan(bracket);
    const run = (low: number) => {
      const stream = new AnswerStream(tokenizer, [EOS]);
      ids.forEach((id, i) => stream.push(id, i === low ? Math.log(0.01) : Math.log(0.9)));
      return stream.finish().scores.get('Hawaii')!;
    };
    expect(run(bracket)).toBeCloseTo(0.9, 10);
    expect(run(first)).toBeCloseTo(0.01, 10);
  });

  it('keeps the highest score of a string given twice', () => {
    const { ids, pieces } = tokensOf('["Hawaii", "Hawaii"]');
    const secondStart = pieces.lastIndexOf(pieces.find((p) => /H/.test(p))!);
    const stream = new AnswerStream(tokenizer, [EOS]);
    ids.forEach((id, i) => stream.push(id, Math.log(i < secondStart ? 0.3 : 0.8)));
    const final = stream.finish();
    expect(final.entities).toEqual(['Hawaii', 'Hawaii']);
    expect(final.scores.get('Hawaii')).toBeCloseTo(0.8, 10);
  });

  it('scores an entity spelled with byte tokens (a multi-byte character) and escapes', () => {
    // LLaMA spells 🍰 with four byte tokens; the middle ones decode to nothing new (U+FFFD).
    const { ids, pieces } = tokensOf('["🍰 \\"cake\\"", "café"]');
    const bytes = pieces.flatMap((p, i) => (p === '\uFFFD' ? [i] : []));
    expect(bytes).toHaveLength(4);
    for (const low of bytes) {
      const stream = new AnswerStream(tokenizer, [EOS]);
      ids.forEach((id, i) => stream.push(id, Math.log(i === low ? 0.05 : 0.5)));
      const final = stream.finish();
      expect(final.entities).toEqual(['🍰 "cake"', 'café']);
      expect(final.scores.get('🍰 "cake"')).toBeCloseTo(0.05, 10);
      expect(final.scores.get('café')).toBeCloseTo(0.5, 10);
    }
  });

  it('gives no scores when no probabilities were pushed', () => {
    const stream = new AnswerStream(tokenizer, [EOS]);
    for (const id of tokensOf('["Hawaii"]').ids) stream.push(id);
    const final = stream.finish();
    expect(final.entities).toEqual(['Hawaii']);
    expect(final.scores.size).toBe(0);
  });
});
