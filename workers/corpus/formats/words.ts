/**
 * Word tokenisation for the token-level exports (CoNLL): a word is a run of letters, digits and
 * underscores, joined across one inner apostrophe, hyphen, period, comma, at sign or slash ("o'clock",
 * "e-mail", "3.5", "1,000", "U.S", "a/b"), with English clitics split off its end ("don't" → "do"
 * "n't", "Ada's" → "Ada" "'s"); every other non-space character is a token of its own ("London," →
 * "London" ","). Whitespace separates and is never part of a token. Close to, but not the same as,
 * NLTK's Treebank tokenizer that Label Studio's converter uses ("Mr." and "U.S." end in their own "."
 * here): see test/unit/workers/corpus/formats/real-tools.test.ts.
 */

/** A token of the text with its half-open UTF-16 range. */
export interface WordToken {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Besides JavaScript's whitespace (\s), Python's `str.split()` and `splitlines()` break on NEL (U+0085)
 * and the information separators U+001C..U+001F: a token holding one would come apart in a reader.
 */
const SEPARATORS = '\\s\\u0085\\u001c-\\u001f';

const WORD = new RegExp(`[\\p{L}\\p{M}\\p{N}_]+(?:[-'’.,@/][\\p{L}\\p{M}\\p{N}_]+)*|[^${SEPARATORS}]`, 'gu');

/** Runs of what separates tokens (for labels, which must stay one column). */
export const SEPARATOR_RUN = new RegExp(`[${SEPARATORS}]+`, 'gu');

/** English clitics split off a word's end, as Treebank and spaCy do: "don't" → "do" "n't". */
const CLITIC = /^(.+?)(n['’]t|['’](?:s|re|ve|ll|d|m))$/i;

/** The words and punctuation of `text`, in order. */
export function wordTokens(text: string): WordToken[] {
  const tokens: WordToken[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    const start = match.index;
    const clitic = CLITIC.exec(word);
    if (clitic) {
      const stem = clitic[1]!.length;
      tokens.push({ text: word.slice(0, stem), start, end: start + stem });
      tokens.push({ text: word.slice(stem), start: start + stem, end: start + word.length });
    } else tokens.push({ text: word, start, end: start + word.length });
  }
  return tokens;
}
