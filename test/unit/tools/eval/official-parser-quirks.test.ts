// The official UniNER evaluation parser's quirks, case by case (moved here from a second copy of the parser
// that lived in workers/text/stream-parser.ts: the evaluation's parser is the one that counts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeAnswer as normalizeOfficial } from '../../../../tools/eval/normalize';
import {
  officialResponse,
  parseOfficialAnswer as parseOfficial,
  parseOfficialRaw as parseOfficialItems,
} from '../../../../tools/eval/official-parser';

describe('parseOfficial (UniNER evaluate.py parser)', () => {
  it('parses a plain list, normalizing and deduplicating', () => {
    expect(parseOfficial('["Barack Obama", "Hawaii"]')).toEqual(['barack obama', 'hawaii']);
    expect(parseOfficial('["The Beatles", "the  beatles!", "Beatles"]')).toEqual(['beatles']);
    expect(parseOfficial('[]')).toEqual([]);
  });

  it('keeps an item that normalizes to the empty string, as the original does', () => {
    expect(parseOfficial('["The", "x"]')).toEqual(['', 'x']);
  });

  it('a ] inside an entity cuts the match at the first ] and the whole answer is []', () => {
    expect(parseOfficial('["a]b"]')).toEqual([]);
    expect(parseOfficial('["x", "a]b"]')).toEqual([]);
    // An escaped bracket is not a `]` character, so it survives.
    expect(parseOfficialItems(String.raw`["a\u005db"]`)).toEqual(['a]b']);
  });

  it('matches only at position 0: a leading space or text gives []', () => {
    expect(parseOfficial(' ["a"]')).toEqual([]);
    expect(parseOfficial('Sure! ["a"]')).toEqual([]);
    expect(parseOfficial('\n["a"]')).toEqual([]);
  });

  it('a newline before the first ] gives [] (`.` does not match \\n)', () => {
    expect(parseOfficial('["a",\n"b"]')).toEqual([]);
    expect(parseOfficial('[\n]')).toEqual([]);
  });

  it('other line terminators are ordinary characters, unlike JavaScript `.`', () => {
    // \r and \u2028 between items are matched by Python's `.`; \r is JSON whitespace, \u2028 is not.
    expect(parseOfficial('["x",\r"y"]')).toEqual(['x', 'y']);
    expect(parseOfficial('["x",\u2028"y"]')).toEqual([]);
    // Inside a string \u2028 is a legal character; Python's split() then treats it as whitespace.
    expect(parseOfficial('["x\u2028y"]')).toEqual(['x y']);
  });

  it('ignores whatever follows the first ]', () => {
    expect(parseOfficial('["a1"] trailing ["b"]')).toEqual(['a1']);
    expect(parseOfficial('["a1"]\nmore')).toEqual(['a1']);
  });

  it('nested lists always give [] (cut at the inner ])', () => {
    expect(parseOfficial('[["a"]]')).toEqual([]);
    expect(parseOfficial('[["a", "b"], "c"]')).toEqual([]);
  });

  it('one non-string item makes the whole answer []', () => {
    expect(parseOfficial('[1, "a"]')).toEqual([]);
    expect(parseOfficial('["a", null]')).toEqual([]);
    expect(parseOfficial('["a", true]')).toEqual([]);
    expect(parseOfficial('[NaN]')).toEqual([]);
    expect(parseOfficial('[Infinity, "a"]')).toEqual([]);
  });

  it('invalid JSON gives []', () => {
    for (const answer of [
      "['a']",
      '["a",]',
      '["a" "b"]',
      '["a',
      '',
      'no list',
      '["\ta"]',
      String.raw`["\x"]`,
    ]) {
      expect(parseOfficial(answer)).toEqual([]);
    }
  });

  it('decodes escapes before normalizing', () => {
    expect(parseOfficialItems(String.raw`["Caf\u00e9", "\ud83d\ude00 x"]`)).toEqual(['Café', '😀 x']);
    expect(parseOfficial(String.raw`["Caf\u00e9"]`)).toEqual(['café']);
  });

  it('parseOfficialItems keeps items as written, duplicates included', () => {
    expect(parseOfficialItems('["The A", "the a"]')).toEqual(['The A', 'the a']);
    expect(parseOfficialItems('[1]')).toEqual([]);
  });
});

describe('normalizeOfficial (normalize_answer)', () => {
  it('lowers, drops ASCII punctuation, articles and extra whitespace', () => {
    expect(normalizeOfficial('  The  U.S. Army, an   army!  ')).toBe('us army army');
    expect(normalizeOfficial('A Tale of Two Cities')).toBe('tale of two cities');
  });

  it('drops punctuation before articles, so "t.he" becomes an article', () => {
    expect(normalizeOfficial('t.he x')).toBe('x');
  });

  it('keeps non-ASCII punctuation (string.punctuation is ASCII only)', () => {
    expect(normalizeOfficial('“Quoted” — dash…')).toBe('“quoted” — dash…');
  });

  it('uses Unicode word boundaries like Python 3 `\\b`', () => {
    expect(normalizeOfficial('éthe thé the1 1the theß')).toBe('éthe thé the1 1the theß');
    expect(normalizeOfficial('the x')).toBe('x');
    // Combining marks are not word characters in Python's re, so "the" before U+0301 is a word.
    expect(normalizeOfficial('the\u0301')).toBe('\u0301');
  });

  it("splits on Python's whitespace, not JavaScript's", () => {
    expect(normalizeOfficial('x\u001cy\u0085z')).toBe('x y z');
    expect(normalizeOfficial('\ufeffx')).toBe('\ufeffx');
  });

  it('lower-cases with the full Unicode mapping, like str.lower()', () => {
    expect(normalizeOfficial('İSTANBUL ΣΟΦΟΣ')).toBe('i̇stanbul σοφος');
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(normalizeOfficial(normalizeOfficial(s))).toBe(normalizeOfficial(s));
      }),
      { seed: 3 },
    );
  });
});

describe('officialResponse (get_response)', () => {
  it('takes the text after the last ASSISTANT: and strips Python whitespace', () => {
    expect(officialResponse(' ["a"] \n')).toBe('["a"]');
    expect(officialResponse('USER: q ASSISTANT: x ASSISTANT: ["a"]')).toBe('["a"]');
    expect(officialResponse('\u001c["a"]\u0085')).toBe('["a"]');
    expect(officialResponse('\ufeff["a"]')).toBe('\ufeff["a"]');
    expect(parseOfficial(officialResponse(' ["a1"]'))).toEqual(['a1']);
  });
});
