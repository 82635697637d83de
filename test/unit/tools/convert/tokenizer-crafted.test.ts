/**
 * Crafted vocabularies (issue #23): SentencePiece merge derivation stays linear in the vocabulary's
 * length (one 1M-character token took over 300 s before), and GPT-2-style merges whose parts or
 * result are not tokens are refused by name instead of silently dropping text.
 */
import { describe, expect, it } from 'vitest';
import type { GgufValue } from '../../../../tools/convert/gguf/read';
import { tokenizerFilesFromGguf } from '../../../../tools/convert/tokenizer/from-gguf';
import { TokenType, type GgufVocab } from '../../../../tools/convert/tokenizer/gguf-vocab';
import { spmMerges } from '../../../../tools/convert/tokenizer/spm';

function spmVocab(tokens: string[]): GgufVocab {
  return {
    model: 'llama',
    tokens,
    scores: tokens.map((_, i) => -i),
    tokenTypes: tokens.map(() => TokenType.NORMAL),
    merges: [],
  } as unknown as GgufVocab;
}

describe('SentencePiece merges', () => {
  const base = ['▁', 'a', 'b', 'ab', '▁ab', 'aa', 'aaaa', '😀', '😀a'];

  it('derives the splits whose both parts are symbols, a surrogate pair counted as one character', () => {
    expect(spmMerges(spmVocab(base))).toEqual([
      ['a', 'b'],
      ['▁', 'ab'],
      ['a', 'a'],
      ['aa', 'aa'], // not a + aaa: "aaa" is no token
      ['😀', 'a'],
    ]);
  });

  it('a 1,000,000-character token costs one pass, not a copy and hash per split', () => {
    const plain = spmMerges(spmVocab(base));
    const started = performance.now();
    const crafted = spmMerges(spmVocab([...base, `▁${'a'.repeat(1_000_000)}`]));
    const ms = performance.now() - started;
    // Its only splits with two symbols would need a 999,999-character token: there are none.
    expect(crafted).toEqual(plain);
    expect(ms).toBeLessThan(2000);
  });
});

describe('GPT-2-style merges', () => {
  const metadata = (merges: string[]): Record<string, GgufValue> => ({
    'general.architecture': 'llama',
    'tokenizer.ggml.model': 'gpt2',
    'tokenizer.ggml.pre': 'smollm',
    'tokenizer.ggml.tokens': ['<|endoftext|>', 'a', 'b', 'ab', 'q', 'z'],
    'tokenizer.ggml.token_type': [3, 1, 1, 1, 1, 1],
    'tokenizer.ggml.merges': merges,
    'tokenizer.ggml.eos_token_id': 0,
  });

  it('accepts merges that join two tokens into a token', () => {
    expect(() => tokenizerFilesFromGguf(metadata(['a b']))).not.toThrow();
  });

  it('refuses a merge whose result is not in the vocabulary, naming it', () => {
    expect(() => tokenizerFilesFromGguf(metadata(['a b', 'q z']))).toThrow(
      /tokenizer\.ggml\.merges\[1\] "q z" uses or makes "qz", which is not in tokenizer\.ggml\.tokens/,
    );
  });

  it('refuses a merge of a part that is not a token', () => {
    expect(() => tokenizerFilesFromGguf(metadata(['x b']))).toThrow(/merges\[0\] "x b" uses or makes "x"/);
  });
});
