/**
 * One extraction request from start to end: validate, split long passages into chunks, encode each
 * chunk's prefix once, answer every entity type from it (constrained or not), parse the streamed
 * answers, align the strings to passage offsets, and report through typed events.
 */
import type { ExtractRequest, FoundEntity, FromWorker, LoadedModelInfo, RunStats } from './protocol';
import type { CausalLm } from './runtime/causal-lm';
import { answer, answerBatch, encodePrefix } from './decoding/generation';
import { encodePrompts } from './text/prompt-encoding';
import { validateEntityTypes, validatePassage } from './text/prompt';
import { AnswerStream } from './decoding/answer-stream';
import { withScores } from './decoding/token-scores';
import { createAligner } from './text/span-alignment';
import {
  chunkPassageLazily,
  estimateChunkCount,
  mapFoundEntities,
  mergeFoundEntities,
} from './text/chunking';
import type { Chunk } from './text/chunking';
import { createConstraintProcessor } from './decoding/constraint/engine-adapter';
import { passageChunkTokens } from './limits';

/** Events of an extraction, minus the request id the handler adds. */
export type ExtractEvent = Extract<
  FromWorker,
  { type: 'type-started' | 'type-partial' | 'type-done' | 'chunk-progress' | 'done' }
>;

/** Per-type state across chunks. */
interface TypeResult {
  readonly entityType: string;
  perChunk: FoundEntity[][];
  rawAnswers: string[];
  problems: string[];
  decodeTokens: number;
  ms: number;
}

/**
 * Runs one extraction. `emit` receives events in order; `isInterrupted` is polled between decode
 * steps. Throws InputError for unusable input before any event.
 */
