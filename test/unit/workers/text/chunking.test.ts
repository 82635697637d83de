import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  chunkPassage,
  chunkPassageLazily,
  estimateChunkCount,
  mapFoundEntities,
  mapSpans,
  mergeFoundEntities,
  sentenceBoundaries,
  type Chunk,
  type TokenCounter,
} from '../../../../workers/text/chunking';
import { alignEntities } from '../../../../workers/text/span-alignment';
import { InputError } from '../../../../workers/errors';
import type { FoundEntity } from '../../../../workers/protocol';

/** One token per whitespace-separated word. */
const countWords: TokenCounter = (text) => text.split(/\s+/).filter((w) => w !== '').length;
/** One token per code unit: makes hard cuts easy to reason about. */
const countUnits: TokenCounter = (text) => text.length;
/** A BOS token plus one per word, like a tokenizer that adds special tokens to every call. */
const countWithBos: TokenCounter = (text) => 1 + countWords(text);
/** Super-additive: a chunk costs more than its pieces, so the packing estimate is too optimistic. */
const countConvex: TokenCounter = (text) => Math.ceil(text.length ** 1.3 / 8);

function expectCover(passage: string, chunks: readonly Chunk[]) {
  expect(chunks.map((c) => c.text).join('')).toBe(passage);
  let at = 0;
  for (const chunk of chunks) {
    expect(chunk.start).toBe(at);
    expect(chunk.end).toBeGreaterThan(chunk.start);
    expect(passage.slice(chunk.start, chunk.end)).toBe(chunk.text);
    at = chunk.end;
  }
  expect(at).toBe(passage.length);
}

function expectNoSplitPair(passage: string, chunks: readonly Chunk[]) {
  for (const { start } of chunks) {
    if (start === 0) continue;
    const low = passage.charCodeAt(start);
    const high = passage.charCodeAt(start - 1);
    expect(low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff).toBe(false);
  }
}

const PASSAGE =
  'Marie Curie was born in Warsaw. She moved to Paris in 1891! Did she meet Pierre there? ' +
  'Yes: they married in 1895.\n\nTheir daughter Irène also won a Nobel Prize.';

describe('sentenceBoundaries', () => {
  it.each(['intl', 'regex'] as const)('%s: ends sentences after their trailing whitespace', (splitter) => {
    const ends = sentenceBoundaries(PASSAGE, splitter);
    const sentences = ends.map((end, i) => PASSAGE.slice(i === 0 ? 0 : ends[i - 1], end));
    expect(sentences.join('')).toBe(PASSAGE);
    expect(sentences[0]).toBe('Marie Curie was born in Warsaw. ');
    expect(sentences[1]).toBe('She moved to Paris in 1891! ');
    expect(sentences[2]).toBe('Did she meet Pierre there? ');
    expect(sentences[sentences.length - 1]).toBe('Their daughter Irène also won a Nobel Prize.');
    expect(ends[ends.length - 1]).toBe(PASSAGE.length);
  });

  it('regex fallback: CJK full stops, closing quotes, line breaks', () => {
    const text = '東京は大きい。大阪も。 "Quoted." Next\nline';
    const ends = sentenceBoundaries(text, 'regex');
    expect(ends.map((end, i) => text.slice(i === 0 ? 0 : ends[i - 1], end))).toEqual([
      '東京は大きい。',
      '大阪も。 ',
      '"Quoted." ',
      'Next\n',
      'line',
    ]);
  });

  it('intl: segmenting window by window gives the ends of segmenting the whole text at once', () => {
    const parts = [
      'Mr. Smith met Dr. Jones. ',
      'he said "Hi." Then left! ',
      'e.g. this one... and that? ',
      '(Really.) ',
      'Line\n',
      '\n',
      '東京は大きい。',
      'x'.repeat(900) + ' ',
      'word '.repeat(1500) + '. ',
      '3.14 is pi. ',
    ];
    let text = '';
    for (let i = 0; text.length < 60_000; i++) text += parts[(i * 7) % parts.length]!;
    const whole = [...new Intl.Segmenter(undefined, { granularity: 'sentence' }).segment(text)]
      .map((s) => s.index)
      .filter((index) => index > 0);
    expect(sentenceBoundaries(text, 'intl')).toEqual([...whole, text.length]);
    // A single sentence longer than the window.
    const long = 'word '.repeat(3000) + 'end. Next.';
    expect(sentenceBoundaries(long, 'intl')).toEqual([long.length - 5, long.length]);
  });

  it('no boundaries for an empty text, one for text without punctuation', () => {
    expect(sentenceBoundaries('')).toEqual([]);
    expect(sentenceBoundaries('no end', 'regex')).toEqual([6]);
    expect(sentenceBoundaries('no end', 'intl')).toEqual([6]);
  });
});

