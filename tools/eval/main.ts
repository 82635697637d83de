/**
 * `npm run eval`: score a model (or a predictions file) on UniNER-format data the way the paper does.
 * See `USAGE` in ./args.ts. Exit codes: 0 scored, 1 failed (missing or malformed files, model
 * errors), 2 bad command line.
 */

import { pathToFileURL } from 'node:url';
import { parseEvalArgs, USAGE, UsageError, type EvalArgs } from './args';
import { groupByPassage, loadQuestions, type EvalQuestion } from './data';
import { readPredictions, teePredictions, type Prediction } from './predictions';
import { formatJson, formatTable } from './report';
import { resolveModelArg } from '../model-arg';
import { predictWithModel } from './run-model';
import { score } from './scorer';

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

/** Raw answers by question id, from a file or from the model. */
async function collectPredictions(
  args: RunArgs,
  questions: readonly EvalQuestion[],
): Promise<{ byId: ReadonlyMap<string, string>; duplicates: number }> {
  if (args.predictions !== undefined) return readPredictions(args.predictions);
  const model = resolveModelArg(args.model ?? '');
  let stream: AsyncIterable<Prediction> = predictWithModel(groupByPassage(questions), {
    source: model.source,
    maxNewTokens: args.maxNewTokens,
    constrain: args.constrain,
    ...(args.dtype === undefined ? {} : { dtype: args.dtype }),
  });
  if (args.out !== undefined) stream = teePredictions(stream, args.out);
  const byId = new Map<string, string>();
  let duplicates = 0;
  for await (const { id, output } of stream) {
    if (byId.has(id)) duplicates++;
    byId.set(id, output);
  }
  return { byId, duplicates };
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
    const questions = args.limit === undefined ? all : all.slice(0, args.limit);
    const predictions = await collectPredictions(args, questions);
    // Predictions for questions cut off by --limit are expected, not "unknown".
    const questionIds = new Set(all.map((q) => q.id));
    const unknownPredictions = [...predictions.byId.keys()].filter((id) => !questionIds.has(id)).length;
    const report = score(questions.map((q) => ({ ...q, output: predictions.byId.get(q.id) })));
    const facts = {
      data: args.data,
      source: args.predictions ?? `model ${args.model ?? ''}`,
      unknownPredictions,
      duplicatePredictions: predictions.duplicates,
    };
    io.stdout(formatTable(report, facts));
    if (args.json) io.stdout(formatJson(report, facts));
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
