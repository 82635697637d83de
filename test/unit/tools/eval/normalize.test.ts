import { describe, expect, it } from 'vitest';
import {
  answerWords,
  normalizeAndDedupe,
  normalizeAnswer,
  PYTHON_PUNCTUATION,
} from '../../../../tools/eval/normalize';

describe('normalizeAnswer', () => {
  it('lower-cases, drops punctuation, articles and extra whitespace', () => {
    expect(normalizeAnswer('  The  Quick, Brown   Fox! ')).toBe('quick brown fox');
  });

  it('drops punctuation before articles, without inserting spaces', () => {
    // "-" goes first, so "of-the-art" becomes one word and "the" is not an article any more.
    expect(normalizeAnswer('state-of-the-art')).toBe('stateoftheart');
    // "(" goes first, so "(the" becomes "the" and is then removed.
    expect(normalizeAnswer('(the) Beatles')).toBe('beatles');
  });

  it('removes only whole words a/an/the, with Unicode word boundaries like Python', () => {
    expect(normalizeAnswer('A Tale of Two Cities')).toBe('tale of two cities');
    expect(normalizeAnswer('theatre anthem ant')).toBe('theatre anthem ant');
    expect(normalizeAnswer('éthe the2 2the')).toBe('éthe the2 2the');
  });

  it('removes every character of string.punctuation and nothing else', () => {
    expect(PYTHON_PUNCTUATION).toHaveLength(32);
    expect(normalizeAnswer(`x${PYTHON_PUNCTUATION}y`)).toBe('xy');
    expect(normalizeAnswer('naïve “quotes” — dash')).toBe('naïve “quotes” — dash');
  });

  it('splits on Python whitespace (not on U+FEFF, yes on U+001C and U+0085)', () => {
    expect(normalizeAnswer('a\u001cb\u0085c\u00a0d')).toBe('b c d');
    expect(normalizeAnswer('x\ufeffy')).toBe('x\ufeffy');
  });

  it('can produce the empty string', () => {
    expect(normalizeAnswer('The')).toBe('');
    expect(normalizeAnswer('...')).toBe('');
  });
});

describe('normalizeAndDedupe / answerWords', () => {
  it('keeps the first of equal normalised strings', () => {
    expect(normalizeAndDedupe(['New York', 'new york.', 'the New York', 'Boston'])).toEqual([
      'new york',
      'boston',
    ]);
  });

  it('splits normalised answers into words', () => {
    expect(answerWords('new york')).toEqual(['new', 'york']);
    expect(answerWords('')).toEqual([]);
  });
});
