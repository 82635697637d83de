/**
 * `npm run extract`: the browser's NER engine over text from the command line, for batch work.
 * Prints one JSON line per span occurrence: {"type","text","start","end","score"} — `score` (0..1)
 * is the model's confidence in the string, from its own token probabilities, present when known.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chatMessages, uninerPrompt } from '../../workers/text/prompt';
import type { Dtype, PromptStyle } from '../../workers/protocol';
import type { EngineEvent } from '../../workers/engine';
import { prepareModelArg } from '../model-arg';
import { hasChatTemplate, loadTokenizer } from '../../workers/loading/model-loader';
import { promptStyleWords } from '../../workers/loading/model-registry';
import { choosePromptStyle } from '../../workers/loading/prompt-style-choice';
import { promptText } from '../../workers/text/prompt-encoding';
import { EXPORT_FORMATS, isExportFormat } from '../../workers/corpus/formats';
import { entityTypeProblem } from '../../workers/corpus/formats/label-studio';
import { runCorpus } from './corpus-run';
import { checkOutputPaths, checkResume, runRecordOf } from './corpus-output';
import { checkServerArgs, createEngine, SERVER_ARG_OPTIONS, SERVER_USAGE } from '../engine-factory';

const USAGE = `Usage: npm run extract -- --model <dir|url|hub-id|preset> --type <entity type> [--type …]
         (--text "…" | --file passage.txt | passage on stdin)
         [--dtype fp32|fp16|q8|q4|q4f16] [--prompt-style uniner|chat] [--dataset <name>]
         [--no-constrain] [--max-new-tokens 256] [--batch-size 1] [--print-prompts] [--show-raw] [--stats]
   or: npm run extract -- --model … --type … --input <file|folder> [--out results.jsonl]
         [--resume | --force-resume] [--text-field text] [--format jsonl|spacy-jsonl|conll|label-studio]
   or: either of the above with --server <base-url> [--server-model <name>] [--concurrency N]
         instead of --model (an OpenAI-compatible inference server answers)

Prints one JSON line per span: {"type","text","start","end","score"} (UTF-16 offsets into the
passage; score: the model's confidence in the string, 0..1, from its own token probabilities).
Strings the model gave that are not in the passage are reported on stderr.

--prompt-style: omitted means Automatic (UniNER's conversation for UniNER and for models measured to
answer better in it, such as SmolLM2-135M; the model's chat template otherwise).
--print-prompts: prints each type's prompt exactly as a run with the same arguments sends it.
--show-raw: prints each type's raw answer on stderr.

${SERVER_USAGE}
--prompt-style on a server: uniner (default; UniNER's conversation as raw text through
/v1/completions) or chat (the messages through /v1/chat/completions: the server's chat template).

--input reads a corpus: .txt/.md (one document), .jsonl/.csv (one per line/row; the text in
--text-field, default the first of text, content, body, passage, document, sentence), .pdf (its
text layer), or a folder of them. One JSON line per document, written as it finishes:
{"id","name","text","spans":[{"start","end","label","source","score"}],"meta","pages"?}.
--format writes an export instead: jsonl ({"id","name","text","spans","rejected_spans"?,"meta",
"types","reviewed"}), spacy-jsonl (the same, offsets in code points, for
tools/spacy/jsonl_to_docbin.py), conll (CoNLL-2003 BIO; spans it cannot hold named on stderr) or
label-studio (tasks JSON, model spans as predictions; the labeling config beside --out).
--resume skips documents already in --out (results lines, jsonl or spacy-jsonl); it is refused when
--out was written with another model, type list, format or options (recorded in
<out>.uniner-run.json); --force-resume appends anyway. --out may not be the input nor inside an input
folder (exit 2, before the model loads); a folder input skips earlier results (files with a
.uniner-run.json beside them). Exit 1 if any input problem or failed document (each named on stderr
with file:line or page; the rest still runs), if the input holds no documents, or if --out cannot be
written (the run stops; the file keeps only whole results, and --resume continues).`;

const DTYPES: readonly Dtype[] = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'];

class UsageError extends Error {
  override name = 'UsageError';
}

/** Arguments that would lose data (an output that is the input, a resume mixing runs): exit 2, no usage text. */
class RefusedError extends Error {
  override name = 'RefusedError';
}

