/**
 * CSV: a header row, then one document per row; the text column chosen (or a default), every
 * other column kept as metadata. Records are split as a stream (see lines.ts), each parsed by
 * papaparse with the delimiter it detected on the header.
 *
 * An unclosed quote would otherwise swallow every row after it into one field: a record that spans
 * several lines and does not parse into the header's columns (or runs past the length limit, or to
 * the end of the file) is reported once, naming the lines it swallowed, and those lines are read
 * again one per line, so the rows after the bad one still import.
 */
import Papa from 'papaparse';
import { splitLines } from './lines';
import {
  IdAllocator,
  listFields,
  missingFieldMessage,
  newDocument,
  problem,
  pickTextField,
  textProblem,
} from './records';
import type { ImportItem, ImportSource } from './types';

function parseRecord(text: string, delimiter?: string): { cells: string[]; error?: string } {
  const result = Papa.parse<string[]>(text, { ...(delimiter ? { delimiter } : {}), skipEmptyLines: false });
  const error = result.errors[0];
  return { cells: result.data[0] ?? [], ...(error ? { error: error.message } : {}) };
}

/** The physical lines of a record's text (LF, CRLF or CR). */
function physicalLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

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
  let documents = 0;
  let problems = 0;
  const maxLineChars = maxChars * 2 + 65_536; // "" escapes double a text at most

  /** One record (its text and first line) → a document or a problem; undefined for a blank line. */
  function row(
    text: string,
    line: number,
    invalidUtf8: boolean,
  ): ImportItem | 'bad-columns' | 'not-csv' | undefined {
    if (text.trim() === '') return undefined;
    const { cells, error } = parseRecord(text, delimiter);
    if (error) return 'not-csv';
    if (cells.length !== header!.length) return 'bad-columns';
    if (invalidUtf8)
      return problem(
        file,
        'invalid UTF-8 in the row (bytes that are not text); fix the encoding of the file',
        {
          line,
        },
      );
    const text_ = cells[textIndex]!;
    const bad = textProblem(text_, maxChars);
    if (bad) return problem(file, bad, { line });
    const meta: Record<string, unknown> = {};
    header!.forEach((name, index) => {
      if (index !== textIndex) meta[name] = cells[index];
    });
    const idIndex = header!.indexOf('id');
    return {
      kind: 'document',
      document: newDocument({
        id: ids.idFor(idIndex === -1 ? undefined : cells[idIndex], line),
        name: `${file} #${line}`,
        text: text_,
        meta,
      }),
    };
  }

  /** The problem of a record that did not parse into the header's columns. */
  function shapeProblem(text: string, line: number): ImportItem {
    const { cells, error } = parseRecord(text, delimiter);
    if (error) return problem(file, `not a CSV row: ${error}`, { line });
    return problem(
      file,
      `the row has ${plural(cells.length, 'column')}, the header ${header!.length} (${listFields(header!)})`,
      { line },
    );
  }

  function* counted(item: ImportItem | undefined): Generator<ImportItem> {
    if (!item) return;
    if (item.kind === 'document') documents++;
    if (item.kind === 'problem') problems++;
    yield item;
  }

  for await (const item of splitLines(source, {
    quoted: true,
    maxLineChars,
    ...(signal ? { signal } : {}),
  })) {
    if (item.kind === 'progress') {
      yield { kind: 'progress', bytesRead: item.bytesRead, totalBytes: source.size };
      continue;
    }
    if (item.kind === 'encoding') {
      yield* counted(problem(file, item.message));
      return;
    }
    const { line } = item;
    if (item.kind === 'too-long') {
      yield* counted(
        problem(
          file,
          `the row is ${item.chars.toLocaleString('en-US')} characters, too long for one document`,
          {
            line,
          },
        ),
      );
      if (!header) return; // no header, nothing below can be read
      continue;
    }
    if (!header) {
      if (item.text.trim() === '') continue;
      const parsed = Papa.parse<string[]>(item.text.replace(/^\uFEFF/, ''), { skipEmptyLines: false });
      header = (parsed.data[0] ?? []).map((name) => name.trim());
      delimiter = parsed.meta.delimiter;
      const field = pickTextField(header, textField);
      if (field === undefined) {
        yield* counted(problem(file, missingFieldMessage(header, textField, 'column'), { line }));
        return;
      }
      textIndex = header.indexOf(field);
      continue;
    }
    const result = item.unclosed ? undefined : row(item.text, line, item.invalidLines !== undefined);
    const misshapen = result === 'bad-columns' || result === 'not-csv';
    if (!(item.lines > 1 && (item.unclosed || misshapen))) {
      yield* counted(misshapen ? shapeProblem(item.text, line) : result);
      continue;
    }
    // A quote opened on `line` and never closed where it should: report it once, then read the
    // lines it swallowed one by one.
    const lines = physicalLines(item.text);
    // A record that ran to the end of the file ends with that file's last line break.
    if (lines.length > 1 && lines.at(-1) === '') lines.pop();
    if (lines.length === 1) {
      yield* counted(shapeProblem(item.text, line));
      continue;
    }
    const last = line + lines.length - 1;
    const swallowed = lines.length - 1;
    yield* counted(
      problem(
        file,
        `an unclosed quote: the row runs on over ${plural(swallowed, 'more line')} (to line ${last}${item.unclosed ? `, where it passed ${maxLineChars.toLocaleString('en-US')} characters` : ''}); this row is skipped and lines ${line + 1}–${last} are read again one by one`,
        { line },
      ),
    );
    // Cut at the limit, the last line was read only in part: it is skipped, and said so.
    const whole = item.unclosed ? lines.length - 1 : lines.length;
    for (let i = 1; i < whole; i++) {
      const again = row(lines[i]!, line + i, item.invalidLines?.includes(line + i) === true);
      yield* counted(
        again === 'bad-columns' || again === 'not-csv' ? shapeProblem(lines[i]!, line + i) : again,
      );
    }
    if (item.unclosed)
      yield* counted(
        problem(file, 'the row was cut where the unclosed quote above passed the limit; skipped', {
          line: last,
        }),
      );
  }
  if (documents === 0 && problems === 0)
    yield problem(
      file,
      header ? 'only a header row, no rows: no documents' : 'the file is empty: no documents',
    );
}
