import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { alignEntities, createAligner } from '../../../../workers/text/span-alignment';
import type { FoundEntity } from '../../../../workers/protocol';

function align(passage: string, entity: string): FoundEntity {
  return createAligner(passage).align(entity);
}

/** The passage text under each span, for readable assertions. */
function texts(passage: string, found: FoundEntity): string[] {
  return found.spans.map((s) => passage.slice(s.start, s.end));
}

describe('exact matches', () => {
  const passage = 'Barack Obama met Michelle Obama in Chicago. Obama smiled.';

  it('finds every occurrence with UTF-16 offsets', () => {
    expect(align(passage, 'Obama')).toEqual({
      text: 'Obama',
      match: 'exact',
      spans: [
        { start: 7, end: 12 },
        { start: 26, end: 31 },
        { start: 44, end: 49 },
      ],
    });
    expect(align(passage, 'Barack Obama')).toEqual({
      text: 'Barack Obama',
      match: 'exact',
      spans: [{ start: 0, end: 12 }],
    });
  });

  it('occurrences of one string do not overlap', () => {
    expect(align('aaaa', 'aa').spans).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 4 },
    ]);
    expect(align('aaa', 'aa').spans).toEqual([{ start: 0, end: 2 }]);
  });

  it('finds strings with punctuation and at the passage edges', () => {
    const p = '(U.S.) and C++ in U.S.';
    expect(texts(p, align(p, 'U.S.'))).toEqual(['U.S.', 'U.S.']);
    expect(align(p, '(U.S.)').spans).toEqual([{ start: 0, end: 6 }]);
    expect(align(p, 'C++').match).toBe('exact');
  });

  it('keeps overlapping occurrences of different strings', () => {
    const found = alignEntities(passage, ['Barack Obama', 'Obama']);
    expect(found[0]!.spans).toEqual([{ start: 0, end: 12 }]);
    expect(found[1]!.spans[0]).toEqual({ start: 7, end: 12 });
  });
});

describe('whole-word preference', () => {
  it('reports only the whole-word occurrences when there are any', () => {
    const p = 'Artists love art; an artful art.';
    expect(texts(p, align(p, 'art'))).toEqual(['art', 'art']);
    expect(align(p, 'art').spans).toEqual([
      { start: 13, end: 16 },
      { start: 28, end: 31 },
    ]);
  });

  it('reports occurrences inside words when there is nothing else', () => {
    const p = 'The Startup started.';
    expect(align(p, 'tart')).toEqual({
      text: 'tart',
      match: 'exact',
      spans: [
        { start: 5, end: 9 },
        { start: 13, end: 17 },
      ],
    });
  });

  it('prefers a whole-word tolerant match over an exact match inside a word', () => {
    const p = 'Start the Art.';
    expect(align(p, 'art')).toEqual({ text: 'art', match: 'tolerant', spans: [{ start: 10, end: 13 }] });
  });

  it('treats digits, underscores and non-ASCII letters as word characters', () => {
    expect(align('x1 abc_def Köln', 'x').match).toBe('exact');
    expect(align('x1 x', 'x').spans).toEqual([{ start: 3, end: 4 }]);
    expect(align('abc_def def', 'def').spans).toEqual([{ start: 8, end: 11 }]);
    expect(align('Kölner Köln', 'Köln').spans).toEqual([{ start: 7, end: 11 }]);
    expect(align('東京都 東京', '東京').spans).toEqual([{ start: 4, end: 6 }]);
  });

  it('a string that starts or ends with punctuation is whole at that end', () => {
    expect(align('foo(bar)baz', '(bar)').spans).toEqual([{ start: 3, end: 8 }]);
    expect(align('foo(bar)baz', '(bar)').match).toBe('exact');
  });
});

