/**
 * CoNLL-2003-style BIO, one document after another:
 *
 *     -DOCSTART- -X- -X- O
 *     <blank>
 *     Ada -X- _ B-person
 *     Lovelace -X- _ I-person
 *     …
 *     <blank>
 *
 * One `token -X- _ tag` line per word (see words.ts), the columns Label Studio's CONLL2003 export
 * writes; a blank line where the text breaks a line between two tokens (a sentence or paragraph
 * break) and after each document. Tags are `B-`/`I-` + the label with whitespace turned into `_`
 * ("programming language" → `programming_language`), since a column cannot hold a space.
 *
 * The effective spans are written (a person's spans and model spans nobody rejected). BIO holds one
 * tag per token, so two things are reported in `problems` instead of being bent into the output:
 * a span whose ends fall inside a word (never widened to the whole word), and a span that shares a
 * token with a longer (then earlier) span already written.
 */
import { effectiveSpans, type CorpusSpan, type DocumentWithSpans } from '../document';
import { describeSpan } from './span-check';
import { SEPARATOR_RUN, wordTokens } from './words';

/** A span an export could not write faithfully, and why. */
export interface ExportProblem {
  /** The document's id. */
  readonly document: string;
  readonly span: CorpusSpan;
  readonly message: string;
}

/** One document's CoNLL block and what it left out. */
export interface ConllBlock {
  readonly text: string;
  readonly problems: ExportProblem[];
}

/** The CoNLL header line of every document. */
export const CONLL_DOCSTART = '-DOCSTART- -X- -X- O';

/** A BIO tag never contains whitespace: `programming language` → `programming_language`. */
export function conllLabel(label: string): string {
  return label.replace(SEPARATOR_RUN, ' ').trim().replace(SEPARATOR_RUN, '_');
}

/** The CoNLL block of one document: `-DOCSTART-`, a blank line, its tokens, a blank line. */
export function conllBlock({ document, spans }: DocumentWithSpans): ConllBlock {
  const text = document.text;
  const tokens = wordTokens(text);
  const tags = tokens.map(() => 'O');
  const problems: ExportProblem[] = [];
  const startIndex = new Map(tokens.map((t, i) => [t.start, i]));
  const endIndex = new Map(tokens.map((t, i) => [t.end, i]));
  const placed: { span: CorpusSpan; first: number; last: number }[] = [];
  for (const span of effectiveSpans(spans)) {
    const first = startIndex.get(span.start);
    const last = endIndex.get(span.end);
    if (first === undefined || last === undefined || last < first) {
      problems.push({
        document: document.id,
        span,
        message: `span ${describeSpan(text, span)} does not start and end on word boundaries; left out, not widened`,
      });
      continue;
    }
    placed.push({ span, first, last });
  }
  placed.sort((a, b) => b.last - b.first - (a.last - a.first) || a.first - b.first);
  const owner = new Array<CorpusSpan | undefined>(tokens.length);
  for (const { span, first, last } of placed) {
    const clash = owner.slice(first, last + 1).find(Boolean);
    if (clash) {
      problems.push({
        document: document.id,
        span,
        message: `span ${describeSpan(text, span)} overlaps ${describeSpan(text, clash)}; BIO holds one tag per token, left out`,
      });
      continue;
    }
    for (let i = first; i <= last; i++) {
      owner[i] = span;
      tags[i] = `${i === first ? 'B' : 'I'}-${conllLabel(span.label)}`;
    }
  }
  let out = `${CONLL_DOCSTART}\n\n`;
  tokens.forEach((token, i) => {
    if (i > 0 && text.slice(tokens[i - 1]!.end, token.start).includes('\n')) out += '\n';
    out += `${token.text} -X- _ ${tags[i]}\n`;
  });
  return { text: out + '\n', problems };
}