describe('chunkPassage', () => {
  it('returns one chunk when the passage fits, none for an empty passage', () => {
    expect(chunkPassage(PASSAGE, 1000, countWords)).toEqual([
      { text: PASSAGE, start: 0, end: PASSAGE.length },
    ]);
    expect(chunkPassage('', 10, countWords)).toEqual([]);
  });

  it.each(['intl', 'regex'] as const)('%s: splits at sentence boundaries when sentences fit', (sentences) => {
    const chunks = chunkPassage(PASSAGE, 12, countWords, { sentences });
    expectCover(PASSAGE, chunks);
    const ends = new Set(sentenceBoundaries(PASSAGE, sentences));
    for (const chunk of chunks) {
      expect(countWords(chunk.text)).toBeLessThanOrEqual(12);
      expect(ends.has(chunk.end)).toBe(true);
    }
    expect(chunks.map((c) => c.text)).toEqual([
      'Marie Curie was born in Warsaw. She moved to Paris in 1891! ',
      'Did she meet Pierre there? Yes: they married in 1895.\n\n',
      'Their daughter Irène also won a Nobel Prize.',
    ]);
  });

  it('splits a sentence longer than the budget after whitespace', () => {
    const sentence = 'one two three four five six seven eight nine ten.';
    const chunks = chunkPassage(sentence, 4, countWords);
    expectCover(sentence, chunks);
    expect(chunks.map((c) => c.text)).toEqual(['one two three four ', 'five six seven eight ', 'nine ten.']);
  });

  it('cuts a word longer than the budget, never inside a surrogate pair', () => {
    const word = 'ab😀😀c😀'.repeat(10);
    for (let budget = 2; budget <= 9; budget++) {
      const chunks = chunkPassage(word, budget, countUnits);
      expectCover(word, chunks);
      expectNoSplitPair(word, chunks);
      for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(budget);
    }
  });

  it('prefers not to cut before a combining mark', () => {
    const word = 'e\u0301'.repeat(6); // decomposed é × 6
    const chunks = chunkPassage(word, 3, countUnits);
    expectCover(word, chunks);
    for (const chunk of chunks) expect(chunk.text.charAt(0)).toBe('e');
  });

  it('respects the budget with a counter that adds a BOS to every call', () => {
    const chunks = chunkPassage(PASSAGE, 13, countWithBos);
    expectCover(PASSAGE, chunks);
    for (const chunk of chunks) expect(countWithBos(chunk.text)).toBeLessThanOrEqual(13);
    // The BOS is not counted once per sentence: the first chunk still holds two sentences (12 words).
    expect(chunks[0]!.text).toBe('Marie Curie was born in Warsaw. She moved to Paris in 1891! ');
  });

  it('respects the budget when a chunk costs more than its pieces', () => {
    const chunks = chunkPassage(PASSAGE, 60, countConvex);
    expectCover(PASSAGE, chunks);
    for (const chunk of chunks) expect(countConvex(chunk.text)).toBeLessThanOrEqual(60);
  });

  it('rejects an impossible budget with an InputError', () => {
    expect(() => chunkPassage(PASSAGE, 0, countWords)).toThrow(InputError);
    expect(() => chunkPassage(PASSAGE, Number.NaN, countWords)).toThrow(InputError);
    expect(() => chunkPassage(PASSAGE, 2, () => 5)).toThrow(/too small to hold even one character/);
  });

  it('property: chunks cover the passage, fit the budget and never split a surrogate pair', () => {
    const piece = fc.constantFrom(
      'word ',
      'Longerword ',
      'x',
      '. ',
      '! ',
      '? ',
      '\n',
      '\n\n',
      ' ',
      '😀',
      'e\u0301',
      '東京。',
      '"',
      'Mr. ',
      'supercalifragilistic',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 80 }),
        fc.integer({ min: 4, max: 40 }),
        fc.constantFrom(countUnits, countWithBos, countConvex),
        fc.constantFrom('intl' as const, 'regex' as const),
        (pieces, budget, count, sentences) => {
          const passage = pieces.join('');
          const chunks = chunkPassage(passage, budget, count, { sentences });
          expectCover(passage, chunks);
          expectNoSplitPair(passage, chunks);
          for (const chunk of chunks) expect(count(chunk.text)).toBeLessThanOrEqual(budget);
        },
      ),
      { seed: 99, numRuns: 400 },
    );
  });

  it('completes on a 1 MB passage', () => {
    const sentences = [
      'Marie Curie worked in Paris. ',
      'She won two Nobel Prizes! ',
      'Did Pierre help? ',
      'Yes.\n',
    ];
    let passage = '';
    for (let i = 0; passage.length < 1_000_000; i++) passage += sentences[i % sentences.length]!;
    passage += 'x'.repeat(5000) + ' ' + 'word '.repeat(2000); // a very long word and a very long sentence
    const chunks = chunkPassage(passage, 500, countWords);
    expectCover(passage, chunks);
    for (const chunk of chunks) expect(countWords(chunk.text)).toBeLessThanOrEqual(500);
    const cut = chunkPassage('y'.repeat(1_000_000), 2000, countUnits);
    expect(cut).toHaveLength(500);
  });
});

