/**
 * Shared helpers for the constraint tests: the real LLaMA 32k vocabulary as a token table, a seeded
 * RNG, and a random walk that plays "model" by picking random allowed tokens.
 */
import llamaTokenizer from 'llama-tokenizer-js';
import { expect } from 'vitest';
import {
  JsonListConstraint,
  tokenByteTableFromPieces,
  type TokenTable,
} from '../../../../../workers/decoding/constraint';
import type { AnswerGrammarOptions } from '../../../../../workers/decoding/constraint/answer-grammar';

/** LLaMA special ids: `<unk>`, `<s>`, `</s>`. */
export const LLAMA_EOS = 2;

let llamaTable: TokenTable | undefined;

/** The LLaMA vocabulary read the same way as a SentencePiece tokenizer.json (built once). */
export function llamaTokenTable(): TokenTable {
  llamaTable ??= tokenByteTableFromPieces(llamaTokenizer.vocabById, 'sentencepiece', {
    specialIds: [0, 1, 2],
  });
  return llamaTable;
}

/** Id of a LLaMA piece (`▁` for spaces); throws when absent so tests fail loudly. */
export function llamaId(piece: string): number {
  const id = llamaTokenizer.vocabByString.get(piece);
  if (id === undefined) throw new Error(`no LLaMA piece ${JSON.stringify(piece)}`);
  return id;
}

/** LLaMA byte-fallback token of one byte (`<0x00>` is id 3). */
export function byteToken(b: number): number {
  return 3 + b;
}

/** mulberry32: small, seeded, good enough for test walks. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Outcome of one random walk. */
export interface Walk {
  /** Generated token ids, EOS included when reached. */
  readonly ids: number[];
  /** The bytes of the answer (EOS excluded) decoded as UTF-8 (fatal: invalid UTF-8 throws). */
  readonly text: string;
  readonly endedWithEos: boolean;
  readonly constraint: JsonListConstraint;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Generates with random choices among the allowed tokens until EOS or `maxNewTokens`. `closeBias`
 * (0..1) is the chance of preferring structural tokens (quote, comma, bracket) when available, so
 * walks produce lists of several strings rather than one long string.
 */
export function randomWalk(
  table: TokenTable,
  passage: string,
  options: {
    seed: number;
    maxNewTokens: number;
    eos?: number;
    closeBias?: number;
    maxItems?: number;
    caps?: Pick<AnswerGrammarOptions, 'maxItemBytes' | 'maxItemWords' | 'refuseWholePassage'>;
  },
): Walk {
  const eos = options.eos ?? LLAMA_EOS;
  const rand = seededRandom(options.seed);
  const constraint = new JsonListConstraint(table, passage, {
    eosTokenId: eos,
    maxNewTokens: options.maxNewTokens,
    ...(options.maxItems !== undefined ? { maxItems: options.maxItems } : {}),
    ...options.caps,
  });
  const ids: number[] = [];
  const bytes: number[] = [];
  while (ids.length < options.maxNewTokens) {
    const allowed = constraint.allowedTokens();
    if (allowed.length === 0) throw new Error('no token allowed');
    let pool: ArrayLike<number> = allowed;
    if (options.closeBias && rand() < options.closeBias) {
      const structural = [...allowed].filter((id) => {
        const b = table.tokenBytes[id];
        return !!b && b.some((x) => x === 0x22 || x === 0x2c || x === 0x5d);
      });
      if (structural.length > 0) pool = structural;
    }
    const id = pool[Math.floor(rand() * pool.length)] as number;
    ids.push(id);
    constraint.advance(id);
    if (id === eos) break;
    bytes.push(...(table.tokenBytes[id] ?? []));
  }
  return {
    ids,
    text: decoder.decode(Uint8Array.from(bytes)),
    endedWithEos: ids.at(-1) === eos,
    constraint,
  };
}

/**
 * LLaMA ids of `text` by greedy longest match over the vocabulary (spaces as `▁`, bytes as `<0xNN>`
 * when no piece matches). Not LLaMA's own segmentation, but a plausible one: enough for a scripted
 * "model" to want a fixed answer token by token.
 */
export function llamaIdsOf(text: string): number[] {
  const spelled = text.replace(/ /g, '\u2581');
  const ids: number[] = [];
  for (let i = 0; i < spelled.length;) {
    let found = -1;
    let length = 0;
    for (let j = Math.min(spelled.length, i + 16); j > i; j--) {
      const id = llamaTokenizer.vocabByString.get(spelled.slice(i, j));
      if (id !== undefined && id > 2) {
        found = id;
        length = j - i;
        break;
      }
    }
    if (found < 0) {
      const cp = spelled.codePointAt(i) as number;
      const ch = String.fromCodePoint(cp);
      for (const b of new TextEncoder().encode(ch)) ids.push(byteToken(b));
      i += ch.length;
    } else {
      ids.push(found);
      i += length;
    }
  }
  return ids;
}

/**
 * The items of a constrained raw answer that count as the answer: all of them, except a last item the
 * constraint let go (issue #12), which the engine leaves out of the entities. That item may be empty or
 * repeat an earlier one; `entityTexts` (the `type-done` entities) tell whether the last item was kept.
 */
export function keptRawItems(raw: readonly string[], entityTexts: readonly string[]): string[] {
  const last = raw.at(-1);
  if (last === undefined) return [];
  const letGo = last === '' || raw.indexOf(last) < raw.length - 1 || !entityTexts.includes(last);
  return letGo ? raw.slice(0, -1) : [...raw];
}

/**
 * The constraint's promise on one constrained raw answer: a JSON list whose kept items (a last item the
 * constraint let go stays in the raw text only) are distinct, non-empty passage substrings. Returns them.
 */
export function expectValidKeptItems(
  rawAnswer: string,
  entityTexts: readonly string[],
  passage: string,
): string[] {
  const parsed = JSON.parse(rawAnswer) as unknown;
  expect(Array.isArray(parsed)).toBe(true);
  const strings = keptRawItems(parsed as string[], entityTexts);
  expect(new Set(strings).size).toBe(strings.length);
  for (const text of strings) {
    expect(typeof text).toBe('string');
    expect(text.length).toBeGreaterThan(0);
    expect(passage).toContain(text);
  }
  return strings;
}
