/** tokenizerFilesFromGguf on small hand-written metadata: errors, flags and config fields. */
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import type { GgufValue } from '../../../../tools/convert/gguf/read';
import { tokenizerFilesFromGguf } from '../../../../tools/convert/tokenizer/from-gguf';

function bpeMetadata(extra: Record<string, GgufValue> = {}): Record<string, GgufValue> {
  const tokens = ['<|endoftext|>', '<|im_start|>', '<|im_end|>', 'a', 'b', 'ab', 'Ġ', 'Ġab'];
  return {
    'general.architecture': 'llama',
    'llama.context_length': 2048,
    'tokenizer.ggml.model': 'gpt2',
    'tokenizer.ggml.pre': 'smollm',
    'tokenizer.ggml.tokens': tokens,
    'tokenizer.ggml.token_type': [3, 3, 3, 1, 1, 1, 1, 1],
    'tokenizer.ggml.merges': ['a b', 'Ġ ab'],
    'tokenizer.ggml.bos_token_id': 1,
    'tokenizer.ggml.eos_token_id': 2,
    'tokenizer.chat_template': '{{ messages }}',
    ...extra,
  };
}

describe('tokenizerFilesFromGguf', () => {
  it('names the unknown pre type and the supported ones', () => {
    expect(() => tokenizerFilesFromGguf(bpeMetadata({ 'tokenizer.ggml.pre': 'martian' }))).toThrow(
      /"martian" is not supported; supported: .*smollm.*llama-bpe.*qwen2/,
    );
  });

  it('rejects other vocabulary models', () => {
    expect(() => tokenizerFilesFromGguf(bpeMetadata({ 'tokenizer.ggml.model': 't5' }))).toThrow(/"t5"/);
  });

  it('writes config, eos ids (eos + <|endoftext|> found as eot by text) and control tokens as special', () => {
    const files = tokenizerFilesFromGguf(bpeMetadata());
    const config = files.tokenizerConfig as Record<string, unknown>;
    expect(config).toMatchObject({
      bos_token: '<|im_start|>',
      eos_token: '<|im_end|>',
      chat_template: '{{ messages }}',
      model_max_length: 2048,
      clean_up_tokenization_spaces: false,
      add_bos_token: false,
    });
    expect(files.eosTokenIds).toEqual([2, 0]);
    expect(files.bosTokenId).toBe(1);
    expect(files.chatTemplate).toBe('{{ messages }}');
    const tok = new PreTrainedTokenizer(files.tokenizerJson, files.tokenizerConfig);
    expect(tok.encode(' ab')).toEqual([7]);
    expect(tok.encode('<|im_start|>ab')).toEqual([1, 5]);
  });

  it('adds eot from its key and BOS when add_bos_token says so', () => {
    const files = tokenizerFilesFromGguf(
      bpeMetadata({ 'tokenizer.ggml.eot_token_id': 0, 'tokenizer.ggml.add_bos_token': true }),
    );
    expect(files.eosTokenIds).toEqual([2, 0]);
    const tok = new PreTrainedTokenizer(files.tokenizerJson, files.tokenizerConfig);
    expect(tok.encode('ab')).toEqual([1, 5]);
  });

  it('SentencePiece: add_space_prefix false leaves out the leading "▁"', () => {
    const tokens = ['<unk>', '<s>', '</s>', '▁', 'a', 'b', '▁a', 'ab', '▁ab'];
    const metadata: Record<string, GgufValue> = {
      'tokenizer.ggml.model': 'llama',
      'tokenizer.ggml.tokens': tokens,
      'tokenizer.ggml.scores': [0, 0, 0, -1, -2, -3, -4, -5, -6],
      'tokenizer.ggml.token_type': [2, 3, 3, 1, 1, 1, 1, 1, 1],
    };
    const withPrefix = tokenizerFilesFromGguf(metadata);
    const t1 = new PreTrainedTokenizer(withPrefix.tokenizerJson, withPrefix.tokenizerConfig);
    expect(t1.encode('ab')).toEqual([1, 8]);
    const without = tokenizerFilesFromGguf({ ...metadata, 'tokenizer.ggml.add_space_prefix': false });
    const t2 = new PreTrainedTokenizer(without.tokenizerJson, without.tokenizerConfig);
    expect(t2.encode('ab')).toEqual([1, 7]);
    expect(without.eosTokenIds).toEqual([2]);
  });
});
