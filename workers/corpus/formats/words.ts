/**
 * Word tokenisation for the token-level exports (CoNLL): a word is a run of letters, digits and
 * underscores, joined across one inner apostrophe, hyphen, period, comma, at sign or slash ("don't",
 * "e-mail", "3.5", "1,000", "U.S", "a/b"); every other non-space character is a token of its own
 * ("London," → "London" ","). Whitespace separates and is never part of a token. Close to, but not the
 * same as, NLTK's Treebank tokenizer that Label Studio's converter uses ("don't" stays one token here,
 * "U.S." ends in its own "." here): see test/unit/workers/corpus/formats/real-tools.test.ts.
 */

/** A token of the text with its half-open UTF-16 range. */
export interface WordToken {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const WORD = /[\p{L}\p{M}\p{N}_]+(?:[-'’.,@/][\p{L}\p{M}\p{N}_]+)*|\S/gu;

/** The words and punctuation of `text`, in order. */
export function wordTokens(text: string): WordToken[] {
  const tokens: WordToken[] = [];
  for (const match of text.matchAll(WORD)) {
    tokens.push({ text: match[0], start: match.index, end: match.index + match[0].length });
  }
  return tokens;
}
