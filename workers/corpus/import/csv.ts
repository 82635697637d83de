/**
 * CSV: a header row, then one document per row; the text column chosen (or a default), every
 * other column kept as metadata. Records are split as a stream (see lines.ts), each parsed by
 * papaparse with the delimiter it detected on the header.
 */
import Papa from 'papaparse';
import { splitLines } from './lines';
import {
  IdAllocator,
  listFields,
  missingFieldMessage,
  newDocument,
  pickTextField,
  problem,
  textProblem,
} from './records';
import type { ImportItem, ImportSource } from './types';

function parseRecord(text: string, delimiter?: string): { cells: string[]; error?: string } {
  const result = Papa.parse<string[]>(text, { ...(delimiter ? { delimiter } : {}), skipEmptyLines: false });
  const error = result.errors[0];
  return { cells: result.data[0] ?? [], ...(error ? { error: error.message } : {}) };
}

export async function* importCsv(
  source: ImportSource,
  textField: string | undefined,
  maxChars: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<ImportItem> {
  const file = source.name;
  const ids = new IdAllocator(file);
  let header: string[] | undefined;
  let delimiter: string | undefined;
  let textIndex = -1;
  const maxLineChars = maxChars * 2 + 65_536; // "" escapes double a text at most
  for await (const item of splitLines(source, {
    quoted: true,
    maxLineChars,
    ...(signal ? { signal } : {}),
  })) {
    if (item.kind === 'progress') {
      yield { kind: 'progress', bytesRead: item.bytesRead, totalBytes: source.size };
      continue;
    }
    const { line } = item;
    if (item.kind === 'too-long') {
      yield problem(
        file,
        `the row is ${item.chars.toLocaleString('en-US')} characters, too long for one document`,
        { line },
      );
      if (!header) return; // no header, nothing below can be read
      continue;
    }
    if (item.text.trim() === '') continue;
    if (!header) {
      const parsed = Papa.parse<string[]>(item.text.replace(/^\uFEFF/, ''), { skipEmptyLines: false });
      header = (parsed.data[0] ?? []).map((name) => name.trim());
      delimiter = parsed.meta.delimiter;
      const field = pickTextField(header, textField);
      if (field === undefined) {
        yield problem(file, missingFieldMessage(header, textField, 'column'), { line });
        return;
      }
      textIndex = header.indexOf(field);
      continue;
    }
    const { cells, error } = parseRecord(item.text, delimiter);
    if (error) {
      yield problem(file, `not a CSV row: ${error}`, { line });
      continue;
    }
    if (cells.length !== header.length) {
      yield problem(
        file,
        `the row has ${cells.length} column${cells.length === 1 ? '' : 's'}, the header ${header.length} (${listFields(header)})`,
        { line },
      );
      continue;
    }
    const text = cells[textIndex]!;
    const bad = textProblem(text, maxChars);
    if (bad) {
      yield problem(file, bad, { line });
      continue;
    }
    const meta: Record<string, unknown> = {};
    header.forEach((name, index) => {
      if (index !== textIndex) meta[name] = cells[index];
    });
    const idIndex = header.indexOf('id');
    yield {
      kind: 'document',
      document: newDocument({
        id: ids.idFor(idIndex === -1 ? undefined : cells[idIndex], line),
        name: `${file} #${line}`,
        text,
        meta,
      }),
    };
  }
}
