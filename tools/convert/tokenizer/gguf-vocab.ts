/**
 * The tokenizer part of GGUF metadata (`tokenizer.ggml.*`, `tokenizer.chat_template`), read and
 * checked once, with llama.cpp's defaults where a key is missing.
 */
import type { GgufValue } from '../gguf/read';

/** llama.cpp's token types (`tokenizer.ggml.token_type`). */
export const TokenType = {
  UNDEFINED: 0,
  NORMAL: 1,
  UNKNOWN: 2,
  CONTROL: 3,
  USER_DEFINED: 4,
  UNUSED: 5,
  BYTE: 6,
} as const;

export interface GgufVocab {
  /** `tokenizer.ggml.model`: "gpt2" (byte-level BPE) or "llama" (SentencePiece). */
  model: 'gpt2' | 'llama';
  /** `tokenizer.ggml.pre`; llama.cpp uses "default" when it is missing. */
  pre: string;
  tokens: string[];
  /** Per-token scores (SentencePiece); zeros when the file has none. */
  scores: number[];
  tokenTypes: number[];
  /** BPE merges as "left right" strings, in rank order. */
  merges: string[];
  bosId?: number;
  eosId?: number;
  unkId?: number;
  padId?: number;
  eotId?: number;
  eomId?: number;
  /** Only the value the file states; defaults depend on the vocabulary type (see from-gguf). */
  addBos?: boolean;
  addEos?: boolean;
  addSpacePrefix?: boolean;
  chatTemplate?: string;
  /** `{arch}.context_length` when present. */
  contextLength?: number;
}

function stringArray(metadata: Record<string, GgufValue>, key: string): string[] | undefined {
  const value = metadata[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new Error(`GGUF ${key} must be an array of strings`);
  }
  return value as string[];
}

function numberArray(metadata: Record<string, GgufValue>, key: string, length: number): number[] | undefined {
  const value = metadata[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number')) {
    throw new Error(`GGUF ${key} must be an array of numbers`);
  }
  if (value.length < length) throw new Error(`GGUF ${key} has ${value.length} entries for ${length} tokens`);
  return (value as number[]).slice(0, length);
}

function tokenId(metadata: Record<string, GgufValue>, key: string, count: number): number | undefined {
  const value = metadata[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new Error(`GGUF ${key} must be a token id`);
  // llama.cpp ignores ids outside the vocabulary (some files use -1 / 0xFFFFFFFF for "none").
  return value >= 0 && value < count ? value : undefined;
}

function flag(metadata: Record<string, GgufValue>, key: string): boolean | undefined {
  const value = metadata[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new Error(`GGUF ${key} must be a boolean`);
  return value;
}

export function readGgufVocab(metadata: Record<string, GgufValue>): GgufVocab {
  const model = metadata['tokenizer.ggml.model'];
  if (model !== 'gpt2' && model !== 'llama') {
    throw new Error(
      `GGUF tokenizer.ggml.model ${JSON.stringify(model)} is not supported: only "gpt2" (byte-level BPE) and "llama" (SentencePiece)`,
    );
  }
  const tokens = stringArray(metadata, 'tokenizer.ggml.tokens');
  if (!tokens || tokens.length === 0) throw new Error('GGUF has no tokenizer.ggml.tokens');
  const n = tokens.length;
  const merges = stringArray(metadata, 'tokenizer.ggml.merges') ?? [];
  if (model === 'gpt2' && merges.length === 0)
    throw new Error('GGUF gpt2 tokenizer has no tokenizer.ggml.merges');
  const pre = metadata['tokenizer.ggml.pre'];
  if (pre !== undefined && typeof pre !== 'string')
    throw new Error('GGUF tokenizer.ggml.pre must be a string');
  const template = metadata['tokenizer.chat_template'];
  const arch = metadata['general.architecture'];
  const context = typeof arch === 'string' ? metadata[`${arch}.context_length`] : undefined;
  const spm = model === 'llama';
  return {
    model,
    pre: pre || 'default',
    tokens,
    scores: numberArray(metadata, 'tokenizer.ggml.scores', n) ?? new Array<number>(n).fill(0),
    tokenTypes:
      numberArray(metadata, 'tokenizer.ggml.token_type', n) ?? new Array<number>(n).fill(TokenType.NORMAL),
    merges,
    // SentencePiece files may omit the ids: llama.cpp then uses unk 0, bos 1, eos 2.
    bosId: tokenId(metadata, 'tokenizer.ggml.bos_token_id', n) ?? (spm ? 1 : undefined),
    eosId: tokenId(metadata, 'tokenizer.ggml.eos_token_id', n) ?? (spm ? 2 : undefined),
    unkId: tokenId(metadata, 'tokenizer.ggml.unknown_token_id', n) ?? (spm ? 0 : undefined),
    padId: tokenId(metadata, 'tokenizer.ggml.padding_token_id', n),
    eotId: tokenId(metadata, 'tokenizer.ggml.eot_token_id', n),
    eomId: tokenId(metadata, 'tokenizer.ggml.eom_token_id', n),
    addBos: flag(metadata, 'tokenizer.ggml.add_bos_token'),
    addEos: flag(metadata, 'tokenizer.ggml.add_eos_token'),
    addSpacePrefix: flag(metadata, 'tokenizer.ggml.add_space_prefix'),
    chatTemplate: typeof template === 'string' ? template : undefined,
    contextLength: typeof context === 'number' ? context : undefined,
  };
}