describe('chunkPassageLazily', () => {
  const sentences = [
    'Marie Curie worked in Paris. ',
    'She won two Nobel Prizes! ',
    'Did Pierre help? ',
    'Yes.\n',
  ];
  function megabytePassage(): string {
    let passage = '';
    for (let i = 0; passage.length < 1_000_000; i++) passage += sentences[i % sentences.length]!;
    return passage;
  }

  it('yields exactly the chunks of chunkPassage, for every counter and splitter', () => {
    const passage = PASSAGE.repeat(40) + ' ' + 'z'.repeat(300);
    for (const count of [countWords, countUnits, countWithBos, countConvex])
      for (const sentences of ['intl', 'regex'] as const)
        for (const budget of [2, 7, 40, 400])
          expect([...chunkPassageLazily(passage, budget, count, { sentences })]).toEqual(
            chunkPassage(passage, budget, count, { sentences }),
          );
  });

  it('the first chunk of a 1 MB passage costs about one chunk of counting, not the passage', () => {
    const passage = megabytePassage();
    let counted = 0;
    const counting: TokenCounter = (text) => {
      counted += text.length;
      return countWords(text);
    };
    const first = chunkPassageLazily(passage, 500, counting).next();
    expect(first.done).toBe(false);
    const chunk = first.value as Chunk;
    expect(chunk.start).toBe(0);
    expect(countWords(chunk.text)).toBeLessThanOrEqual(500);
    // Pieces are counted once each plus the packed chunk once: a few chunk lengths in all.
    expect(counted).toBeLessThan(4 * chunk.text.length);
    expect(counted).toBeLessThan(passage.length / 50);
  });

  it('refuses an unusable budget when the first chunk is asked for', () => {
    expect(() => chunkPassageLazily('text', 0, countWords).next()).toThrow(InputError);
  });
});

