/**
 * Reader of CoNLL-style BIO files, turned into UniNER-style questions.
 *
 * Format: one token per line, `token<TAB or spaces>…<tag>` (the FIRST column is the token, the LAST
 * column the tag, so extra columns such as POS tags are ignored); a blank line ends a sentence;
 * `-DOCSTART-` lines are skipped (and end a sentence). Tags: `B-X`, `I-X`, `O`. An `I-X` that does not
 * continue an `X` entity starts a new one (IOB1 files and sloppy BIO both read sensibly).
 *
 * Each sentence becomes one passage, its tokens joined with single spaces (as the UniNER data does:
 * `naive Bayes classifier s ,`). For EVERY entity type that occurs anywhere in the file there is one
 * question per sentence, so sentences without that type get the gold `[]`, as in the official data.
 *
 * Type names: the label after `B-`/`I-`, with `_` and `-` replaced by spaces and lower-cased
 * (`B-Restaurant_Name` → `restaurant name`), unless `typeNames` maps the raw label (`Restaurant_Name`)
 * to another name. The official data sometimes uses other names (CrossNER `programlang` is asked as
 * `program language`); pass a map to match them.
 *
 * Question ids: `${dataset}_${sentence}#${typeIndex}` with 0-based sentence and type indices, types in
 * order of first appearance in the file.
 */

import { EvalDataError } from './conversations';
import type { EvalQuestion } from './question';

/** Options of {@link questionsFromConll}. */
export interface ConllOptions {
  /** Raw label (without `B-`/`I-`) → entity type name to ask. */
  readonly typeNames?: Readonly<Record<string, string>>;
}

interface Sentence {
  readonly tokens: string[];
  /** Entities by raw label, in order of appearance. */
  readonly entities: Map<string, string[]>;
}

/** The default type name of a raw label: `Restaurant_Name` → `restaurant name`. */
export function defaultTypeName(label: string): string {
  return label.replace(/[_-]+/g, ' ').trim().toLowerCase();
}

/** Split a CoNLL file into sentences with their entities, collecting the labels in order. */
function readSentences(text: string, where: string): { sentences: Sentence[]; labels: string[] } {
  const sentences: Sentence[] = [];
  const labels: string[] = [];
  let tokens: string[] = [];
  let spans: { label: string; start: number; end: number }[] = [];

  const flush = (): void => {
    if (tokens.length > 0) {
      const entities = new Map<string, string[]>();
      for (const span of spans) {
        const list = entities.get(span.label) ?? [];
        list.push(tokens.slice(span.start, span.end).join(' '));
        entities.set(span.label, list);
      }
      sentences.push({ tokens, entities });
    }
    tokens = [];
    spans = [];
  };

  // Every token line has the file's column count (set by its first token line): a line with more
  // would otherwise lose words ("New York B-LOC" read as the token "New").
  let columnCount: { count: number; line: number } | undefined;
  text.split(/\r?\n/).forEach((line, lineIndex) => {
    const columns = line
      .trim()
      .split(/\s+/)
      .filter((c) => c.length > 0);
    const token = columns[0];
    if (token === undefined || token === '-DOCSTART-') return flush();
    const tag = columns[columns.length - 1];
    if (columns.length < 2 || tag === undefined) {
      throw new EvalDataError(`${where}: line ${lineIndex + 1}: expected "token tag", got "${line}"`);
    }
    columnCount ??= { count: columns.length, line: lineIndex + 1 };
    if (columns.length !== columnCount.count) {
      throw new EvalDataError(
        `${where}: line ${lineIndex + 1}: ${columns.length} columns, but the file's token lines have ${columnCount.count} (from line ${columnCount.line}); a token cannot contain spaces: "${line.length > 80 ? `${line.slice(0, 80)}…` : line}"`,
      );
    }
    const position = tokens.length;
    tokens.push(token);
    if (tag === 'O') return;
    const match = /^([BI])-(.+)$/.exec(tag);
    if (match === null || match[1] === undefined || match[2] === undefined) {
      throw new EvalDataError(`${where}: line ${lineIndex + 1}: tag "${tag}" is not B-X, I-X or O`);
    }
    const label = match[2];
    if (!labels.includes(label)) labels.push(label);
    const last = spans[spans.length - 1];
    // An I- tag continues the entity only if it is adjacent and of the same label.
    if (match[1] === 'I' && last !== undefined && last.label === label && last.end === position) {
      last.end = position + 1;
    } else {
      spans.push({ label, start: position, end: position + 1 });
    }
  });
  flush();
  return { sentences, labels };
}

/** Parse one CoNLL BIO file into questions (see the module comment for ids and type names). */
export function questionsFromConll(
  text: string,
  dataset: string,
  options: ConllOptions = {},
  where = dataset,
): EvalQuestion[] {
  const { sentences, labels } = readSentences(text, where);
  const questions: EvalQuestion[] = [];
  sentences.forEach((sentence, s) => {
    const passage = sentence.tokens.join(' ');
    labels.forEach((label, t) => {
      // Distinct strings in order: the official parser dedupes anyway; this keeps the gold tidy.
      const gold = [...new Set(sentence.entities.get(label) ?? [])];
      questions.push({
        id: `${dataset}_${s}#${t}`,
        passage,
        entityType: options.typeNames?.[label] ?? defaultTypeName(label),
        goldAnswer: JSON.stringify(gold),
        dataset,
      });
    });
  });
  return questions;
}
