/** Command-line arguments of `npm run eval`, parsed with Node's `util.parseArgs`. */

import { parseArgs } from 'node:util';
import type { Dtype, PromptStyle } from '../../workers/protocol';
import { checkServerArgs, SERVER_ARG_OPTIONS, SERVER_USAGE, type ServerArgValues } from '../engine-factory';

/** The usage text printed by `--help` and after a usage error. */
export const USAGE = `Usage:
  npm run eval -- --data <file.json|folder|file.conll> --model <dir|url|hub-id> [options]
  npm run eval -- --data <file.json|folder|file.conll> --predictions <file.jsonl> [options]
  npm run eval -- --data <file.json|folder|file.conll> --server <base-url> [--server-model <name>] [options]

Scores answers the way the UniNER paper does (official parser and normalisation, micro-averaged
strict P/R/F1 over (passage, type) questions, plus the partial-match variant).

Options:
  --data <path>          UniNER conversation JSON, CoNLL BIO file (.conll/.bio/.tsv/.txt), or a folder
  --model <source>       run this model (local folder, model folder URL, or Hugging Face Hub id)
  --predictions <file>   score this JSON Lines file of {"id", "output"} instead of running a model
  --dtype <dtype>        weight format with --model: ${['fp32', 'fp16', 'q8', 'q4', 'q4f16'].join(', ')}
  --max-new-tokens <n>   answer budget per question with --model (default 256)
  --constrain            with --model: constrained decoding, as the app does (default off: the
                         paper's numbers are unconstrained greedy answers read by the official parser)
  --no-length-cap        with --constrain: without the entity length caps (to measure what they cost)
  --full-answers         with --model and free decoding: let every answer run to EOS or the budget
                         (default: stop once the first line fixes what the official parser reads;
                         the cut answer is a prefix of the full one)
  --prompt-style <s>     with --model: uniner (UniNER's conversation) or chat (the model's chat
                         template); default: the engine's choice (uniner for UniNER, chat otherwise)
  --sample <n>           a fixed stratified subset: n passages per data file at evenly spaced
                         positions, each with all its questions (not with --limit)
  --limit <n>            only the first n questions of the data (not with --sample)
  --out <file.jsonl>     with --model: write the raw answers (and the engine's scores) as a
                         predictions file
  --plot <file.svg>      write the precision/recall curve of the confidence scores as an SVG
  --json                 print the scores as one JSON object on the last line
  -h, --help             show this text

A server (--server, instead of --model) answers the same prompts; free answers run to the server's
stop (</s>) or the budget, since a server cannot stop at the official parser's verdict. Passages are
sent --concurrency at a time (answers keep their order).
${SERVER_USAGE}`;

const DTYPES: readonly Dtype[] = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'];

/** A command line that cannot be run; `main` prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What the command line asks for. */
export type EvalArgs =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'run';
      readonly data: string;
      /** Exactly one of `model`, `server.server` and `predictions` is set. */
      readonly model?: string;
      /** The server flags (tools/engine-factory.ts) when an inference server answers. */
      readonly server?: ServerArgValues;
      readonly predictions?: string;
      readonly dtype?: Dtype;
      readonly maxNewTokens: number;
      /** Constrained decoding with --model (default false, the paper's protocol). */
      readonly constrain: boolean;
      /** With `constrain`: the entity length caps (default true; `--no-length-cap` measures without). */
      readonly lengthCap: boolean;
      /** Free decoding: no early stop at the official parser's verdict (default false). */
      readonly fullAnswers: boolean;
      readonly promptStyle?: PromptStyle;
      readonly limit?: number;
      /** Passages per data file of the stratified subset (see ./sample.ts); never with `limit`. */
      readonly sample?: number;
      readonly out?: string;
      readonly plot?: string;
      readonly json: boolean;
    };

function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return Number(value);
}

/** Parse and validate `argv` (without the node and script entries). Throws {@link UsageError}. */
export function parseEvalArgs(argv: readonly string[]): EvalArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        model: { type: 'string' },
        predictions: { type: 'string' },
        dtype: { type: 'string' },
        'max-new-tokens': { type: 'string' },
        'prompt-style': { type: 'string' },
        limit: { type: 'string' },
        sample: { type: 'string' },
        out: { type: 'string' },
        plot: { type: 'string' },
        json: { type: 'boolean', default: false },
        constrain: { type: 'boolean', default: false },
        'no-length-cap': { type: 'boolean', default: false },
        'full-answers': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        ...SERVER_ARG_OPTIONS,
      },
    }));
  } catch (error) {
    // parseArgs errors already say which option is unknown or lacks its value.
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { kind: 'help' };
  if (values.data === undefined) throw new UsageError('--data is required');
  const sources = [values.model, values.server, values.predictions].filter((v) => v !== undefined);
  if (sources.length !== 1) {
    throw new UsageError(
      'give exactly one of --model (run a model), --server (ask an inference server) and --predictions (score a file)',
    );
  }
  try {
    checkServerArgs(values);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.server !== undefined && values.dtype !== undefined)
    throw new UsageError('--dtype only applies with --model: the server decides it');
  if (values.predictions !== undefined) {
    for (const flag of ['out', 'dtype', 'max-new-tokens', 'prompt-style'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} only applies with --model`);
    }
    if (values.constrain) throw new UsageError('--constrain only applies with --model');
    if (values['full-answers']) throw new UsageError('--full-answers only applies with --model');
  }
  if (values['no-length-cap'] && !values.constrain)
    throw new UsageError(
      '--no-length-cap only applies with --constrain (the caps are part of the constraint)',
    );
  if (values.limit !== undefined && values.sample !== undefined) {
    // Taking the first n questions of a stratified subset would undo its stratification.
    throw new UsageError('give --sample (a stratified subset) or --limit (the first n questions), not both');
  }
  const promptStyle = values['prompt-style'];
  if (promptStyle !== undefined && promptStyle !== 'uniner' && promptStyle !== 'chat') {
    throw new UsageError(`--prompt-style must be uniner or chat, got "${promptStyle}"`);
  }
  const dtype = values.dtype;
  if (dtype !== undefined && !DTYPES.includes(dtype as Dtype)) {
    throw new UsageError(`--dtype must be one of ${DTYPES.join(', ')}, got "${dtype}"`);
  }
  return {
    kind: 'run',
    data: values.data,
    ...(values.model === undefined ? {} : { model: values.model }),
    ...(values.server === undefined
      ? {}
      : {
          server: Object.fromEntries(
            Object.keys(SERVER_ARG_OPTIONS).flatMap((key) => {
              const value = values[key as keyof ServerArgValues];
              return value === undefined ? [] : [[key, value]];
            }),
          ) as ServerArgValues,
        }),
    ...(values.predictions === undefined ? {} : { predictions: values.predictions }),
    ...(dtype === undefined ? {} : { dtype: dtype as Dtype }),
    maxNewTokens: positiveInteger('--max-new-tokens', values['max-new-tokens']) ?? 256,
    constrain: values.constrain,
    lengthCap: !values['no-length-cap'],
    fullAnswers: values['full-answers'],
    ...(promptStyle === undefined ? {} : { promptStyle }),
    ...(values.limit === undefined ? {} : { limit: positiveInteger('--limit', values.limit) }),
    ...(values.sample === undefined ? {} : { sample: positiveInteger('--sample', values.sample) }),
    ...(values.out === undefined ? {} : { out: values.out }),
    ...(values.plot === undefined ? {} : { plot: values.plot }),
    json: values.json,
  };
}
