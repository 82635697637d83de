/** JSONL: one JSON object per line, one document per object; blank lines are skipped. */
import { splitLines } from './lines';
import {
  deepestKey,
  IdAllocator,
  MAX_NESTING,
  missingFieldMessage,
  newDocument,
  pickTextField,
  problem,
  textProblem,
} from './records';
import type { ImportItem, ImportSource } from './types';

export async function* importJsonl(
  source: ImportSource,
  textField: string | undefined,
  maxChars: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<ImportItem> {
  const file = source.name;
  const ids = new IdAllocator(file);
  // JSON escapes can double a text's length (and \uXXXX make it six times); a line this long
  // cannot hold an acceptable document anyway, so it is dropped without being kept in memory.
  const maxLineChars = maxChars * 6 + 65_536;
  let documents = 0;
  let problems = 0;
  for await (const item of splitLines(source, {
    quoted: false,
    maxLineChars,
    ...(signal ? { signal } : {}),
  })) {
    if (item.kind === 'progress') {
      yield { kind: 'progress', bytesRead: item.bytesRead, totalBytes: source.size };
      continue;
    }
    if (item.kind === 'encoding') {
      yield problem(file, item.message);
      return;
    }
    const { line } = item;
    if (item.kind === 'too-long') {
      problems++;
      yield problem(
        file,
        `the line is ${item.chars.toLocaleString('en-US')} characters, too long for one document`,
        { line },
      );
      continue;
    }
    const raw = item.text.replace(/^\uFEFF/, '');
    if (raw.trim() === '') continue;
    problems++; // until it turns out a document
    if (item.invalidLines) {
      yield problem(
        file,
        'invalid UTF-8 in the line (bytes that are not text); fix the encoding of the file',
        {
          line,
        },
      );
      continue;
    }
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch (error) {
      yield problem(file, `not JSON: ${(error as Error).message}`, { line });
      continue;
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      const what = Array.isArray(record) ? 'an array' : record === null ? 'null' : `a ${typeof record}`;
      yield problem(file, `not a JSON object but ${what}`, { line });
      continue;
    }
    const fields = record as Record<string, unknown>;
    const keys = Object.keys(fields);
    const field = pickTextField(keys, textField);
    if (field === undefined) {
      yield problem(file, missingFieldMessage(keys, textField, 'field'), { line });
      continue;
    }
    const text = fields[field];
    if (typeof text !== 'string') {
      const what = text === null ? 'null' : Array.isArray(text) ? 'an array' : `a ${typeof text}`;
      yield problem(file, `the field ${JSON.stringify(field)} is ${what}, not a string`, { line });
      continue;
    }
    const bad = textProblem(text, maxChars);
    if (bad) {
      yield problem(file, bad, { line });
      continue;
    }
    const meta: Record<string, unknown> = {};
    for (const key of keys) if (key !== field) meta[key] = fields[key];
    const deep = deepestKey(meta, MAX_NESTING);
    if (deep !== undefined) {
      yield problem(
        file,
        `the field ${JSON.stringify(deep)} is nested more than ${MAX_NESTING} levels deep (the limit): not imported`,
        { line },
      );
      continue;
    }
    problems--;
    documents++;
    yield {
      kind: 'document',
      document: newDocument({ id: ids.idFor(fields.id, line), name: `${file} #${line}`, text, meta }),
    };
  }
  if (documents === 0 && problems === 0)
    yield problem(file, 'the file is empty (no lines, or only blank ones): no documents');
}
