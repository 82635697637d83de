/**
 * `npm run extract -- --input <file|folder> [--out results.jsonl] [--resume]`: the engine over a
 * corpus. Files are read as a stream (workers/corpus/import), each document runs through the same
 * engine and options as a single passage, and its results line is written as soon as it finishes,
 * so a 100,000-document input never sits in memory and a kill loses at most the document in flight.
 *
 * Exit code: 0 when every document ran and no input had a problem; 1 when some record could not be
 * imported or some document failed (the rest of the corpus still ran; stderr names each with
 * file:line or file page N), or when the run could not start (model, output file); 2 (usage) is
 * decided in extract.ts before this runs.
 */
import { writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { CorpusRun, type CorpusRunResult } from '../../workers/corpus/corpus-runner';
import type { CorpusDocument, DocumentWithSpans, ImportProblem } from '../../workers/corpus/document';
import { IdAssigner } from '../../workers/corpus/ids';
import type { Engine } from '../../workers/engine';
import { importDocuments, importFormatOf, type ImportSource } from '../../workers/corpus/import';
import { createNodeEngine } from '../../workers/node-engine';
import type { Dtype, ExtractOptions, PromptStyle } from '../../workers/protocol';
import { formatWriter, labelStudioConfig, type ExportFormat } from '../../workers/corpus/formats';
import {
  earlierResults,
  labelConfigPath,
  readResumeState,
  resultLine,
  ResultsWriter,
  runRecordOf,
  StdoutWriter,
  writeRunRecord,
} from './corpus-output';
import { listFolder, loadNodePdfJs, nodeImportSource } from './node-import-source';
import { countDocuments } from './count-documents';
import { ProgressBar } from './progress-bar';

/** Everything a corpus run needs, already checked by extract.ts. */
export interface CorpusRunOptions {
  /** A file or a folder (read recursively). */
  readonly input: string;
  /** Results JSONL; stdout when absent. */
  readonly out?: string;
  readonly resume: boolean;
  readonly textField?: string;
  /**
   * An export format (workers/corpus/formats) instead of the results lines: jsonl, spacy-jsonl,
   * conll or label-studio. `--resume` goes only with the line formats that carry ids.
   */
  readonly format?: ExportFormat;
  /** The model as the engine loads it, and as the spans name it. */
  readonly modelSource: string;
  readonly modelLabel: string;
  /** The model as the run record names it, when not `modelLabel` (a server: the served model, not its address). */
  readonly recordModel?: string;
  readonly dtype?: Dtype;
  readonly promptStyle?: PromptStyle;
  readonly types: readonly string[];
  readonly extract: Partial<ExtractOptions>;
  /** Another engine than the local model (an inference server); default: `modelSource` loaded in Node. */
  readonly createEngine?: () => Promise<Engine>;
  /** Documents in flight at once (the runner clamps it to what the engine takes; a local model: 1). */
  readonly concurrency?: number;
}

/** "file.jsonl:12", "paper.pdf page 3", or "notes.txt". */
export function whereOf(problem: ImportProblem): string {
  if (problem.line !== undefined) return `${problem.file}:${problem.line}`;
  if (problem.page !== undefined) return `${problem.file} page ${problem.page}`;
  return problem.file;
}

/** The inputs to read: the file itself, or the known-format files of a folder (others noted). */
async function inputSources(
  input: string,
  out: string | undefined,
  note: (message: string) => void,
): Promise<ImportSource[]> {
  if (!(await stat(input)).isDirectory()) return [await nodeImportSource(input, basename(input))];
  const sources: ImportSource[] = [];
  const files = await listFolder(input);
  const results = earlierResults(files);
  for (const relativePath of files) {
    // The results file may live in the corpus folder: it is output, not input.
    if (out !== undefined && resolve(input, relativePath) === resolve(out)) continue;
    if (results.has(relativePath)) {
      note(`skipped ${relativePath}: results of an earlier run, not documents`);
      continue;
    }
    if (importFormatOf(relativePath) === undefined) {
      note(`skipped ${relativePath}: not a format the importer reads`);
      continue;
    }
    sources.push(await nodeImportSource(`${input}/${relativePath}`, relativePath));
  }
  return sources;
}

export async function runCorpus(options: CorpusRunOptions): Promise<number> {
  const progress = new ProgressBar(process.stderr);
  const note = (message: string) => progress.log(message);
  const sources = await inputSources(options.input, options.out, note);
  const resume = options.resume && options.out ? await readResumeState(options.out) : undefined;
  if (resume?.droppedTail)
    note(
      `${options.out}:${resume.droppedTail.line}: dropped a cut-off last line (${resume.droppedTail.bytes} bytes) before resuming`,
    );
  for (const line of resume?.badLines ?? [])
    note(`${options.out}:${line}: not a results line (kept, not counted as done)`);

  const engine: Engine = options.createEngine
    ? await options.createEngine()
    : await createNodeEngine({
        source: options.modelSource,
        ...(options.dtype ? { dtype: options.dtype } : {}),
        ...(options.promptStyle ? { promptStyle: options.promptStyle } : {}),
      });
  const model = await engine.load();
  note(
    `model: ${model.displayName} (${model.isUniner ? 'UniNER' : 'not UniNER: a generic model prompted like UniNER'}), ${model.device} ${model.dtype}`,
  );

  const exporter = options.format ? formatWriter(options.format) : undefined;
  // The footer stays at the end of the file after every write, so the export is valid whatever fails.
  const trailer = exporter?.footer();
  const writer = options.out
    ? new ResultsWriter(options.out, resume, trailer ? { trailer } : {})
    : new StdoutWriter(trailer ? { trailer } : {});
  if (options.out)
    writeRunRecord(
      options.out,
      runRecordOf({ ...options, modelLabel: options.recordModel ?? options.modelLabel }),
      resume !== undefined,
    );
  if (exporter && !resume) writer.writeText(exporter.header());
  if (options.format === 'label-studio' && options.out) {
    const configPath = labelConfigPath(options.out);
    writeFileSync(configPath, labelStudioConfig(options.types));
    note(`Label Studio labeling config: ${configPath}`);
  }
  const counted = await countDocuments(sources);
  progress.update({ total: counted.total, totalExact: counted.exact });
  const started = Date.now();
  let done = 0;
  let skipped = 0;
  let problems = 0;
  let failed = 0;

  /** Every document of every input, in input order, renamed where ids clash and minus those already done. */
  async function* documents(): AsyncGenerator<CorpusDocument> {
    // Two files of a folder can both have a record "1": the later one becomes "<file>#<id>" (then ~2, ~3),
    // by the page's rule (workers/corpus/ids.ts), decided by input order alone, so a --resume renames it
    // the same way.
    const ids = new IdAssigner();
    for (const source of sources) {
      let renamed = 0;
      let twiceInFile = 0; // of `renamed`: ids this same file used before
      const idsOfSource = new Set<string>();
      progress.update({ file: source.name });
      for await (const item of importDocuments(source, {
        ...(options.textField !== undefined ? { textField: options.textField } : {}),
        loadPdfJs: loadNodePdfJs,
      })) {
        if (item.kind === 'progress') continue;
        if (item.kind === 'problem') {
          problems += 1;
          note(`${whereOf(item.problem)}: ${item.problem.message}`);
          continue;
        }
        let { document } = item;
        const id = ids.assign(source.name, document.id);
        if (id !== document.id) {
          if (idsOfSource.has(document.id)) twiceInFile += 1;
          renamed += 1;
        }
        idsOfSource.add(document.id);
        document = { ...document, id };
        if (resume?.ids.has(document.id)) {
          skipped += 1;
          progress.update({ skipped });
          continue;
        }
        yield document;
      }
      if (renamed > twiceInFile)
        note(
          `${source.name}: ${renamed - twiceInFile} id${renamed - twiceInFile === 1 ? '' : 's'} already used by an earlier file; written as "${source.name}#<id>"`,
        );
      if (twiceInFile > 0)
        note(
          `${source.name}: ${twiceInFile} id${twiceInFile === 1 ? '' : 's'} used twice within this file; the later written as "${source.name}#<id>"`,
        );
    }
  }

  let result: CorpusRunResult;
  try {
    result = await new CorpusRun({
      engine,
      documents: documents(),
      types: options.types,
      options: options.extract,
      model: options.modelLabel,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      hooks: {
        done: async (document, spans) => {
          // The per-document result, as every export format takes it.
          const finished: DocumentWithSpans = {
            document: { ...document, types: [...options.types], status: 'done' },
            spans,
          };
          if (exporter) {
            const reported = exporter.problems.length;
            writer.writeText(exporter.item(finished));
            for (const problem of exporter.problems.slice(reported))
              note(`${document.name}: ${options.format}: ${problem.message}`);
          } else writer.write(resultLine(finished));
          done += 1;
          progress.update({ done });
        },
        failed: async (document, error) => {
          failed += 1;
          progress.update({ failed });
          note(`${document.name}: failed: ${error.message}`);
        },
      },
      onNote: (document, message) => note(`${document.name}: ${message}`),
    }).run();
  } finally {
    writer.close();
    progress.finish();
  }
  if (result.outcome === 'error')
    process.stderr.write(
      result.during === 'output'
        ? `stopped: the results could not be written: ${result.error.message}\n`
        : `stopped: the engine failed (${result.error.name}: ${result.error.message}); --resume continues after the last document written\n`,
    );
  const seconds = (Date.now() - started) / 1000;
  const summary = [
    `${done} document${done === 1 ? '' : 's'} run in ${seconds.toFixed(1)}s (${done > 0 ? (done / seconds).toFixed(2) : '0'} docs/s)`,
    ...(skipped ? [`${skipped} already in ${options.out}`] : []),
    ...(problems ? [`${problems} input problem${problems === 1 ? '' : 's'}`] : []),
    ...(failed ? [`${failed} failed`] : []),
  ];
  process.stderr.write(`done: ${summary.join(', ')}\n`);
  if (result.outcome === 'finished' && done + skipped + failed === 0) {
    process.stderr.write(`no documents to run in ${options.input}\n`);
    return 1;
  }
  return problems > 0 || failed > 0 || result.outcome !== 'finished' ? 1 : 0;
}