describe('estimateChunkCount', () => {
  it('extrapolates the average chunk length so far to the rest of the passage', () => {
    expect(estimateChunkCount(1000, 1, 100)).toBe(10);
    expect(estimateChunkCount(1000, 2, 300)).toBe(2 + Math.ceil((700 * 2) / 300));
    expect(estimateChunkCount(1000, 4, 1000)).toBe(4);
    expect(estimateChunkCount(1000, 0, 0)).toBe(1);
  });
});

describe('mapping and merging results', () => {
  it('mapSpans shifts spans by the chunk offset', () => {
    expect(
      mapSpans(10, [
        { start: 0, end: 3 },
        { start: 5, end: 6 },
      ]),
    ).toEqual([
      { start: 10, end: 13 },
      { start: 15, end: 16 },
    ]);
    expect(mapSpans(0, [])).toEqual([]);
  });

  it('mergeFoundEntities unions, dedupes and sorts spans; keeps first-seen order', () => {
    const chunk1: FoundEntity[] = [
      { text: 'Paris', spans: [{ start: 30, end: 35 }], match: 'exact' },
      { text: 'Rome', spans: [], match: 'none' },
    ];
    const chunk2: FoundEntity[] = [
      { text: 'London', spans: [{ start: 90, end: 96 }], match: 'exact' },
      {
        text: 'Paris',
        spans: [
          { start: 80, end: 85 },
          { start: 30, end: 35 },
        ],
        match: 'exact',
      },
      { text: 'Rome', spans: [], match: 'none' },
    ];
    const chunk3: FoundEntity[] = [{ text: 'London', spans: [{ start: 120, end: 126 }], match: 'tolerant' }];
    expect(mergeFoundEntities([chunk1, chunk2, chunk3])).toEqual([
      {
        text: 'Paris',
        spans: [
          { start: 30, end: 35 },
          { start: 80, end: 85 },
        ],
        match: 'exact',
      },
      { text: 'Rome', spans: [], match: 'none' },
      {
        text: 'London',
        spans: [
          { start: 90, end: 96 },
          { start: 120, end: 126 },
        ],
        match: 'tolerant',
      },
    ]);
    expect(mergeFoundEntities([])).toEqual([]);
  });

  it('a string found in one chunk but not another is found', () => {
    const merged = mergeFoundEntities([
      [{ text: 'x', spans: [], match: 'none' }],
      [{ text: 'x', spans: [{ start: 4, end: 5 }], match: 'tolerant' }],
    ]);
    expect(merged).toEqual([{ text: 'x', spans: [{ start: 4, end: 5 }], match: 'tolerant' }]);
  });

  it('keeps the highest score any chunk gave a string, and no score where none had one', () => {
    const merged = mergeFoundEntities([
      [
        { text: 'x', spans: [{ start: 1, end: 2 }], match: 'exact', score: 0.4 },
        { text: 'y', spans: [], match: 'none' },
      ],
      [{ text: 'x', spans: [{ start: 7, end: 8 }], match: 'exact', score: 0.9 }],
      [{ text: 'x', spans: [], match: 'none', score: 0.2 }],
    ]);
    expect(merged).toEqual([
      {
        text: 'x',
        spans: [
          { start: 1, end: 2 },
          { start: 7, end: 8 },
        ],
        match: 'exact',
        score: 0.9,
      },
      { text: 'y', spans: [], match: 'none' },
    ]);
    expect('score' in merged[1]!).toBe(false);
  });

  it('chunk, align per chunk, map and merge gives the spans of the whole passage', () => {
    const passage = Array.from({ length: 40 }, (_, i) => `Sentence ${i} mentions Curie in Paris. `).join('');
    const chunks = chunkPassage(passage, 30, countWords);
    expect(chunks.length).toBeGreaterThan(5);
    const perChunk = chunks.map((chunk) =>
      mapFoundEntities(chunk.start, alignEntities(chunk.text, ['Curie', 'Paris'])),
    );
    expect(mergeFoundEntities(perChunk)).toEqual(alignEntities(passage, ['Curie', 'Paris']));
  });
});
