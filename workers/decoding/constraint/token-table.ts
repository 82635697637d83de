/**
 * Token id → UTF-8 bytes, for any transformers.js tokenizer.
 *
 * Constrained decoding works on bytes so that every tokenizer looks the same: SentencePiece pieces
 * (`▁` for a space, `<0xNN>` byte-fallback tokens) and byte-level BPE pieces (GPT-2/Qwen/Llama 3,
 * where each byte is spelled as one printable character) both reduce to plain byte strings, and a
 * character split across tokens is just bytes arriving in two steps.
 */

import { buildByteTrie, type ByteTrie } from './byte-trie';

const encoder = new TextEncoder();

/** How a vocabulary spells bytes. */
export type TokenizerKind = 'sentencepiece' | 'bytelevel';

/** Per-tokenizer precomputed data shared by every constraint built for that tokenizer. */
export interface TokenTable {
  /** How the pieces were read. */
  readonly kind: TokenizerKind;
  /** `tokenBytes[id]`: the bytes the token stands for; `null` for tokens never allowed in an answer. */
  readonly tokenBytes: readonly (Uint8Array | null)[];
  /** Byte trie over `tokenBytes`. */
  readonly trie: ByteTrie;
  /** Per byte value, 1 when some token is exactly that one byte (the budget rule relies on these). */
  readonly singleByte: Uint8Array;
}

/** Options of {@link tokenByteTableFromPieces}. */
export interface PieceTableOptions {
  /** Ids of special tokens (BOS, EOS, pad, ...): they get `null` bytes and are never allowed. */
  readonly specialIds?: Iterable<number>;
  /**
   * Ids of non-special added tokens: their piece is literal text (not byte-level or `▁` encoded),
   * exactly as the decoders of transformers.js emit them.
   */
  readonly literalIds?: Iterable<number>;
  /** SentencePiece word-boundary marker; `▁` (U+2581) unless the tokenizer says otherwise. */
  readonly spaceMarker?: string;
}

/**
 * The GPT-2 byte-level alphabet: printable bytes stand for themselves, the other 68 byte values are
 * shifted to U+0100 and up. Same construction as `BYTES_TO_UNICODE` in @huggingface/tokenizers.
 */
function byteLevelDecoder(): Map<string, number> {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  const map = new Map<string, number>();
  bs.forEach((b, i) => map.set(String.fromCharCode(cs[i] as number), b));
  return map;
}

let byteLevelMap: Map<string, number> | undefined;

/** Bytes of one byte-level BPE piece, or `null` when a character is outside the byte alphabet. */
function byteLevelPieceBytes(piece: string): Uint8Array | null {
  byteLevelMap ??= byteLevelDecoder();
  const out = new Uint8Array(piece.length);
  let k = 0;
  for (const ch of piece) {
    const b = byteLevelMap.get(ch);
    if (b === undefined) return null;
    out[k++] = b;
  }
  return out.subarray(0, k);
}

const BYTE_FALLBACK = /^<0x([0-9A-Fa-f]{2})>$/;

/** Bytes of one SentencePiece piece: `<0xNN>` is that byte, the marker is a space. */
function sentencePieceBytes(piece: string, marker: string): Uint8Array {
  const m = BYTE_FALLBACK.exec(piece);
  if (m) return Uint8Array.of(parseInt(m[1] as string, 16));
  return encoder.encode(piece.split(marker).join(' '));
}

/**
 * Builds a {@link TokenTable} from the piece strings of a vocabulary (index = token id).
 *
 * Shared by {@link buildTokenByteTable} (real transformers.js tokenizers) and by tests that use the
 * LLaMA vocabulary from `llama-tokenizer-js`, so both go through the same conversion.
 *
 * @param pieces token strings as stored in the vocabulary; holes (`undefined`/`null`) become `null`.
 * @param kind how the pieces spell bytes.
 */
export function tokenByteTableFromPieces(
  pieces: readonly (string | null | undefined)[],
  kind: TokenizerKind,
  options: PieceTableOptions = {},
): TokenTable {
  const special = new Set(options.specialIds ?? []);
  const literal = new Set(options.literalIds ?? []);
  const marker = options.spaceMarker ?? '\u2581';
  const tokenBytes: (Uint8Array | null)[] = [];
  const singleByte = new Uint8Array(256);
  for (let id = 0; id < pieces.length; id++) {
    const piece = pieces[id];
    let bytes: Uint8Array | null = null;
    if (piece != null && !special.has(id)) {
      if (literal.has(id)) bytes = encoder.encode(piece);
      else bytes = kind === 'bytelevel' ? byteLevelPieceBytes(piece) : sentencePieceBytes(piece, marker);
    }
    // An empty token would be "allowed" everywhere without moving the grammar: never allow it.
    if (bytes && bytes.length === 0) bytes = null;
    if (bytes && bytes.length === 1) singleByte[bytes[0] as number] = 1;
    tokenBytes.push(bytes);
  }
  return { kind, tokenBytes, trie: buildByteTrie(tokenBytes), singleByte };
}

