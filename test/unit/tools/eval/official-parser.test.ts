import { describe, expect, it } from 'vitest';
import { parseOfficialAnswer, parseOfficialRaw } from '../../../../tools/eval/official-parser';
import { OFFICIAL_PARSER_CASES } from './official-cases';

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

  it('is anchored at position 0: leading whitespace or prose gives []', () => {
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
