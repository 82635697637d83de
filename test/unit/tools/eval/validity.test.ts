import { describe, expect, it } from 'vitest';
import { countValidity, isJsonStringList } from '../../../../tools/eval/validity';

const PASSAGE = 'Barack Obama was born in Hawaii .';
const one = (output: string | undefined) => countValidity([{ output, passage: PASSAGE }]);

describe('isJsonStringList', () => {
  it.each([
    ['[]', true],
    ['["a", "b"]', true],
    ['["a",\n"b"]', true],
    ['["a"] and more', false],
    ['["a", 1]', false],
    ['{"a": 1}', false],
    ['"a"', false],
    ['', false],
  ])('%j → %s', (text, expected) => expect(isJsonStringList(text)).toBe(expected));
});

describe('countValidity', () => {
  it('counts nothing for well-formed answers of passage strings', () => {
    expect(one('["Barack Obama", "Hawaii"]')).toEqual({
      answers: 1,
      invalidJsonAnswers: 0,
      officialFallbacks: 0,
      predictedStrings: 2,
      emptyStrings: 0,
      notInPassage: 0,
      notInPassageIgnoringCase: 0,
    });
    // get_response strips first, as the scorer does; an empty list is valid and predicts nothing.
    expect(one(' []\n')).toMatchObject({ invalidJsonAnswers: 0, officialFallbacks: 0, predictedStrings: 0 });
  });

  it('tells strict JSON validity from the official fallback to []', () => {
    // The official parser reads the list and ignores the rest; strict JSON does not.
    expect(one('["Hawaii"] and more')).toMatchObject({
      invalidJsonAnswers: 1,
      officialFallbacks: 0,
      predictedStrings: 1,
    });
    // Prose first: both.
    expect(one('Sure: ["Hawaii"]')).toMatchObject({
      invalidJsonAnswers: 1,
      officialFallbacks: 1,
      predictedStrings: 0,
    });
    // A non-string item: both (the official code empties the answer).
    expect(one('["Hawaii", 3]')).toMatchObject({ invalidJsonAnswers: 1, officialFallbacks: 1 });
    // Valid JSON the official regex cannot read: a list over two lines, an entity with "]".
    expect(one('["Hawaii",\n"Obama"]')).toMatchObject({ invalidJsonAnswers: 0, officialFallbacks: 1 });
    expect(one('["Haw]aii"]')).toMatchObject({ invalidJsonAnswers: 0, officialFallbacks: 1 });
    // Nothing generated at all.
    expect(one('')).toMatchObject({ invalidJsonAnswers: 1, officialFallbacks: 1 });
  });

  it('counts strings not in the passage, exactly and ignoring case, once per question', () => {
    expect(one('["hawaii", "Michelle Obama", "Hawaii", "", "hawaii"]')).toMatchObject({
      predictedStrings: 4, // "hawaii" twice is one string
      emptyStrings: 1,
      notInPassage: 3, // "hawaii" (case), "Michelle Obama", "" (empty never counts as in)
      notInPassageIgnoringCase: 2, // "Michelle Obama", ""
    });
  });

  it('skips missing predictions and sums over questions', () => {
    expect(
      countValidity([
        { output: undefined, passage: PASSAGE },
        { output: 'no', passage: PASSAGE },
        { output: '["Paris"]', passage: 'Paris .' },
        { output: '["Paris"]', passage: PASSAGE },
      ]),
    ).toEqual({
      answers: 3,
      invalidJsonAnswers: 1,
      officialFallbacks: 1,
      predictedStrings: 2,
      emptyStrings: 0,
      notInPassage: 1,
      notInPassageIgnoringCase: 1,
    });
  });
});
