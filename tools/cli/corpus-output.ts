/**
 * The corpus run's results file: one JSON line per document, written whole as each document
 * finishes, and read back (streaming) by `--resume` to skip what is already there. A line cut off
 * by a kill is dropped from the file before appending, so the file stays valid JSONL.
 */
import { closeSync, createReadStream, ftruncateSync, openSync, writeSync } from 'node:fs';
import type { DocumentWithSpans } from '../../workers/corpus/document';

/**
 * The results line of one document: `{"id","name","text","spans":[{"start","end","label","source","score"?}],"meta","pages"?}`.
 * The one place a formatter (`--format`) plugs in.
 */
export function resultLine({ document, spans }: DocumentWithSpans): string {
  return JSON.stringify({
    id: document.id,
    name: document.name,
    text: document.text,
    spans: spans.map(({ start, end, label, source, score }) => ({
      start,
      end,
      label,
      source,
      ...(score === undefined ? {} : { score }),
    })),
    meta: document.meta,
    ...(document.pages ? { pages: document.pages } : {}),
  });
}

/** What `--resume` found in an existing results file. */
export interface ResumeState {
  /** Ids of the documents already written. */
  readonly ids: Set<string>;
  /** Byte length of the complete, valid lines: the file is cut back to this before appending. */
  readonly validBytes: number;
  /** Set when the end of the file was a partial line (a run killed mid-write). */
  readonly droppedTail?: { readonly line: number; readonly bytes: number };
  /** Complete lines that are not results (not JSON, no string id): kept, but reported. */
  readonly badLines: readonly number[];
  /** The last result is complete but lacks its newline: one is added before appending. */
  readonly needsNewline?: boolean;
}

/** Reads the ids of an existing results file, one line at a time (never the whole file). */
export async function readResumeState(path: string): Promise<ResumeState> {
  const ids = new Set<string>();
  const badLines: number[] = [];
  let validBytes = 0;
  let line = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const finishLine = (bytes: Buffer, withNewline: boolean): boolean => {
    line += 1;
    let id: unknown;
    try {
      id = (JSON.parse(bytes.toString('utf8')) as { id?: unknown }).id;
    } catch {
      id = undefined;
    }
    if (typeof id === 'string') ids.add(id);
    else if (!withNewline)
      return false; // a partial last line: dropped
    else if (bytes.length > 0) badLines.push(line);
    validBytes += bytes.length + (withNewline ? 1 : 0);
    return true;
  };
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      let from = 0;
      for (;;) {
        const end = chunk.indexOf(10, from);
        if (end === -1) {
          pending.push(chunk.subarray(from));
          pendingBytes += chunk.length - from;
          break;
        }
        const piece = chunk.subarray(from, end);
        finishLine(pending.length ? Buffer.concat([...pending, piece]) : piece, true);
        pending = [];
        pendingBytes = 0;
        from = end + 1;
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ids, validBytes: 0, badLines };
    throw error;
  }
  if (pendingBytes === 0) return { ids, validBytes, badLines };
  // A complete JSON result without its newline is kept (the newline is added before appending);
  // anything else after the last newline is a line cut off by a kill, and is dropped.
  if (finishLine(Buffer.concat(pending), false)) return { ids, validBytes, badLines, needsNewline: true };
  return { ids, validBytes, droppedTail: { line, bytes: pendingBytes }, badLines };
}

/** Appends whole lines to the results file: one write per line, so a kill never splits one. */
export class ResultsWriter {
  readonly #fd: number;

  /** `resume`: keep the file's first `resume.validBytes` bytes; else start it empty. */
  constructor(path: string, resume?: ResumeState) {
    this.#fd = openSync(path, resume ? 'a+' : 'w');
    if (resume) {
      ftruncateSync(this.#fd, resume.validBytes);
      if (resume.needsNewline) this.#writeAll('\n');
    }
  }

  write(line: string): void {
    this.#writeAll(`${line}\n`);
  }

  close(): void {
    closeSync(this.#fd);
  }

  #writeAll(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(this.#fd, bytes, written, bytes.length - written);
  }
}

/** A writer to stdout, for runs without --out. */
export class StdoutWriter {
  write(line: string): void {
    process.stdout.write(`${line}\n`);
  }
  close(): void {}
}