/** What {@link detectTokenizerKind} found. */
export interface DetectedKind {
  readonly kind: TokenizerKind;
  /** The SentencePiece space marker (from a `Metaspace` or `Replace` decoder); `▁` by default. */
  readonly spaceMarker: string;
}

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null;
}

/** All component configs of a (possibly `Sequence`) decoder / pre-tokenizer / normaliser. */
function components(config: unknown): Json[] {
  if (!isObject(config)) return [];
  const nested = config.decoders ?? config.pretokenizers ?? config.normalizers;
  return Array.isArray(nested) ? [config, ...nested.flatMap(components)] : [config];
}

/**
 * Decides how a `tokenizer.json` spells bytes.
 *
 * The decoder is the ground truth for "which bytes does this token stand for": a `ByteLevel` decoder
 * (GPT-2, Qwen, Llama 3, SmolLM, Phi-3.5+...) means byte-level; `Metaspace`, `Replace ▁→space` or
 * `ByteFallback` (LLaMA 1/2, Mistral, Gemma, T5-like Unigram) means SentencePiece. Without a decoder,
 * fall back to the pre-tokenizer, the model type, and finally to which marker dominates the pieces.
 */
export function detectTokenizerKind(
  tokenizerJson: unknown,
  pieces: readonly (string | null | undefined)[] = [],
): DetectedKind {
  const json = isObject(tokenizerJson) ? tokenizerJson : {};
  const decoder = components(json.decoder);
  const pre = components(json.pre_tokenizer);
  const model = isObject(json.model) ? json.model : {};
  let spaceMarker = '\u2581';
  for (const d of decoder) {
    if (d.type === 'Metaspace' && typeof d.replacement === 'string') spaceMarker = d.replacement;
    if (
      d.type === 'Replace' &&
      d.content === ' ' &&
      isObject(d.pattern) &&
      typeof d.pattern.String === 'string'
    ) {
      spaceMarker = d.pattern.String;
    }
  }
  const has = (list: Json[], type: string): boolean => list.some((c) => c.type === type);
  if (has(decoder, 'ByteLevel')) return { kind: 'bytelevel', spaceMarker };
  if (has(decoder, 'Metaspace') || has(decoder, 'ByteFallback') || has(decoder, 'Replace')) {
    return { kind: 'sentencepiece', spaceMarker };
  }
  if (has(pre, 'ByteLevel')) return { kind: 'bytelevel', spaceMarker };
  if (has(pre, 'Metaspace') || model.type === 'Unigram' || model.byte_fallback === true) {
    return { kind: 'sentencepiece', spaceMarker };
  }
  // No config says: count the markers. `Ġ` (U+0120) is the byte-level space, `▁` the SentencePiece one.
  let g = 0;
  let m = 0;
  for (const p of pieces) {
    if (p == null) continue;
    if (p.startsWith('\u0120')) g++;
    else if (p.startsWith('\u2581')) m++;
  }
  return { kind: g > m ? 'bytelevel' : 'sentencepiece', spaceMarker };
}

/** The members of a transformers.js 4.x `PreTrainedTokenizer` that the table needs. */
export interface TokenizerLike {
  /** Token string → id, added tokens included. */
  get_vocab(): Map<string, number>;
  /** Ids of the special tokens (BOS, EOS, pad, chat markers...). */
  readonly all_special_ids?: readonly number[];
  /** The parsed `tokenizer.json` (an undocumented but typed field of transformers.js 4.x). */
  readonly _tokenizerJSON?: unknown;
  /** The @huggingface/tokenizers instance, for the added-token list. */
  readonly _tokenizer?: {
    get_added_tokens_decoder(): Map<number, { readonly content: string; readonly special: boolean }>;
  };
}

const tableCache = new WeakMap<object, TokenTable>();

/**
 * Builds (once per tokenizer object; cached) the byte table of a transformers.js tokenizer.
 *
 * Special added tokens are `null`; non-special added tokens are their literal text, as the decoders
 * emit them; every other piece is converted according to {@link detectTokenizerKind}.
 */
export function buildTokenByteTable(tokenizer: TokenizerLike): TokenTable {
  const cached = tableCache.get(tokenizer);
  if (cached) return cached;
  const pieces: (string | undefined)[] = [];
  for (const [piece, id] of tokenizer.get_vocab()) pieces[id] = piece;
  const specialIds = new Set(tokenizer.all_special_ids ?? []);
  const literalIds: number[] = [];
  const added = tokenizer._tokenizer?.get_added_tokens_decoder() ?? new Map();
  for (const [id, token] of added) {
    if (token.special) specialIds.add(id);
    else literalIds.push(id);
  }
  const { kind, spaceMarker } = detectTokenizerKind(tokenizer._tokenizerJSON, pieces);
  const table = tokenByteTableFromPieces(pieces, kind, { specialIds, literalIds, spaceMarker });
  tableCache.set(tokenizer, table);
  return table;
}
