import { describe, expect, it } from 'vitest';
import { PreTrainedTokenizer } from '@huggingface/transformers';
import {
  buildTokenByteTable,
  detectTokenizerKind,
  tokenByteTableFromPieces,
  trieChild,
  type TokenTable,
} from '../../../../../workers/decoding/constraint';
import { llamaId, llamaTokenTable } from './helpers';

const encoder = new TextEncoder();
const bytesOf = (table: TokenTable, id: number) => [...(table.tokenBytes[id] ?? [])];
const utf8 = (s: string) => [...encoder.encode(s)];

/** Follows `bytes` down the trie and returns the token ids ending there. */
function idsAt(table: TokenTable, bytes: number[]): number[] {
  const trie = table.trie;
  let node = 0;
  for (const b of bytes) {
    node = trieChild(trie, node, b);
    if (node < 0) return [];
  }
  return [...trie.endIds.subarray(trie.endStart[node], trie.endStart[node + 1])];
}

const addedToken = (id: number, content: string, special: boolean) => ({
  id,
  content,
  special,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: !special,
});

describe('tokenByteTableFromPieces', () => {
  it('reads byte-level BPE pieces through the GPT-2 byte alphabet', () => {
    const table = tokenByteTableFromPieces(['Ġ["', 'Ċ', 'Ã©', 'ðŁĺ', 'Ģ', 'abc', '', '\u4e00'], 'bytelevel');
    expect(bytesOf(table, 0)).toEqual(utf8(' ["'));
    expect(bytesOf(table, 1)).toEqual([0x0a]);
    expect(bytesOf(table, 2)).toEqual(utf8('é'));
    // 😀 = F0 9F 98 80, split over two pieces as byte-level vocabularies do.
    expect([...bytesOf(table, 3), ...bytesOf(table, 4)]).toEqual(utf8('😀'));
    expect(bytesOf(table, 5)).toEqual(utf8('abc'));
    expect(table.tokenBytes[6]).toBeNull(); // empty: never allowed
    expect(table.tokenBytes[7]).toBeNull(); // not in the byte alphabet
  });

  it('reads SentencePiece pieces: ▁ is a space, <0xNN> is one byte, specials are null', () => {
    const table = tokenByteTableFromPieces(
      ['<unk>', '<s>', '</s>', '<0x0A>', '▁Obama', '▁["', 'é', '<0xE6>'],
      'sentencepiece',
      {
        specialIds: [0, 1, 2],
      },
    );
    expect(table.tokenBytes.slice(0, 3)).toEqual([null, null, null]);
    expect(bytesOf(table, 3)).toEqual([0x0a]);
    expect(bytesOf(table, 4)).toEqual(utf8(' Obama'));
    expect(bytesOf(table, 5)).toEqual(utf8(' ["'));
    expect(bytesOf(table, 6)).toEqual(utf8('é'));
    expect(bytesOf(table, 7)).toEqual([0xe6]);
    expect(table.singleByte[0x0a]).toBe(1);
    expect(table.singleByte[0x20]).toBe(0);
  });

  it('reads the real LLaMA vocabulary, with all 256 single-byte tokens', () => {
    const table = llamaTokenTable();
    expect(table.tokenBytes.length).toBe(32000);
    expect(bytesOf(table, llamaId('▁["'))).toEqual(utf8(' ["'));
    expect(bytesOf(table, 3 + 0x22)).toEqual([0x22]);
    expect(table.singleByte.every((x) => x === 1)).toBe(true);
    // Both `"` and `<0x22>` end at the same trie node.
    expect(idsAt(table, [0x22]).sort((a, b) => a - b)).toEqual(
      [3 + 0x22, llamaId('"')].sort((a, b) => a - b),
    );
  });

  it('puts every token in the trie at the node spelled by its bytes', () => {
    const table = llamaTokenTable();
    for (let id = 3; id < table.tokenBytes.length; id += 97) {
      expect(idsAt(table, bytesOf(table, id))).toContain(id);
    }
  });
});

