/**
 * The corpus run's results file: one JSON line per document, written whole as each document
 * finishes, and read back (streaming) by `--resume` to skip what is already there. A line cut off
 * by a kill is dropped from the file before appending, so the file stays valid JSONL.
 *
 * What keeps a person's files safe (issue 28):
 * - `checkOutputPaths`: the output (and the files written beside it) is never the input, nor inside
 *   an input folder, by real path and inode, checked before anything is opened for writing.
 * - `ResultsWriter`: a failed write (a full disk, a revoked permission) cuts the file back to its last
 *   whole line and throws `OutputWriteError`, which ends the run; an export with a trailer (Label
 *   Studio's closing `]`) keeps it at the end after every write, so the file parses at every step.
 * - The run record `<out>.uniner-run.json` says what produced the results (model, types, options,
 *   format); `checkResume` refuses a `--resume` that would mix runs, naming what differs, and a folder
 *   input skips files that have such a record beside them (`earlierResults`).
 */
import * as nodeFs from 'node:fs';
import {
  accessSync,
  constants,
  createReadStream,
  existsSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { sameTypeSet, type DocumentWithSpans } from '../../workers/corpus/document';
import type { ExtractOptions } from '../../workers/protocol';

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

/** The part of node:fs the writer uses (a test injects a disk that fills up). */
export interface WriterFs {
  openSync(path: string, flags: string): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  ftruncateSync(fd: number, length: number): void;
  closeSync(fd: number): void;
}

/** A write to the results file failed: the run stops, and the file holds only whole results. */
export class OutputWriteError extends Error {
  override name = 'OutputWriteError';
  constructor(
    readonly path: string,
    readonly keptBytes: number,
    override readonly cause: unknown,
  ) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const reason =
      code === 'ENOSPC'
        ? 'ENOSPC: the disk is full'
        : (code ?? (cause as Error | undefined)?.message ?? String(cause));
    super(
      `cannot write ${path} (${reason}): the run stopped here; the file holds only whole results ` +
        `(${keptBytes.toLocaleString('en-US')} bytes); make room and run again with --resume`,
    );
  }
}

/** How a results file is written. */
export interface WriterOptions {
  /**
   * Text that always ends the file (an export's footer, such as `\n]\n`): each write goes before it
   * and writes it again, so the file is complete after every write.
   */
  readonly trailer?: string;
  readonly fs?: WriterFs;
}

/**
 * Appends whole lines to the results file: one positioned write per line (the trailer included), so
 * a kill never splits one, and a failed write is cut back to the last whole one.
 */
export class ResultsWriter {
  readonly #fd: number;
  readonly #fs: WriterFs;
  readonly #trailer: Buffer;
  /** Where the content ends (the trailer follows): everything before it is whole. */
  #end = 0;

