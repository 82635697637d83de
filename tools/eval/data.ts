/**
 * Loading evaluation data: a conversation-format JSON file, a CoNLL BIO file, or a folder of them;
 * and grouping questions by passage so the engine encodes each passage once.
 *
 * Files ending in `.json` are read as UniNER conversations; `.conll`, `.bio`, `.tsv` and (when named
 * directly) `.txt` as CoNLL BIO. A folder is read non-recursively, files sorted by name; `.txt` and
 * other files in a folder are ignored (a folder often holds a README.txt). Question ids must be unique
 * over everything loaded.
 */

import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { questionsFromConll, type ConllOptions } from './conll';
import { EvalDataError, questionsFromConversations } from './conversations';
import type { EvalQuestion } from './question';

export { EvalDataError } from './conversations';
export type { EvalQuestion } from './question';

const CONVERSATION_EXTENSIONS = new Set(['.json']);
const CONLL_EXTENSIONS = new Set(['.conll', '.bio', '.tsv', '.txt']);

/** Whether a file found in a data folder is read (`.txt` only when named directly). */
export function isDataFile(path: string): boolean {
  if (extname(path).toLowerCase() === '.txt') return false;
  const ext = extname(path).toLowerCase();
  return CONVERSATION_EXTENSIONS.has(ext) || CONLL_EXTENSIONS.has(ext);
}

async function loadFile(path: string, options: ConllOptions): Promise<EvalQuestion[]> {
  const ext = extname(path).toLowerCase();
  const dataset = basename(path, extname(path));
  const text = await readFile(path, 'utf8');
  if (CONVERSATION_EXTENSIONS.has(ext)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new EvalDataError(`${path}: not valid JSON (${(error as Error).message})`);
    }
    return questionsFromConversations(json, dataset, path);
  }
  if (CONLL_EXTENSIONS.has(ext)) return questionsFromConll(text, dataset, options, path);
  throw new EvalDataError(
    `${path}: unknown data file type (use .json conversations or .conll/.bio/.tsv/.txt BIO)`,
  );
}

/** Load every question of a data file or folder, in file order then item order. */
export async function loadQuestions(path: string, options: ConllOptions = {}): Promise<EvalQuestion[]> {
  const info = await stat(path).catch(() => {
    throw new EvalDataError(`${path}: no such file or folder`);
  });
  let files: string[];
  if (info.isDirectory()) {
    files = (await readdir(path))
      .filter(isDataFile)
      .sort()
      .map((name) => join(path, name));
    if (files.length === 0)
      throw new EvalDataError(`${path}: the folder holds no .json, .conll, .bio or .tsv data files`);
  } else {
    files = [path];
  }
  const questions: EvalQuestion[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    for (const question of await loadFile(file, options)) {
      const previous = seen.get(question.id);
      if (previous !== undefined) {
        throw new EvalDataError(
          `${file}: question id "${question.id}" already used in ${previous}; ids must be unique`,
        );
      }
      seen.set(question.id, file);
      questions.push(question);
    }
  }
  return questions;
}

/** The questions about one passage. */
export interface PassageGroup {
  readonly passage: string;
  /** The questions in data order. The same type can occur twice when a dataset repeats a sentence. */
  readonly questions: readonly EvalQuestion[];
  /** The distinct entity types of `questions`, in first-seen order: what to ask the engine. */
  readonly entityTypes: readonly string[];
}

/**
 * Group questions by identical passage text, groups in order of first appearance. Identical
 * sentences in different places (CrossNER AI has one) share a group: their answers are the same.
 */
export function groupByPassage(questions: readonly EvalQuestion[]): PassageGroup[] {
  const groups = new Map<string, EvalQuestion[]>();
  for (const question of questions) {
    const group = groups.get(question.passage);
    if (group === undefined) groups.set(question.passage, [question]);
    else group.push(question);
  }
  return [...groups].map(([passage, group]) => ({
    passage,
    questions: group,
    entityTypes: [...new Set(group.map((q) => q.entityType))],
  }));
}
