/**
 * `tokenizer.ggml.model == "gpt2"`: byte-level BPE with merges. The GGUF's tokens are already in the
 * GPT-2 byte-to-unicode alphabet ("Ġ" for a space), as in Hugging Face's vocab.
 */
import type { GgufVocab } from './gguf-vocab';
import { byteLevelPreTokenizer, preTokenizerSpec } from './pre-tokenizers';

/**
 * Merges "left right" → [left, right]; llama.cpp splits at the first space after the first byte.
 * A merge whose parts or result are not tokens is refused: a BPE applying it would produce a symbol
 * with no id and silently drop that text ("the qz end" → "the  end").
 */
export function mergePairs(merges: readonly string[], tokens?: readonly string[]): [string, string][] {
  const known = tokens ? new Set(tokens) : undefined;
  return merges.map((merge, i) => {
    const at = merge.indexOf(' ', 1);
    if (at < 0) throw new Error(`GGUF merge ${i} ${JSON.stringify(merge)} has no space`);
    const left = merge.slice(0, at);
    const right = merge.slice(at + 1);
    if (known) {
      const missing = [left, right, left + right].find((t) => !known.has(t));
      if (missing !== undefined) {
        throw new Error(
          `tokenizer.ggml.merges[${i}] ${JSON.stringify(merge)} uses or makes ${JSON.stringify(missing)}, which is not in tokenizer.ggml.tokens; every merge must join two tokens into a token`,
        );
      }
    }
    return [left, right];
  });
}

/** llama.cpp's token_to_id: a later duplicate wins. */
export function vocabObject(tokens: readonly string[]): Record<string, number> {
  const vocab: Record<string, number> = {};
  tokens.forEach((token, id) => {
    vocab[token] = id;
  });
  return vocab;
}

export function bpeTokenizerParts(vocab: GgufVocab): {
  spec: ReturnType<typeof preTokenizerSpec>;
  json: object;
} {
  const spec = preTokenizerSpec(vocab.pre);
  return {
    spec,
    json: {
      normalizer: null,
      pre_tokenizer: byteLevelPreTokenizer(spec),
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: spec.ignoreMerges,
        vocab: vocabObject(vocab.tokens),
        merges: mergePairs(vocab.merges, vocab.tokens),
      },
    },
  };
}