function readPassage(values: { text?: string; file?: string }): string {
  if (values.text !== undefined && values.file !== undefined)
    throw new UsageError('Give either --text or --file, not both.');
  if (values.text !== undefined) return values.text;
  if (values.file !== undefined) {
    try {
      return readFileSync(values.file, 'utf8');
    } catch (error) {
      throw new UsageError(`Cannot read --file ${values.file}: ${(error as Error).message}`);
    }
  }
  if (process.stdin.isTTY) throw new UsageError('No passage: use --text, --file, or pipe the text on stdin.');
  return readFileSync(0, 'utf8');
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      type: { type: 'string', multiple: true },
      text: { type: 'string' },
      file: { type: 'string' },
      dtype: { type: 'string' },
      'prompt-style': { type: 'string' },
      dataset: { type: 'string' },
      'no-constrain': { type: 'boolean', default: false },
      'max-new-tokens': { type: 'string' },
      'batch-size': { type: 'string' },
      'print-prompts': { type: 'boolean', default: false },
      'show-raw': { type: 'boolean', default: false },
      stats: { type: 'boolean', default: false },
      input: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'boolean', default: false },
      'force-resume': { type: 'boolean', default: false },
      'text-field': { type: 'string' },
      format: { type: 'string' },
      ...SERVER_ARG_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  checkServerArgs(values);
  const onServer = values.server !== undefined;
  if (onServer && values.model !== undefined)
    throw new UsageError('Give either --model or --server, not both.');
  if (onServer && (values.dtype !== undefined || values['batch-size'] !== undefined))
    throw new UsageError('--dtype and --batch-size are for --model: the server decides both.');
  if (!onServer && !values.model)
    throw new UsageError('--model is required (or --server <base-url> for an inference server).');
  const types = values.type ?? [];
  if (types.length === 0) throw new UsageError('Give at least one --type.');
  for (const type of types) {
    // A control character would break the labeling config (XML) and the line formats.
    const problem = entityTypeProblem(type);
    if (problem) throw new UsageError(`--type: ${problem}.`);
  }
  if (values.dtype !== undefined && !DTYPES.includes(values.dtype as Dtype)) {
    throw new UsageError(`--dtype must be one of ${DTYPES.join(', ')}.`);
  }
  const promptStyle = values['prompt-style'];
  if (promptStyle !== undefined && promptStyle !== 'uniner' && promptStyle !== 'chat') {
    throw new UsageError('--prompt-style must be uniner or chat.');
  }
  const maxNewTokens = values['max-new-tokens'] === undefined ? 256 : Number(values['max-new-tokens']);
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1 || maxNewTokens > 4096) {
    throw new UsageError('--max-new-tokens must be an integer between 1 and 4096.');
  }
  const batchSize = values['batch-size'] === undefined ? 1 : Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 64) {
    throw new UsageError('--batch-size must be an integer between 1 and 64.');
  }
  if (values.input !== undefined) {
    if (values.text !== undefined || values.file !== undefined || values['print-prompts'])
      throw new UsageError('--input reads a corpus: leave out --text, --file and --print-prompts.');
    if ((values.resume || values['force-resume']) && values.out === undefined)
      throw new UsageError('--resume needs --out.');
    const format = values.format;
    if (format !== undefined && !isExportFormat(format))
      throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')} (got "${format}").`);
    if ((values.resume || values['force-resume']) && (format === 'conll' || format === 'label-studio'))
      throw new UsageError(
        `--resume reads ids back from --out: use it with jsonl or spacy-jsonl, not ${format}.`,
      );
    if (!existsSync(values.input))
      throw new UsageError(`Cannot read --input ${values.input}: no such file or folder.`);
    const extract = {
      constrain: !values['no-constrain'],
      maxNewTokens,
      batchSize,
      ...(values.dataset ? { datasetName: values.dataset } : {}),
    };
    const resume = values.resume || values['force-resume'];
    // Before anything is opened for writing and before the model loads (issue 28).
    if (values.out !== undefined) {
      try {
        checkOutputPaths({ input: values.input, out: values.out, ...(format ? { format } : {}) });
      } catch (error) {
        throw new RefusedError((error as Error).message);
      }
    }
    // On a server the engine is made (and the server checked) here, so the spans can name the model it
    // serves, and a resume compares that name with the one the results recorded.
    const chosen = onServer
      ? await createEngine({
          server: values,
          ...(promptStyle ? { promptStyle: promptStyle as PromptStyle } : {}),
          constrain: !values['no-constrain'],
          onNote: (message) => console.error(message),
        })
      : undefined;
    const modelLabel = chosen ? chosen.model.displayName : values.model!;
    // A server's results are the served model's, wherever it answers (a resume may use another address).
    const recordModel = chosen
      ? `server model ${chosen.server?.modelName ?? chosen.model.displayName}`
      : modelLabel;
    if (values.out !== undefined && resume) {
      const record = runRecordOf({
        modelLabel: recordModel,
        ...(values.dtype ? { dtype: values.dtype } : {}),
        ...(promptStyle ? { promptStyle } : {}),
        types,
        ...(values['text-field'] !== undefined ? { textField: values['text-field'] } : {}),
        ...(format !== undefined ? { format } : {}),
        extract,
      });
      try {
        for (const note of checkResume(values.out, record, values['force-resume'])) console.error(note);
      } catch (error) {
        await chosen?.engine.dispose();
        throw new RefusedError((error as Error).message);
      }
    }
    for (const line of chosen?.description ?? []) console.error(line);
    return runCorpus({
      input: values.input,
      ...(values.out !== undefined ? { out: values.out } : {}),
      resume,
      ...(values['text-field'] !== undefined ? { textField: values['text-field'] } : {}),
      ...(format !== undefined ? { format } : {}),
      modelSource: chosen ? chosen.model.source : (await prepareModelArg(values.model!)).source,
      modelLabel,
      recordModel,
      ...(chosen
        ? {
            createEngine: () => Promise.resolve(chosen.engine),
            concurrency: chosen.engine.concurrency ?? 1,
          }
        : {}),
      ...(values.dtype ? { dtype: values.dtype as Dtype } : {}),
      ...(promptStyle ? { promptStyle: promptStyle as PromptStyle } : {}),
      types,
      extract,
    });
  } else if (
    values.out !== undefined ||
    values.resume ||
    values['force-resume'] ||
    values['text-field'] !== undefined ||
    values.format !== undefined
  ) {
    throw new UsageError('--out, --resume, --text-field and --format go with --input.');
  }
  const passage = readPassage(values);
  const datasetName = values.dataset;

  if (values['print-prompts'] && onServer) {
    const options = datasetName ? { datasetName } : {};
    // What the server engine sends: UniNER's raw prompt (its default), or the messages the server's own
    // chat template renders.
    for (const type of types)
      console.log(
        JSON.stringify(
          promptStyle === 'chat'
            ? chatMessages(passage, type, options)
            : uninerPrompt(passage, type, options),
        ),
      );
    return 0;
  }
  // The same reading of --model in every mode (a folder with or without "./", a preset, a Hub id, a URL).
  const modelArg = onServer ? undefined : await prepareModelArg(values.model!);

  if (values['print-prompts'] && modelArg) {
    const options = datasetName ? { datasetName } : {};
    // UniNER's conversation needs no tokenizer; anything else may end in the chat template, and whether
    // it does depends on the tokenizer (a model without a template gets UniNER's conversation).
    if (promptStyle === 'uniner') {
      for (const type of types) console.log(JSON.stringify(uninerPrompt(passage, type, options)));
      return 0;
    }
    const tokenizer = await loadTokenizer(modelArg.info);
    const facts = { ...modelArg.info, hasChatTemplate: hasChatTemplate(tokenizer) };
    const choice = choosePromptStyle(facts, promptStyle as PromptStyle | undefined);
    console.error(`question format: ${promptStyleWords(choice.style)} (${choice.reason})`);
    for (const type of types)
      console.log(JSON.stringify(promptText(tokenizer, choice.style, passage, type, options)));
    return 0;
  }

  const { engine, model, description } = await createEngine({
    server: values,
    constrain: !values['no-constrain'],
    ...(modelArg ? { source: modelArg.source } : {}),
    ...(values.dtype ? { dtype: values.dtype as Dtype } : {}),
    ...(promptStyle ? { promptStyle: promptStyle as PromptStyle } : {}),
    onNote: (message) => console.error(message),
  });
  for (const line of description) console.error(line);
  console.error(
    `model: ${model.displayName} (${model.isUniner ? 'UniNER' : 'not UniNER: a generic model'}), ${promptStyleWords(model.promptStyle)}${model.promptStyleReason ? ` (${model.promptStyleReason})` : ''}, ${model.device} ${model.dtype}`,
  );
  const onEvent = (event: EngineEvent) => {
    if (event.type !== 'type-done') return;
    if (values['show-raw']) {
      for (const raw of event.rawAnswers)
        console.error(`raw answer (${event.entityType}): ${JSON.stringify(raw)}`);
    }
    // Two strings can land on the same span (tolerant matching): one line per span occurrence.
    const printed = new Set<string>();
    for (const entity of event.entities) {
      if (entity.spans.length === 0)
        console.error(`not found in text (${event.entityType}): ${JSON.stringify(entity.text)}`);
      for (const span of entity.spans) {
        const key = `${span.start}:${span.end}`;
        if (printed.has(key)) continue;
        printed.add(key);
        console.log(
          JSON.stringify({
            type: event.entityType,
            text: passage.slice(span.start, span.end),
            start: span.start,
            end: span.end,
            ...(entity.score === undefined ? {} : { score: entity.score }),
          }),
        );
      }
    }
    if (event.malformed) console.error(`malformed answer (${event.entityType}): ${event.malformed}`);
  };
  const done = await engine.extract(
    {
      passage,
      entityTypes: types,
      options: {
        constrain: !values['no-constrain'],
        maxNewTokens,
        batchSize,
        ...(datasetName ? { datasetName } : {}),
      },
    },
    onEvent,
  );
  if (values.stats) {
    console.error(
      JSON.stringify({
        ...done.stats,
        model: model.displayName,
        isUniner: model.isUniner,
        device: model.device,
        dtype: model.dtype,
      }),
    );
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    const usage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`error: ${error.message}`);
    if (usage) console.error(`\n${USAGE}`);
    process.exit(usage || error instanceof RefusedError ? 2 : 1);
  },
);
