import { describe, expect, it } from 'vitest';
import {
  officialResponse,
  parseOfficialAnswer,
  parseOfficialOutput,
  parseOfficialRaw,
  pythonStrip,
} from '../../../../tools/eval/official-parser';
import { OFFICIAL_PARSER_CASES, OFFICIAL_PIPELINE_CASES } from './official-cases';

describe('parseOfficialAnswer', () => {
  it.each(OFFICIAL_PARSER_CASES)('matches the official Python parser on %j', (input, expected) => {
    expect(parseOfficialAnswer(input)).toEqual(expected);
  });

  it('ends the match at the first "]": an entity containing "]" empties the answer', () => {
    expect(parseOfficialAnswer('["array[i]", "x"]')).toEqual([]);
  });

  it('ignores everything after the first "]", even another list', () => {
    expect(parseOfficialAnswer('["Paris"] ["London"]')).toEqual(['paris']);
  });

  it('does not cross newlines but does cross "\\r" (Python "." excludes only "\\n")', () => {
    expect(parseOfficialAnswer('["a",\n "b"]')).toEqual([]);
    expect(parseOfficialAnswer('["x",\r "y"]')).toEqual(['x', 'y']);
  });

  it('is anchored at position 0: leading whitespace or prose gives [] (parser alone, as for gold)', () => {
    expect(parseOfficialAnswer(' ["Paris"]')).toEqual([]);
    expect(parseOfficialAnswer('Answer: ["Paris"]')).toEqual([]);
  });

  it('never parses nested lists (the inner "]" ends the match)', () => {
    expect(parseOfficialAnswer('[["a", "b"], ["c"]]')).toEqual([]);
  });

  it('empties the whole answer when any item is not a string, like the official exception path', () => {
    expect(parseOfficialAnswer('["Paris", 3]')).toEqual([]);
    expect(parseOfficialAnswer('["Paris", null]')).toEqual([]);
    expect(parseOfficialAnswer('["Paris", NaN]')).toEqual([]);
    expect(parseOfficialAnswer('[{"name": "Paris"}]')).toEqual([]);
  });

  it('rejects non-JSON lists (single quotes, trailing commas)', () => {
    expect(parseOfficialAnswer("['Paris']")).toEqual([]);
    expect(parseOfficialAnswer('["Paris",]')).toEqual([]);
  });

  it('normalises and dedupes in first-seen order', () => {
    expect(parseOfficialAnswer('["The U.S.", "US", "an Apple", "apple", "U.S"]')).toEqual(['us', 'apple']);
  });

  it('handles empty answers', () => {
    expect(parseOfficialAnswer('')).toEqual([]);
    expect(parseOfficialAnswer('[]')).toEqual([]);
    expect(parseOfficialAnswer('[""]')).toEqual(['']);
  });
});

describe('parseOfficialRaw', () => {
  it('returns the strings before normalisation', () => {
    expect(parseOfficialRaw('["The U.S.", "The U.S."]')).toEqual(['The U.S.', 'The U.S.']);
    expect(parseOfficialRaw('not a list')).toEqual([]);
  });
});

describe('parseOfficialOutput (get_response, then parser)', () => {
  it.each(OFFICIAL_PIPELINE_CASES)('matches the official Python pipeline on %j', (input, expected) => {
    expect(parseOfficialOutput(input)).toEqual(expected);
  });

  it('agrees with parser alone on every output that get_response leaves unchanged', () => {
    for (const [input, expected] of OFFICIAL_PARSER_CASES)
      if (officialResponse(input) === input) expect(parseOfficialOutput(input)).toEqual(expected);
  });
});

describe('officialResponse', () => {
  it('keeps the text after the LAST "ASSISTANT:" (case-sensitive), stripped', () => {
    expect(officialResponse(' ["a"] ')).toBe('["a"]');
    expect(officialResponse('x ASSISTANT: ["a"] ASSISTANT:\n ["b"]\n')).toBe('["b"]');
    expect(officialResponse('assistant: ["a"]')).toBe('assistant: ["a"]');
    expect(officialResponse('ASSISTANT:')).toBe('');
  });
});

describe('pythonStrip', () => {
  it("strips exactly what Python 3's str.strip() strips, not JavaScript's trim() set", () => {
    const pythonSpace =
      '\t\n\v\f\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
    expect(pythonStrip(`${pythonSpace}x y${pythonSpace}`)).toBe('x y');
    // Python keeps these; JavaScript's trim() would remove U+FEFF.
    for (const kept of ['\ufeff', '\u200b', '\u180e', '\u00ad'])
      expect(pythonStrip(`${kept}x${kept}`)).toBe(`${kept}x${kept}`);
    expect(pythonStrip('')).toBe('');
    expect(pythonStrip(' \u3000 ')).toBe('');
  });
});