describe('tolerant matches', () => {
  it('ignores case', () => {
    const p = 'The WORLD HEALTH ORGANIZATION said.';
    expect(align(p, 'World Health Organization')).toEqual({
      text: 'World Health Organization',
      match: 'tolerant',
      spans: [{ start: 4, end: 29 }],
    });
  });

  it('matches any whitespace run with any whitespace run, in either string', () => {
    const p = 'New\n  York and New\u00a0York';
    expect(texts(p, align(p, 'New York'))).toEqual(['New\n  York', 'New\u00a0York']);
    expect(align(p, 'New York').match).toBe('tolerant');
    expect(texts('New York', align('New York', 'New \t\n York'))).toEqual(['New York']);
  });

  it('trims the string instead of highlighting surrounding whitespace', () => {
    const p = 'Barack Obama';
    expect(align(p, ' Obama ')).toEqual({
      text: ' Obama ',
      match: 'tolerant',
      spans: [{ start: 7, end: 12 }],
    });
  });

  it('keeps offsets right when folding changes length (ß → ss, İ → i̇)', () => {
    const p = 'Die Straße in İSTANBUL und STRASSE';
    expect(texts(p, align(p, 'STRASSE'))).toEqual(['STRASSE']); // exact wins
    expect(align(p, 'strasse')).toEqual({
      text: 'strasse',
      match: 'tolerant',
      spans: [
        { start: 4, end: 10 },
        { start: 27, end: 34 },
      ],
    });
    expect(texts(p, align(p, 'İstanbul'))).toEqual(['İSTANBUL']);
    expect(align(p, 'İstanbul').spans).toEqual([{ start: 14, end: 22 }]);
    // Like Unicode case folding, İ is i + combining dot: it does not match a plain i.
    expect(align(p, 'istanbul').match).toBe('none');
  });

  it('does not match part of a folded expansion (s inside ß)', () => {
    expect(align('Maß', 'mas').match).toBe('none');
    expect(align('Maß', 'MASS').spans).toEqual([{ start: 0, end: 3 }]);
  });

  it('matches Greek sigma forms', () => {
    const p = 'ΟΔΥΣΣΕΥΣ and Οδυσσευς';
    expect(texts(p, align(p, 'οδυσσευς'))).toEqual(['ΟΔΥΣΣΕΥΣ', 'Οδυσσευς']);
  });

  it('treats NFC and NFD as equal, with offsets in the passage form', () => {
    const nfd = 'Cafe\u0301 de Flore, cafe\u0301';
    const nfc = 'Café';
    expect(align(nfd, nfc)).toEqual({
      text: nfc,
      match: 'tolerant',
      spans: [
        { start: 0, end: 5 },
        { start: 16, end: 21 },
      ],
    });
    const nfcPassage = 'Le Café.';
    expect(align(nfcPassage, 'Cafe\u0301')).toEqual({
      text: 'Cafe\u0301',
      match: 'tolerant',
      spans: [{ start: 3, end: 7 }],
    });
  });

  it('treats different orders of combining marks as equal (canonical ordering)', () => {
    const p = 'x q\u0323\u0307 y'; // dot below (ccc 220) then dot above (ccc 230)
    expect(align(p, 'q\u0307\u0323').spans).toEqual([{ start: 2, end: 5 }]);
  });

  it('matches precomposed Hangul with conjoining jamo', () => {
    const jamo = '한국'.normalize('NFD');
    expect(jamo.length).toBe(6);
    expect(align(`서울 ${jamo}`, '한국').spans).toEqual([{ start: 3, end: 9 }]);
    expect(align('서울 한국', jamo).spans).toEqual([{ start: 3, end: 5 }]);
  });
});