  /** `resume`: keep the file's first `resume.validBytes` bytes; else start it empty. */
  constructor(
    private readonly path: string,
    resume?: ResumeState,
    options: WriterOptions = {},
  ) {
    this.#fs = options.fs ?? nodeFs;
    this.#trailer = Buffer.from(options.trailer ?? '', 'utf8');
    // Positioned writes need a mode without O_APPEND.
    try {
      this.#fd = this.#fs.openSync(path, resume && existsSync(path) ? 'r+' : 'w');
    } catch (error) {
      // The folder became read-only (or full) after the checks: the same named error as a write.
      throw new OutputWriteError(path, resume?.validBytes ?? 0, error);
    }
    if (resume) {
      this.#fs.ftruncateSync(this.#fd, resume.validBytes);
      this.#end = resume.validBytes;
      if (resume.needsNewline) this.#append('\n');
    } else if (this.#trailer.length) this.#append('');
  }

  write(line: string): void {
    this.#append(`${line}\n`);
  }

  /** Text as it is (an export format's header or item, which bring their own newlines). */
  writeText(text: string): void {
    if (text) this.#append(text);
  }

  close(): void {
    this.#fs.closeSync(this.#fd);
  }

  #append(text: string): void {
    const bytes = Buffer.concat([Buffer.from(text, 'utf8'), this.#trailer]);
    let written = 0;
    try {
      while (written < bytes.length)
        written += this.#fs.writeSync(this.#fd, bytes, written, bytes.length - written, this.#end + written);
    } catch (error) {
      // Back to the last whole write; the trailer is rewritten where it was (the space it needs was
      // the file's a moment ago). Best effort: the error to report is the first one.
      try {
        this.#fs.ftruncateSync(this.#fd, this.#end);
        if (this.#trailer.length)
          this.#fs.writeSync(this.#fd, this.#trailer, 0, this.#trailer.length, this.#end);
      } catch {
        // The disk refuses even that: the whole lines before #end are still intact.
      }
      throw new OutputWriteError(this.path, this.#end + this.#trailer.length, error);
    }
    this.#end += bytes.length - this.#trailer.length;
  }
}

/** A writer to stdout, for runs without --out (the trailer is written at the end). */
export class StdoutWriter {
  constructor(private readonly options: Pick<WriterOptions, 'trailer'> = {}) {}
  write(line: string): void {
    process.stdout.write(`${line}\n`);
  }
  writeText(text: string): void {
    if (text) process.stdout.write(text);
  }
  close(): void {
    if (this.options.trailer) process.stdout.write(this.options.trailer);
  }
}

/** The paths a run writes and reads, for `checkOutputPaths`. */
export interface RunPaths {
  readonly input: string;
  readonly out: string;
  /** Label Studio writes its labeling config beside --out. */
  readonly format?: string;
}

/** The Label Studio labeling config written beside `out`. */
export function labelConfigPath(out: string): string {
  return `${out.replace(/\.json$/, '')}.label-config.xml`;
}

const RUN_RECORD_SUFFIX = '.uniner-run.json';

/** The run record beside a results file. */
export function runRecordPath(out: string): string {
  return `${out}${RUN_RECORD_SUFFIX}`;
}

/** A path's real location, also when it does not exist yet (its folder's real path + its name). */
function realLocation(path: string, what: string): string {
  if (existsSync(path)) return realpathSync(path);
  const folder = dirname(path);
  if (!existsSync(folder))
    throw new Error(`cannot write ${what} ${path}: the folder ${folder} does not exist`);
  if (!statSync(folder).isDirectory())
    throw new Error(`cannot write ${what} ${path}: ${folder} is not a folder`);
  return join(realpathSync(folder), basename(path));
}

/**
 * Refuses, before anything is opened for writing (and before the model loads), an output that would
 * destroy the input or be read as input: the input file itself (by real path, so a symlink or `./`
 * does not hide it, and by inode, so a hard link does not either), a path inside the input folder (a
 * later run would read it as documents), a folder, a folder that does not exist or cannot be
 * written. The same for the files written beside the output (the run record, Label Studio's config).
 */
export function checkOutputPaths({ input, out, format }: RunPaths): void {
  const inputReal = existsSync(input) ? realpathSync(input) : undefined;
  const inputStat = inputReal === undefined ? undefined : statSync(inputReal);
  const written: [string, string][] = [
    ['--out', out],
    ['the run record', runRecordPath(out)],
  ];
  if (format === 'label-studio') written.push(['the labeling config', labelConfigPath(out)]);
  for (const [what, path] of written) {
    const real = realLocation(path, what);
    const exists = existsSync(real);
    if (inputReal !== undefined && inputStat) {
      const stat = exists ? statSync(real) : undefined;
      if (real === inputReal || (stat && stat.ino === inputStat.ino && stat.dev === inputStat.dev))
        throw new Error(`${what} ${path} is the --input ${input}: refused, it would be overwritten`);
      if (inputStat.isDirectory() && real.startsWith(inputReal + sep))
        throw new Error(
          `${what} ${path} is inside the --input folder ${input}: a later run would read it as documents; write it elsewhere`,
        );
    }
    if (exists && statSync(real).isDirectory())
      throw new Error(`${what} ${path} is a folder; give a file name`);
    try {
      accessSync(exists ? real : dirname(real), constants.W_OK);
    } catch (error) {
      throw new Error(
        `cannot write ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        { cause: error },
      );
    }
  }
}

/**
 * Files of a folder listing that are results of an earlier run (a run record sits beside them), and
 * the records themselves: a folder input skips them instead of reading results as documents.
 */
export function earlierResults(files: readonly string[]): Set<string> {
  const all = new Set(files);
  const found = new Set<string>();
  for (const file of files) {
    if (!file.endsWith(RUN_RECORD_SUFFIX)) continue;
    found.add(file);
    const results = file.slice(0, -RUN_RECORD_SUFFIX.length);
    if (all.has(results)) found.add(results);
  }
  return found;
}

/** What produced a results file: written beside it, compared by `--resume`. */
export interface RunRecord {
  readonly producer: 'uniner-web extract';
  /** The --model argument as given. */
  readonly model: string;
  readonly dtype: string | null;
  readonly promptStyle: string | null;
  readonly types: readonly string[];
  readonly textField: string | null;
  /** `results` (the default lines) or the --format. */
  readonly format: string;
  /** The extraction options that change what a document gives. */
  readonly options: Readonly<Record<string, unknown>>;
  /** The records of earlier runs this file also holds results of (appended with --force-resume). */
  readonly earlier?: readonly RunRecord[];
}

/** The run record of a run's settings. */
export function runRecordOf(run: {
  readonly modelLabel: string;
  readonly dtype?: string;
  readonly promptStyle?: string;
  readonly types: readonly string[];
  readonly textField?: string;
  readonly format?: string;
  readonly extract: Partial<ExtractOptions>;
}): RunRecord {
  const { constrain, maxNewTokens, datasetName } = run.extract;
  return {
    producer: 'uniner-web extract',
    model: run.modelLabel,
    dtype: run.dtype ?? null,
    promptStyle: run.promptStyle ?? null,
    types: [...run.types],
    textField: run.textField ?? null,
    format: run.format ?? 'results',
    // The batch size changes the speed only, not the answers, so a resume may change it.
    options: {
      constrain: constrain ?? true,
      maxNewTokens: maxNewTokens ?? null,
      datasetName: datasetName ?? null,
    },
  };
}

/**
 * Writes the run record beside `out`. A resume that appends under other settings (`--force-resume`)
 * keeps the records of the runs before it in `earlier`, so the file still says it mixes runs.
 */
export function writeRunRecord(out: string, record: RunRecord, resumed = false): void {
  let earlier: unknown[] = [];
  if (resumed && existsSync(runRecordPath(out))) {
    try {
      const then = JSON.parse(readFileSync(runRecordPath(out), 'utf8')) as RunRecord & {
        earlier?: unknown[];
      };
      const { earlier: before = [], ...previous } = then;
      earlier = runDifferences(previous, record).length ? [...before, previous] : before;
    } catch {
      earlier = [];
    }
  }
  const written = earlier.length ? { ...record, earlier } : record;
  writeFileSync(runRecordPath(out), `${JSON.stringify(written, null, 2)}\n`);
}

const RECORD_FIELDS = ['model', 'dtype', 'promptStyle', 'types', 'textField', 'format', 'options'] as const;

/** What differs between the run that wrote the results and this one, one phrase each. */
export function runDifferences(then: RunRecord, now: RunRecord): string[] {
  const show = (key: string, value: unknown) =>
    value === null || value === undefined ? 'none' : key === 'format' ? String(value) : JSON.stringify(value);
  const differences: string[] = [];
  for (const key of RECORD_FIELDS) {
    const a: unknown = then[key];
    const b: unknown = now[key];
    const same =
      key === 'types'
        ? Array.isArray(a) && sameTypeSet(a as string[], b as string[])
        : JSON.stringify(a) === JSON.stringify(b);
    if (!same) differences.push(`${key}: ${show(key, a)} then, ${show(key, b)} now`);
  }
  return differences;
}

/**
 * Whether `--resume` may append to `out`: refused (an Error naming what differs) when the results
 * were produced by another model, type list, format or options, or when a non-empty file has no
 * record of what produced it; `force` (`--force-resume`) turns the refusal into the note returned.
 */
export function checkResume(out: string, now: RunRecord, force: boolean): string[] {
  if (!existsSync(out) || statSync(out).size === 0) return [];
  const recordPath = runRecordPath(out);
  let problem: string | undefined;
  if (!existsSync(recordPath)) {
    problem = `${out} has no record of what produced it (${basename(recordPath)} beside it)`;
  } else {
    let then: RunRecord | undefined;
    try {
      then = JSON.parse(readFileSync(recordPath, 'utf8')) as RunRecord;
    } catch (error) {
      problem = `${recordPath} is not a run record (${(error as Error).message})`;
    }
    if (then) {
      const differences = runDifferences(then, now);
      if (differences.length === 0) return [];
      problem = `${out} was written by another run: ${differences.join('; ')}`;
    }
  }
  if (force) return [`--force-resume: appending anyway, though ${problem}`];
  throw new Error(
    `--resume refused: ${problem}. Run with the same settings, choose another --out, or give --force-resume to append anyway`,
  );
}
