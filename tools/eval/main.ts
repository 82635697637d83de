/**
 * `npm run eval`: score a model (or a predictions file) on UniNER-format data the way the paper does,
 * with the answers' validity counts and the confidence scores' metrics beside it. See `USAGE` in
 * ./args.ts and ./README.md. Exit codes: 0 scored, 1 failed (missing or malformed files, model
 * errors), 2 bad command line.
 */

import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { LoadedModelInfo } from '../../workers/protocol';
import { parseEvalArgs, USAGE, UsageError, type EvalArgs } from './args';
import { confidenceReport } from './confidence';
import { groupByPassage, loadQuestions, type EvalQuestion } from './data';
import { readPredictions, teePredictions, type Prediction, type PredictionsFile } from './predictions';
import { renderPrCurveSvg } from './plot';
import { formatJson, formatTable, type RunFacts } from './report';
import { prepareModelArg } from '../model-arg';
import { predictWithModel } from './run-model';
import { stratifiedSample, type SampleInfo } from './sample';
import { score } from './scorer';
import { countValidity } from './validity';

/** Where `main` writes; tests pass collectors. */
export interface MainIO {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

const processIO: MainIO = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

type RunArgs = Extract<EvalArgs, { kind: 'run' }>;

/** Raw answers (and scores) by question id, from a file or from the model. */
async function collectPredictions(
  args: RunArgs,
  questions: readonly EvalQuestion[],
  onLoaded: (model: LoadedModelInfo) => void,
): Promise<PredictionsFile> {
  if (args.predictions !== undefined) return readPredictions(args.predictions);
  let stream: AsyncIterable<Prediction> = predictWithModel(groupByPassage(questions), {
    ...(args.server === undefined
      ? { source: (await prepareModelArg(args.model ?? '')).source }
      : { server: args.server }),
    maxNewTokens: args.maxNewTokens,
    constrain: args.constrain,
    lengthCap: args.lengthCap,
    fullAnswers: args.fullAnswers,
    ...(args.dtype === undefined ? {} : { dtype: args.dtype }),
    ...(args.promptStyle === undefined ? {} : { promptStyle: args.promptStyle }),
    onLoaded,
  });
  if (args.out !== undefined) stream = teePredictions(stream, args.out);
  const byId = new Map<string, string>();
  const scoresById = new Map<string, Readonly<Record<string, number>>>();
  let duplicates = 0;
  for await (const { id, output, scores } of stream) {
    if (byId.has(id)) duplicates++;
    byId.set(id, output);
    if (scores !== undefined) scoresById.set(id, scores);
  }
  return { byId, scoresById, duplicates };
}

/** The questions to run: all, the first `--limit`, or the `--sample` subset (never both). */
function selectQuestions(
  args: RunArgs,
  all: EvalQuestion[],
): { questions: EvalQuestion[]; sample?: SampleInfo } {
  if (args.sample !== undefined) {
    const { questions, info } = stratifiedSample(all, args.sample);
    return { questions, sample: info };
  }
  return { questions: args.limit === undefined ? all : all.slice(0, args.limit) };
}

/**
 * How the model was run, for the report: what the engine loaded (it fills in defaults), else what
 * was asked; `undefined` when scoring a file.
 */
function settingsOf(args: RunArgs, loaded: LoadedModelInfo | undefined): string | undefined {
  if (args.model === undefined && args.server === undefined) return undefined;
  return [
    `dtype ${loaded?.dtype ?? args.dtype ?? 'engine default'}`,
    args.constrain ? `constrained decoding${args.lengthCap ? '' : ' without length caps'}` : 'free decoding',
    `prompt style ${loaded?.promptStyle ?? args.promptStyle ?? 'engine default'}`,
    `max ${args.maxNewTokens} new tokens`,
  ].join(', ');
}

/** Run the CLI with `argv` (no node/script entries). Resolves to the exit code; never throws. */
export async function main(argv: readonly string[], io: MainIO = processIO): Promise<number> {
  let args: EvalArgs;
  try {
    args = parseEvalArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.kind === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  try {
    const all = await loadQuestions(args.data);
    const { questions, sample } = selectQuestions(args, all);
    let loaded: LoadedModelInfo | undefined;
    const predictions = await collectPredictions(args, questions, (model) => (loaded = model));
    // Predictions for questions left out by --limit or --sample are expected, not "unknown".
    const questionIds = new Set(all.map((q) => q.id));
    const unknownPredictions = [...predictions.byId.keys()].filter((id) => !questionIds.has(id)).length;
    const answered = questions.map((q) => {
      const scores = predictions.scoresById.get(q.id);
      return { ...q, output: predictions.byId.get(q.id), ...(scores === undefined ? {} : { scores }) };
    });
    const report = score(answered);
    const confidence = confidenceReport(answered);
    const extras = { validity: countValidity(answered), confidence: confidence.report };
    const settings = settingsOf(args, loaded);
    const facts: RunFacts = {
      data: args.data,
      source:
        args.predictions ??
        (args.server?.server !== undefined ? `server ${args.server.server}` : `model ${args.model ?? ''}`),
      ...(settings === undefined ? {} : { settings }),
      ...(sample === undefined ? {} : { sample }),
      unknownPredictions,
      duplicatePredictions: predictions.duplicates,
    };
    io.stdout(formatTable(report, facts, extras));
    if (args.plot !== undefined) {
      const svg = renderPrCurveSvg({
        curve: confidence.curve,
        grid: confidence.report.byThreshold,
        best: confidence.report.bestThreshold,
        title: 'Precision / recall by confidence threshold',
        subtitle: [facts.source, settings, `AUROC ${confidence.report.scoreAuroc?.toFixed(3) ?? 'n/a'}`]
          .filter((part) => part !== undefined)
          .join(' · '),
      });
      await writeFile(args.plot, svg, 'utf8');
      io.stderr(`wrote ${args.plot}`);
    }
    if (args.json) io.stdout(formatJson(report, facts, extras));
    return 0;
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    io.stderr(`error: ${name === 'Error' ? '' : `${name}: `}${message}`);
    return 1;
  }
}

// Run only when executed (`tsx tools/eval/main.ts`), not when a test imports `main`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
