/**
 * The answer stream on the real LLaMA tokenizer: entities as their closing quote arrives, and each
 * entity's score from the tokens that spell it (content and closing quote).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AutoTokenizer, type PreTrainedTokenizer } from '@huggingface/transformers';
import { AnswerStream, listReadingDecided } from '../../../../workers/decoding/answer-stream';
import { ensureFixtures } from '../../../../tools/fixtures/ensure';
import { TINY_LLAMA_DIR } from '../../../../tools/fixtures/paths';

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

/** Streams `answer` with probability `probs[i]` on token i; returns the finished answer. */
function streamWith(answer: string, prob: (index: number) => number) {
  const stream = new AnswerStream(tokenizer, [EOS]);
  tokensOf(answer).ids.forEach((id, i) => stream.push(id, Math.log(prob(i))));
  stream.push(EOS, 0);
  return stream.finish();
}

describe('AnswerStream scores', () => {
  // LLaMA tokens: 0 `["`, 1 `Bar`, 2 `ack`, 3 ` Ob`, 4 `ama`, 5 `",`, 6 ` "`, 7 `H`, 8 `aw`, 9 `ai`,
  // 10 `i`, 11 `"]`.
  const ANSWER = '["Barack Obama", "Hawaii"]';

  it('counts the content tokens and the one holding the closing quote, not a lone opening quote', () => {
    const { ids, pieces } = tokensOf(ANSWER);
    expect(pieces[0]).toBe('["');
    expect(pieces[6]!.trim()).toBe('"'); // decoded alone, its leading space is stripped
    const counted = new Map<string, number[]>();
    for (let low = 0; low < ids.length; low++) {
      const final = streamWith(ANSWER, (i) => (i === low ? 0.5 : 1));
      for (const [text, score] of final.scores) {
        if (score < 1) counted.set(text, [...(counted.get(text) ?? []), low]);
      }
    }
    expect(Object.fromEntries(counted)).toEqual({
      'Barack Obama': [1, 2, 3, 4, 5],
      Hawaii: [7, 8, 9, 10, 11],
    });
  });

  it('is the joint probability of those tokens, streamed as soon as the entity completes', () => {
    const { ids } = tokensOf(ANSWER);
    const probs = ids.map((_, i) => 0.99 - i * 0.03);
    const stream = new AnswerStream(tokenizer, [EOS]);
    const partial: number[] = [];
    ids.forEach((id, i) => {
      if (stream.push(id, Math.log(probs[i]!)).includes('Barack Obama'))
        partial.push(stream.scores().get('Barack Obama')!);
    });
    const final = stream.finish();
    expect(final.text).toBe(ANSWER);
    expect(final.entities).toEqual(['Barack Obama', 'Hawaii']);
    const product = (from: number, to: number) => probs.slice(from, to + 1).reduce((a, b) => a * b, 1);
    expect(final.scores.get('Barack Obama')).toBeCloseTo(product(1, 5), 12);
    expect(final.scores.get('Hawaii')).toBeCloseTo(product(7, 11), 12);
    expect(partial).toEqual([final.scores.get('Barack Obama')]);
  });

  it('keeps the highest score of a string given twice', () => {
    // Tokens 1..5 spell the first "Hawaii" and its closing quote, 7..11 the second.
    const final = streamWith('["Hawaii", "Hawaii"]', (i) => (i < 6 ? 0.3 : 0.8));
    expect(final.entities).toEqual(['Hawaii', 'Hawaii']);
    expect(final.scores.get('Hawaii')).toBeCloseTo(0.8 ** 5, 12);
  });

  it('scores an entity spelled with byte tokens (a multi-byte character) and escapes', () => {
    // LLaMA spells 🍰 with four byte tokens; the middle ones decode to nothing new (U+FFFD).
    const answer = '["🍰 \\"cake\\"", "café"]';
    const bytes = tokensOf(answer).pieces.flatMap((p, i) => (p === '\uFFFD' ? [i] : []));
    expect(bytes).toHaveLength(4);
    for (const low of bytes) {
      const final = streamWith(answer, (i) => (i === low ? 0.05 : 1));
      expect(final.entities).toEqual(['🍰 "cake"', 'café']);
      expect(final.scores.get('🍰 "cake"')).toBeCloseTo(0.05, 12);
      expect(final.scores.get('café')).toBe(1);
    }
  });

  it('gives no scores when no probabilities were pushed', () => {
    const stream = new AnswerStream(tokenizer, [EOS]);
    for (const id of tokensOf('["Hawaii"]').ids) stream.push(id);
    const final = stream.finish();
    expect(final.entities).toEqual(['Hawaii']);
    expect(final.scores.size).toBe(0);
  });

  it('an answer that is EOS at once is empty text with no entities (not a tokenizer error)', () => {
    const stream = new AnswerStream(tokenizer, [EOS]);
    expect(stream.push(EOS, -0.1)).toEqual([]);
    const final = stream.finish();
    expect(final.text).toBe('');
    expect(final.entities).toEqual([]);
    expect(stream.listReadingDecided()).toBe(false);
  });
});

describe('listReadingDecided', () => {
  it('is undecided while the answer is whitespace or an open list on its first line', () => {
    for (const text of ['', ' ', '\n\t', '\x1c\x85 ', '[', ' ["Obama", "Haw', '[\r"a'])
      expect(listReadingDecided(text), JSON.stringify(text)).toBe(false);
  });
  it('is decided by text before the list, the first ], or a line break inside the list', () => {
    for (const text of ['A', ' The text', '\n\nSure', '[]', ' ["a]b', '["a"]\n["b"]', '["a",\n', '{"a"'])
      expect(listReadingDecided(text), JSON.stringify(text)).toBe(true);
  });
});