describe('never splits characters', () => {
  it('does not end a match between a base character and its combining mark', () => {
    const p = 'Cafe\u0301';
    expect(align(p, 'Cafe')).toEqual({ text: 'Cafe', spans: [], match: 'none' });
    expect(align(p, 'e').match).toBe('none');
    expect(align(p, '\u0301').match).toBe('none');
  });

  it('does not match a lone half of a surrogate pair', () => {
    const p = 'a😀b';
    expect(align(p, '\ud83d').match).toBe('none');
    expect(align(p, '\ude00').match).toBe('none');
    expect(align(p, '😀').spans).toEqual([{ start: 1, end: 3 }]);
  });

  it('finds astral-plane letters with correct offsets', () => {
    const p = '𝐀𝐁 and 𝐀𝐁';
    expect(align(p, '𝐀𝐁').spans).toEqual([
      { start: 0, end: 4 },
      { start: 9, end: 13 },
    ]);
  });

  it('does not match a piece of an emoji sequence', () => {
    const family = '👨\u200d👩\u200d👧';
    expect(align(`${family} 👨`, '👨').spans).toEqual([{ start: family.length + 1, end: family.length + 3 }]);
    expect(align('👍🏽 👍', '👍').spans).toEqual([{ start: 5, end: 7 }]);
    expect(align(`${family}`, family).spans).toEqual([{ start: 0, end: family.length }]);
  });

  it('property: every span is a unit-safe slice whose fold equals the entity', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom('a', 'A', 'é', 'e\u0301', 'ß', 'SS', ' ', '\n', '😀', 'İ', 'i', '\u0307', 'x'),
          { maxLength: 30 },
        ),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 6 }),
        (pieces, at, len) => {
          const passage = pieces.join('');
          const entity = pieces.slice(at, at + len).join('');
          const found = align(passage, entity);
          for (const { start, end } of found.spans) {
            expect(start).toBeLessThan(end);
            expect(end).toBeLessThanOrEqual(passage.length);
            const slice = passage.slice(start, end);
            expect(/\p{Cs}/u.test(slice)).toBe(false); // no lone surrogate
            if (found.match === 'exact') expect(slice).toBe(entity);
            if (found.match === 'tolerant') {
              const fold = (s: string) =>
                s.trim().replace(/\s+/g, ' ').normalize('NFD').toUpperCase().toLowerCase().normalize('NFD');
              expect(fold(slice)).toBe(fold(entity));
            }
          }
          // A string cut out of the passage on unit boundaries is always found.
          if (entity.trim() !== '' && pieces[at] !== '\u0307' && pieces[at + len] !== '\u0307') {
            expect(found.match).not.toBe('none');
          }
        },
      ),
      { seed: 5, numRuns: 1000 },
    );
  });
});

describe('not found', () => {
  it('gives no spans and match none for invented strings', () => {
    expect(align('Barack Obama', 'Joe Biden')).toEqual({ text: 'Joe Biden', spans: [], match: 'none' });
    expect(align('Barack Obama', 'Barack  Obamas').match).toBe('none');
  });

  it('gives none for empty and blank strings', () => {
    expect(align('a b', '')).toEqual({ text: '', spans: [], match: 'none' });
    expect(align('a b', ' ')).toEqual({ text: ' ', spans: [], match: 'none' });
  });

  it('does not let punctuation or accents match loosely', () => {
    expect(align('Cafe', 'Café').match).toBe('none');
    expect(align('U.S.', 'US').match).toBe('none');
  });
});

describe('alignEntities', () => {
  it('dedupes exact duplicates, keeps order and reuses one index', () => {
    const p = 'Paris and paris and London.';
    const found = alignEntities(p, ['paris', 'London', 'paris', 'Rome', 'PARIS']);
    expect(found.map((f) => [f.text, f.match, texts(p, f)])).toEqual([
      ['paris', 'exact', ['paris']],
      ['London', 'exact', ['London']],
      ['Rome', 'none', []],
      ['PARIS', 'tolerant', ['Paris', 'paris']],
    ]);
  });

  it('handles a large passage quickly enough', () => {
    const sentence = 'Marie Curie worked in Paris with Pierre Curie. ';
    const passage = sentence.repeat(20_000); // ~1 MB
    const aligner = createAligner(passage);
    expect(aligner.align('Marie Curie').spans).toHaveLength(20_000);
    expect(aligner.align('marie curie').match).toBe('tolerant');
    expect(aligner.align('PARIS').spans).toHaveLength(20_000);
  });
});
