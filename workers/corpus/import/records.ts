/**
 * What JSONL and CSV share: picking the text field of one record, its id, its metadata, and the
 * document or problem that comes out.
 */
import type { CorpusDocument } from '../document';
import { DEFAULT_TEXT_FIELDS, type ImportItem } from './types';

/** The text field of a record: the chosen one, else the first default present. */
export function pickTextField(keys: readonly string[], chosen: string | undefined): string | undefined {
  if (chosen !== undefined) return keys.includes(chosen) ? chosen : undefined;
  return DEFAULT_TEXT_FIELDS.find((field) => keys.includes(field));
}

/** A short list of field names for a message: `"a", "b", "c"`. */
export function listFields(keys: readonly string[]): string {
  if (keys.length === 0) return 'none';
  const shown = keys.slice(0, 12).map((key) => JSON.stringify(key));
  return keys.length > 12 ? `${shown.join(', ')} … (${keys.length} in all)` : shown.join(', ');
}

/** What to say when a record has no usable text field. */
export function missingFieldMessage(
  keys: readonly string[],
  chosen: string | undefined,
  what: string,
): string {
  const wanted =
    chosen !== undefined
      ? `no ${what} ${JSON.stringify(chosen)}`
      : `no text ${what} (tried ${DEFAULT_TEXT_FIELDS.join(', ')})`;
  return `${wanted}; the ${what}s are ${listFields(keys)}`;
}

/**
 * Ids stay unique within one file: the record's own `id` where it is a non-empty string or number
 * not seen before, else `<file>:<line>`. The set holds ids only (short strings), never texts.
 */
export class IdAllocator {
  readonly #seen = new Set<string>();
  constructor(private readonly file: string) {}

  idFor(own: unknown, line: number): string {
    const candidate =
      typeof own === 'string' && own.trim() !== '' ? own : typeof own === 'number' ? String(own) : undefined;
    const id = candidate !== undefined && !this.#seen.has(candidate) ? candidate : `${this.file}:${line}`;
    this.#seen.add(id);
    return id;
  }
}

/** A fresh, never-run document. */
export function newDocument(fields: {
  id: string;
  name: string;
  text: string;
  meta: Record<string, unknown>;
  pages?: CorpusDocument['pages'];
}): CorpusDocument {
  return {
    id: fields.id,
    name: fields.name,
    text: fields.text,
    meta: fields.meta,
    ...(fields.pages ? { pages: fields.pages } : {}),
    types: [],
    status: 'pending',
    reviewed: false,
  };
}

/** A problem item. */
export function problem(
  file: string,
  message: string,
  where: { line?: number; page?: number } = {},
): ImportItem {
  return { kind: 'problem', problem: { file, ...where, message } };
}

/** The checks every document's text passes: not only whitespace, not over the size limit. */
export function textProblem(text: string, maxChars: number): string | undefined {
  if (text.trim() === '') return text === '' ? 'the text is empty' : 'the text is only whitespace';
  if (text.length > maxChars)
    return `the text is ${text.length.toLocaleString('en-US')} characters, over the limit of ${maxChars.toLocaleString('en-US')}`;
  return undefined;
}

/** How deep a record's values may nest: deeper ones would overflow the stack of a writer later. */
export const MAX_NESTING = 64;

/**
 * The first key of `record` whose value nests deeper than `limit` arrays/objects, found without
 * recursion (a 100,000-deep value must not overflow the stack here either); undefined when none.
 */
export function deepestKey(record: Record<string, unknown>, limit: number): string | undefined {
  for (const [key, value] of Object.entries(record)) {
    const stack: [unknown, number][] = [[value, 1]];
    while (stack.length) {
      const [node, depth] = stack.pop()!;
      if (typeof node !== 'object' || node === null) continue;
      if (depth > limit) return key;
      for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
    }
  }
  return undefined;
}