export async function runExtraction(
  lm: CausalLm,
  model: LoadedModelInfo,
  request: Pick<ExtractRequest, 'passage' | 'entityTypes' | 'options'>,
  emit: (event: ExtractEvent) => void,
  isInterrupted: () => boolean,
): Promise<RunStats> {
  const started = performance.now();
  const passage = validatePassage(request.passage);
  const entityTypes = validateEntityTypes(request.entityTypes);
  const { options } = request;
  const promptOptions = options.datasetName ? { datasetName: options.datasetName } : {};

  const budget = passageChunkTokens(model.contextLength, options.maxNewTokens);
  const countTokens = (text: string) => lm.tokenizer.encode(text, { add_special_tokens: false }).length;
  // Chunks are found as they are needed: counting all of a 1 MB passage's tokens first would delay
  // the first answer by seconds. Until the last chunk is known, the total is an estimate.
  const chunks = withLookahead(chunkPassageLazily(passage, budget, countTokens));
  const progress = (done: number, current: Chunk, isLast: boolean) =>
    emit({
      type: 'chunk-progress',
      requestId: '',
      done,
      ...(isLast
        ? { total: done }
        : {
            total: Math.max(done + 1, estimateChunkCount(passage.length, Math.max(1, done), current.end)),
            estimated: true,
          }),
    });

  const results: TypeResult[] = entityTypes.map((entityType) => ({
    entityType,
    perChunk: [],
    rawAnswers: [],
    problems: [],
    decodeTokens: 0,
    ms: 0,
  }));
  let prefillTokens = 0;
  let decodeTokens = 0;
  let prefillMs = 0;
  let decodeMs = 0;
  let interrupted = false;
  let chunkCount = 0;

  chunkLoop: for (const { chunk, index: chunkIndex, isLast } of chunks) {
    chunkCount = chunkIndex + 1;
    // Long passages: say how many chunks there are (about) before the first one is answered.
    if (chunkIndex === 0 && !isLast) progress(0, chunk, false);
    if (isInterrupted()) {
      interrupted = true;
      break;
    }
    // One aligner per chunk: its tolerant index is built once for all types.
    const aligner = createAligner(chunk.text);
    const encoded = encodePrompts(lm.tokenizer, model.promptStyle, chunk.text, entityTypes, promptOptions);
    // With one type there is nothing to share: a separate prefix pass would only add a model call.
    const reuse = options.reusePrefix !== false && entityTypes.length > 1;
    const prefix = reuse ? await encodePrefix(lm, encoded.prefixIds) : undefined;
    prefillTokens += prefix?.ids.length ?? 0;
    prefillMs += prefix?.ms ?? 0;

    // Types answered together: one by one, or in batches of `batchSize` rows from the shared prefix.
    const batchSize = prefix ? Math.max(1, Math.floor(options.batchSize ?? 1)) : 1;
    for (let first = 0; first < encoded.prompts.length; first += batchSize) {
      if (isInterrupted()) {
        interrupted = true;
        break chunkLoop;
      }
      const group = encoded.prompts.slice(first, first + batchSize).map((prompt, offset) => {
        const result = results[first + offset]!;
        emit({ type: 'type-started', requestId: '', entityType: result.entityType, chunk: chunkIndex });
        return {
          prompt,
          result,
          earlier: result.perChunk,
          stream: new AnswerStream(lm.tokenizer, lm.eosTokenIds),
        };
      });
      const groupStarted = performance.now();
      const onToken = (row: number, id: number, logProb: number) => {
        const member = group[row]!;
        if (member.stream.push(id, logProb).length === 0) return;
        // The item the constraint lets go completes only while it is letting go: never report it.
        if (logitsProcessor?.constraints[row]?.abandoned) return;
        const { stream } = member;
        const found = mapFoundEntities(
          chunk.start,
          withScores(aligner.alignAll(stream.entities()), stream.scores()),
        );
        emit({
          type: 'type-partial',
          requestId: '',
          entityType: member.result.entityType,
          entities: mergeFoundEntities([...member.earlier, found]),
        });
      };
      const promptLength = Math.max(...group.map((m) => m.prompt.ids.length));
      const logitsProcessor = options.constrain
        ? createConstraintProcessor(
            lm,
            chunk.text,
            promptLength,
            options.maxNewTokens,
            options.lengthCap ?? true,
          )
        : undefined;
      const common = {
        maxNewTokens: options.maxNewTokens,
        ...(logitsProcessor ? { logitsProcessor } : {}),
        shouldStop: isInterrupted,
      };
      const single = group[0]!;
      const stopWhenDecided = options.stopWhenListDecided === true;
      const outcomes =
        group.length === 1
          ? [
              await answer(lm, {
                ...common,
                ...(stopWhenDecided
                  ? { shouldStop: () => isInterrupted() || single.stream.listReadingDecided() }
                  : {}),
                promptIds: single.prompt.ids,
                ...(prefix ? { prefix } : {}),
                onToken: (id, logProb) => onToken(0, id, logProb),
              }),
            ]
          : await answerBatch(lm, {
              ...common,
              prompts: group.map((m) => m.prompt.ids),
              prefix: prefix!,
              onToken,
            });

      const groupMs = performance.now() - groupStarted;
      for (const [row, member] of group.entries()) {
        const outcome = outcomes[row]!;
        const final = member.stream.finish();
        // Without the item the constraint let go (the raw answer still shows it).
        const entities = logitsProcessor?.constraints[row]?.keptEntities(final.entities) ?? final.entities;
        const { result } = member;
        result.perChunk = [
          ...member.earlier,
          mapFoundEntities(chunk.start, withScores(aligner.alignAll(entities), final.scores)),
        ];
        result.rawAnswers.push(final.text);
        if (final.problem) result.problems.push(final.problem);
        result.decodeTokens += outcome.generatedIds.length;
        result.ms += groupMs;
        prefillTokens += outcome.prefillTokens;
        decodeTokens += outcome.generatedIds.length;
        if (isLast) emitTypeDone(result, emit);
      }
      // Rows of a batch share their wall time: count it once.
      prefillMs += Math.max(...outcomes.map((o) => o.prefillMs));
      decodeMs += Math.max(...outcomes.map((o) => o.decodeMs));
    }
    progress(chunkIndex + 1, chunk, isLast);
  }

  const stats: RunStats = {
    prefillTokens,
    decodeTokens,
    prefillMs,
    decodeMs,
    ms: performance.now() - started,
    chunks: chunkCount,
  };
  emit({ type: 'done', requestId: '', interrupted, stats });
  return stats;
}

function emitTypeDone(result: TypeResult, emit: (event: ExtractEvent) => void): void {
  emit({
    type: 'type-done',
    requestId: '',
    entityType: result.entityType,
    entities: mergeFoundEntities(result.perChunk),
    rawAnswers: result.rawAnswers,
    ...(result.problems.length > 0 ? { malformed: result.problems.join(' ') } : {}),
    decodeTokens: result.decodeTokens,
    ms: result.ms,
  });
}

/** Each item of `items` with its index and whether it is the last (one item of lookahead). */
function* withLookahead<T>(items: Iterable<T>): Generator<{ chunk: T; index: number; isLast: boolean }> {
  const iterator = items[Symbol.iterator]();
  let current = iterator.next();
  for (let index = 0; !current.done; index++) {
    const next = iterator.next();
    yield { chunk: current.value, index, isLast: next.done === true };
    current = next;
  }
}
