/**
 * GGUF tokenizer metadata → the `tokenizer.json` and `tokenizer_config.json` transformers.js loads,
 * tokenising like llama.cpp does for the same file (checked against node-llama-cpp in
 * test/unit/tools/convert/tokenizer-parity.test.ts).
 */
import type { GgufValue } from '../gguf/read';
import { bpeTokenizerParts } from './bpe';
import { readGgufVocab } from './gguf-vocab';
import { addedTokens, eosTokenIds, templateProcessor, tokenizerConfig } from './special';
import { spmTokenizerParts } from './spm';

export interface TokenizerFiles {
  tokenizerJson: object;
  tokenizerConfig: object;
  /** Ids that end generation: eos, and eot / eom when the file has them. */
  eosTokenIds: number[];
  bosTokenId?: number;
  chatTemplate?: string;
}

export function tokenizerFilesFromGguf(metadata: Record<string, GgufValue>): TokenizerFiles {
  const vocab = readGgufVocab(metadata);
  const added = addedTokens(vocab);
  let parts: object;
  let addBos: boolean;
  let addEos: boolean;
  let config: Record<string, unknown>;
  if (vocab.model === 'gpt2') {
    const bpe = bpeTokenizerParts(vocab);
    parts = bpe.json;
    addBos = vocab.addBos ?? bpe.spec.addBos;
    addEos = vocab.addEos ?? false;
    config = tokenizerConfig(vocab, added, { addBos, addEos, tokenizerClass: 'GPT2Tokenizer' });
  } else {
    // llama.cpp's SPM defaults: add_space_prefix, add_bos on, add_eos off, unless the file says otherwise.
    parts = spmTokenizerParts(vocab, vocab.addSpacePrefix ?? true);
    addBos = vocab.addBos ?? true;
    addEos = vocab.addEos ?? false;
    config = tokenizerConfig(vocab, added, {
      addBos,
      addEos,
      tokenizerClass: 'LlamaTokenizer',
      legacy: true,
    });
  }
  if (addBos && vocab.bosId === undefined)
    throw new Error('GGUF add_bos_token is true but there is no bos_token_id');
  if (addEos && vocab.eosId === undefined)
    throw new Error('GGUF add_eos_token is true but there is no eos_token_id');
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    ...parts,
    post_processor: templateProcessor(vocab, addBos, addEos),
  };
  return {
    tokenizerJson,
    tokenizerConfig: config,
    eosTokenIds: eosTokenIds(vocab),
    ...(vocab.bosId !== undefined ? { bosTokenId: vocab.bosId } : {}),
    ...(vocab.chatTemplate !== undefined ? { chatTemplate: vocab.chatTemplate } : {}),
  };
}