describe('detectTokenizerKind', () => {
  it('follows the decoder first', () => {
    expect(detectTokenizerKind({ decoder: { type: 'ByteLevel' } }).kind).toBe('bytelevel');
    const llama = {
      decoder: {
        type: 'Sequence',
        decoders: [
          { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
          { type: 'ByteFallback' },
          { type: 'Fuse' },
          { type: 'Strip', content: ' ', start: 1, stop: 0 },
        ],
      },
      model: { type: 'BPE', byte_fallback: true },
    };
    expect(detectTokenizerKind(llama)).toEqual({ kind: 'sentencepiece', spaceMarker: '▁' });
    expect(detectTokenizerKind({ decoder: { type: 'Metaspace', replacement: '_' } })).toEqual({
      kind: 'sentencepiece',
      spaceMarker: '_',
    });
  });

  it('falls back to the pre-tokenizer, the model, then the pieces', () => {
    expect(
      detectTokenizerKind({ pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'ByteLevel' }] } })
        .kind,
    ).toBe('bytelevel');
    expect(detectTokenizerKind({ model: { type: 'Unigram' } }).kind).toBe('sentencepiece');
    expect(detectTokenizerKind({}, ['Ġthe', 'Ġa', '▁x']).kind).toBe('bytelevel');
    expect(detectTokenizerKind(undefined, ['▁the']).kind).toBe('sentencepiece');
  });
});

describe('buildTokenByteTable (transformers.js tokenizers)', () => {
  it('handles a byte-level BPE tokenizer.json, added tokens included', () => {
    const tokenizer = new PreTrainedTokenizer(
      {
        version: '1.0',
        added_tokens: [addedToken(5, '<|endoftext|>', true), addedToken(6, '<think>', false)],
        normalizer: null,
        pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
        post_processor: null,
        decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
        model: { type: 'BPE', vocab: { '[': 0, '"': 1, ĠObama: 2, Ċ: 3, 'Ã©': 4 }, merges: [] },
      },
      { eos_token: '<|endoftext|>' },
    );
    const table = buildTokenByteTable(tokenizer);
    expect(table.kind).toBe('bytelevel');
    expect(bytesOf(table, 2)).toEqual(utf8(' Obama'));
    expect(bytesOf(table, 3)).toEqual([0x0a]);
    expect(bytesOf(table, 4)).toEqual(utf8('é'));
    expect(table.tokenBytes[5]).toBeNull(); // special
    expect(bytesOf(table, 6)).toEqual(utf8('<think>')); // non-special added token: literal text
    expect(buildTokenByteTable(tokenizer)).toBe(table); // cached per tokenizer
  });

  it('handles a SentencePiece (LLaMA-style) tokenizer.json', () => {
    const tokenizer = new PreTrainedTokenizer(
      {
        version: '1.0',
        added_tokens: [addedToken(0, '<unk>', true), addedToken(1, '<s>', true), addedToken(2, '</s>', true)],
        normalizer: {
          type: 'Sequence',
          normalizers: [
            { type: 'Prepend', prepend: '▁' },
            { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
          ],
        },
        pre_tokenizer: null,
        post_processor: null,
        decoder: {
          type: 'Sequence',
          decoders: [
            { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
            { type: 'ByteFallback' },
            { type: 'Fuse' },
            { type: 'Strip', content: ' ', start: 1, stop: 0 },
          ],
        },
        model: {
          type: 'BPE',
          byte_fallback: true,
          unk_token: '<unk>',
          fuse_unk: true,
          vocab: { '<unk>': 0, '<s>': 1, '</s>': 2, '<0x0A>': 3, '▁[': 4, '"': 5, '▁Obama': 6 },
          merges: [],
        },
      },
      { bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>' },
    );
    const table = buildTokenByteTable(tokenizer);
    expect(table.kind).toBe('sentencepiece');
    expect(table.tokenBytes.slice(0, 3)).toEqual([null, null, null]);
    expect(bytesOf(table, 3)).toEqual([0x0a]);
    expect(bytesOf(table, 4)).toEqual(utf8(' ['));
    expect(bytesOf(table, 6)).toEqual(utf8(' Obama'));
  });
});
