/**
 * `tokenizer.ggml.model == "llama"`: SentencePiece (LLaMA / LLaMA-2 32k, UniNER) as a Hugging Face BPE
 * with byte fallback. llama.cpp's SPM tokenizer (llama-vocab.cpp, `llm_tokenizer_spm_session`) starts
 * from UTF-8 characters and repeatedly merges the adjacent pair whose concatenation is a token with
 * the highest score (leftmost on ties); characters left without a token become <0xNN> byte tokens.
 * The same result comes from a BPE whose merge list holds every (left, right) split of every token,
 * ranked by the token's score: that is how the merges are derived here.
 */
import { vocabObject } from './bpe';
import { TokenType, type GgufVocab } from './gguf-vocab';

/**
 * Every split of every mergeable token into two parts llama.cpp could hold as symbols, best score
 * first. Linear in the vocabulary's total length: a part is only looked up when some token has its
 * length (or it is one character), so one 1M-character token costs one pass over it, not a copy and
 * a hash of every split.
 */
export function spmMerges(vocab: GgufVocab): [string, string][] {
  const ids = new Map<string, number>();
  const lengths = new Set<number>();
  vocab.tokens.forEach((t, id) => {
    ids.set(t, id);
    lengths.add(t.length);
  });
  // A symbol is a single character (even one with no token) or a token built by earlier merges.
  const isSymbol = (token: string, from: number, to: number): boolean => {
    const length = to - from;
    const oneChar = length === 1 || (length === 2 && (token.codePointAt(from) ?? 0) > 0xffff);
    return oneChar || (lengths.has(length) && ids.has(token.slice(from, to)));
  };
  const found: { left: string; right: string; score: number; id: number; leftId: number }[] = [];
  vocab.tokens.forEach((token, id) => {
    const type = vocab.tokenTypes[id];
    // Control / unknown tokens are added tokens (cut out before the model runs) and byte tokens are
    // never spelt out in text: leaving them out keeps "</s>" typed by a user from merging into EOS.
    if (type === TokenType.CONTROL || type === TokenType.UNKNOWN || type === TokenType.BYTE) return;
    if (ids.get(token) !== id) return; // a duplicate: llama.cpp's lookup finds the last one
    // Split at every character boundary (code-unit positions, never inside a surrogate pair).
    let at = 0;
    while (at < token.length) {
      at += (token.codePointAt(at) ?? 0) > 0xffff ? 2 : 1;
      if (at >= token.length) break;
      if (isSymbol(token, 0, at) && isSymbol(token, at, token.length)) {
        const left = token.slice(0, at);
        found.push({
          left,
          right: token.slice(at),
          score: vocab.scores[id] ?? 0,
          id,
          leftId: ids.get(left) ?? -1,
        });
      }
    }
  });
  found.sort((a, b) => b.score - a.score || a.id - b.id || a.leftId - b.leftId);
  return found.map((m) => [m.left, m.right]);
}

export function spmTokenizerParts(vocab: GgufVocab, addSpacePrefix: boolean): object {
  const unk = vocab.unkId !== undefined ? vocab.tokens[vocab.unkId] : null;
  return {
    normalizer: {
      type: 'Sequence',
      normalizers: [
        // llama.cpp puts one space before the text and after every special token (is_prev_special):
        // transformers.js normalises each piece between added tokens, so Prepend does the same.
        ...(addSpacePrefix ? [{ type: 'Prepend', prepend: '▁' }] : []),
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        ...(addSpacePrefix ? [{ type: 'Strip', content: ' ', start: 1, stop: 0 }] : []),
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: unk,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab: vocabObject(vocab.tokens),
      merges: spmMerges(vocab),
    },
  };
}
