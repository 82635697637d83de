/**
 * The engine on an OpenAI-compatible inference server (vLLM, llama.cpp's server, llama-cpp-python,
 * TGI, SGLang, Ollama): an {@link Engine} like the Web Worker and Node ones, so the corpus runner, the
 * CLI, eval and bench drive it the same way.
 *
 * The rules are the local engine's: the same prompt builders (workers/text/prompt.ts: UniNER's
 * conversation as raw text through `/v1/completions`, `</s>` written literally as the official code
 * does; or the chat messages through `/v1/chat/completions`, where the server applies the model's own
 * template), UniNER's decoding (`temperature` 0, `max_tokens` from the options, `stop` `["</s>"]`),
 * the same streaming parser, span alignment, chunking of long passages and events. Differences, each
 * for a reason:
 *
 * - Constrained decoding is the server's own (llama.cpp's `grammar`, vLLM's structured outputs:
 *   `constraint.ts`): a JSON list of strings, and alignment drops strings the passage lacks; the
 *   length caps (`length-caps.ts`) drop what the local constraint would have let go.
 * - Each answer arrives whole (no streaming): `type-partial` is sent once per answer, before its
 *   `type-done`. Throughput comes from requests in flight, not from streaming.
 * - Scores come from the server's `logprobs` (taken before its grammar, as ours are); a server that
 *   returns none gives entities without scores, and {@link ServerEngine.scores} says so.
 * - Token counts for chunking come from the server's tokenizer endpoint when it has one
 *   (`/tokenize`, llama-cpp-python's `/extras/tokenize`), else from the UTF-8 byte count (an upper
 *   bound for byte-fallback and byte-level tokenizers).
 * - The passage reaches the server as text, so its tokenizer decides what `</s>` in a *passage* means;
 *   the local engine encodes passages so that they can never become special tokens.
 *
 * Pure `fetch`: no Node API, so the page can run it too.
 */
import type { Engine, EngineEvent, ExtractJob } from '../engine';
import { InputError, ServerError } from '../errors';
import { passageChunkTokens } from '../limits';
import {
  DEFAULT_EXTRACT_OPTIONS,
  type DoneEvent,
  type ExtractOptions,
  type FoundEntity,
  type LoadedModelInfo,
  type PromptStyle,
} from '../protocol';
import {
  chatMessages,
  uninerPrompt,
  validateEntityTypes,
  validatePassage,
  UNINER_TURN_END,
} from '../text/prompt';
import { chunkPassage, mapFoundEntities, mergeFoundEntities, type Chunk } from '../text/chunking';
import { createAligner } from '../text/span-alignment';
import { withScores } from '../decoding/entity-score';
import { Aborted, requestJson, statusOf, type HttpOptions } from './http';
import {
  autoConstraint,
  constraintFields,
  type ServerConstraint,
  type ServerConstraintSetting,
} from './constraint';
import { parseAndScore, readAnswer } from './completion';
import { Semaphore } from './semaphore';
import { withinLengthCaps } from './length-caps';

/** How to reach the server and how to ask it. */
export interface ServerEngineOptions {
  /** `http://host:port` or `http://host:port/v1`; no credentials in it (use {@link apiKey}). */
  readonly baseUrl: string;
  /** The model name the server knows; omitted: the only model `/v1/models` lists. */
  readonly model?: string;
  /** Bearer key (the CLI reads it from `UNINER_SERVER_API_KEY`); never logged or written out. */
  readonly apiKey?: string;
  /** Default `uniner`: UniNER's conversation as raw text (the main path for UniNER). */
  readonly promptStyle?: PromptStyle;
  /** Default `auto` (vLLM: structured outputs; anything else: llama.cpp's grammar). */
  readonly constraint?: ServerConstraintSetting;
  /** Requests in flight at most, over every extraction of this engine. Default 4. */
  readonly concurrency?: number;
  /** Send the types of one passage together (up to `concurrency`). Default true. */
  readonly typesInParallel?: boolean;
  /** The model's context in tokens; default from `/v1/models` (`max_model_len`), else 2048. */
  readonly contextLength?: number;
  /** One request's time limit in ms. Default 120,000. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt on 429, 5xx, timeouts, refused connections. Default 4. */
  readonly retries?: number;
  /** First backoff in ms (doubling). Default 1,000. */
  readonly retryBaseMs?: number;
  /** Ask for token log-probabilities (scores). Default true. */
  readonly scores?: boolean;
  /** Retries and other notes a run may want to show. */
  readonly onNote?: (message: string) => void;
  /** For tests of the page; defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
}

/** The server engine: an {@link Engine} plus what it settled on. */
export interface ServerEngine extends Engine {
  /** The constraint every request carries (after `auto` was resolved at load). */
  readonly constraint: ServerConstraint | null;
  /** Whether the server returned token log-probabilities so far (`null` before the first answer). */
  readonly scores: boolean | null;
  /** The API base (`…/v1`), without credentials. */
  readonly apiBase: string;
  /** The model name the server serves (known after `load`; null before). */
  readonly modelName: string | null;
}

/** The context assumed when the server does not say (llama-cpp-python's and LLaMA-1's default). */
export const DEFAULT_SERVER_CONTEXT = 2048;

let counter = 0;

/** `{ api: 'http://h:p/v1', root: 'http://h:p' }` from what the user typed. */
export function serverUrls(baseUrl: string): { readonly api: string; readonly root: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new InputError(`The server address "${baseUrl}" is not a URL. Use e.g. http://127.0.0.1:8080.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InputError(`The server address must start with http:// or https:// (got ${url.protocol}).`);
  if (url.username || url.password)
    throw new InputError(
      'The server address holds credentials: remove them from the URL and set UNINER_SERVER_API_KEY instead.',
    );
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  const root = `${url.protocol}//${url.host}${path}`;
  return { api: `${root}/v1`, root };
}

/** Creates the engine; nothing is sent until `load` (or the first `extract`). */
export function createServerEngine(options: ServerEngineOptions): ServerEngine {
  const { api, root } = serverUrls(options.baseUrl);
  const http: HttpOptions = {
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    timeoutMs: options.timeoutMs ?? 120_000,
    retries: options.retries ?? 4,
    retryBaseMs: options.retryBaseMs ?? 1_000,
    ...(options.onNote ? { onRetry: options.onNote } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const semaphore = new Semaphore(concurrency);
  const promptStyle = options.promptStyle ?? 'uniner';
  const running = new Set<AbortController>();
  let info: LoadedModelInfo | null = null;
  let loading: Promise<LoadedModelInfo> | null = null;
  let modelName = '';
  let constraint: ServerConstraint | null = null;
  let scores: boolean | null = null;
  let contextLength = DEFAULT_SERVER_CONTEXT;
  let tokenize: ((text: string, signal: AbortSignal) => Promise<number>) | null = null;
  let disposed = false;

  const load = async (): Promise<LoadedModelInfo> => {
    // A server without a model list (some TGI versions) is usable when the model is named.
    const listed = await requestJson(`${api}/models`, undefined, http).catch((error: unknown) => {
      if (statusOf(error) === 404 && options.model !== undefined)
        return { data: [{ id: options.model, owned_by: undefined }] };
      throw error;
    });
    const models = (listed as { data?: unknown } | null)?.data;
    if (!Array.isArray(models) || models.some((m) => typeof (m as { id?: unknown })?.id !== 'string')) {
      throw new ServerError(
        `${api}/models answered ${JSON.stringify(listed).slice(0, 120)}, not a model list: ` +
          'is this the base URL of an OpenAI-compatible server?',
      );
    }
    const ids = models.map((m: { id: string }) => m.id);
    const wanted = options.model ?? (ids.length === 1 ? ids[0] : undefined);
    if (wanted === undefined) {
      throw new ServerError(
        ids.length === 0
          ? `${api}/models lists no model: start the server with a model.`
          : `The server at ${root} serves ${ids.length} models (${ids.join(', ')}): choose one with --server-model.`,
      );
    }
    const entry = models.find((m: { id: string }) => m.id === wanted) as
      { id: string; owned_by?: unknown; max_model_len?: unknown } | undefined;
    if (!entry) {
      throw new ServerError(`The server at ${root} does not serve "${wanted}"; it serves ${ids.join(', ')}.`);
    }
    modelName = wanted;
    const ownedBy = typeof entry.owned_by === 'string' ? entry.owned_by : undefined;
    const setting = options.constraint ?? 'auto';
    constraint = setting === 'auto' ? autoConstraint(ownedBy) : setting;
    contextLength =
      options.contextLength ??
      (typeof entry.max_model_len === 'number' ? entry.max_model_len : DEFAULT_SERVER_CONTEXT);
    tokenize = await findTokenizer(root, modelName, http);
    const host = new URL(root).host;
    info = {
      source: `${root} ${modelName}`,
      displayName: `${modelName} on ${host}`,
      isUniner: /uniner/i.test(modelName),
      promptStyle,
      promptStyleReason:
        options.promptStyle === undefined
          ? "the server engine's default: UniNER's conversation as raw text (--prompt-style chat uses the server's chat template)"
          : 'chosen in the settings',
      device: 'server',
      dtype: 'unknown',
      contextLength,
    };
    return info;
  };

  /** One answer for one type of one chunk: the request, then parse, score and align. */
  const ask = async (chunk: Chunk, entityType: string, extract: ExtractOptions, signal: AbortSignal) => {
    const promptOptions = extract.datasetName ? { datasetName: extract.datasetName } : {};
    const chat = promptStyle === 'chat';
    const body = {
      model: modelName,
      ...(chat
        ? { messages: chatMessages(chunk.text, entityType, promptOptions) }
        : { prompt: uninerPrompt(chunk.text, entityType, promptOptions), stop: [UNINER_TURN_END] }),
      max_tokens: extract.maxNewTokens,
      temperature: 0,
      ...(options.scores === false ? {} : chat ? { logprobs: true } : { logprobs: 1 }),
      ...(extract.constrain ? constraintFields(constraint!) : {}),
    };
    const url = `${api}/${chat ? 'chat/completions' : 'completions'}`;
    await semaphore.acquire(signal);
    const started = performance.now();
    try {
      const answer = readAnswer(await requestJson(url, body, http, signal), url);
      return { answer, ms: performance.now() - started };
    } finally {
      semaphore.release();
    }
  };

  const extract = async (job: ExtractJob, onEvent?: (event: EngineEvent) => void): Promise<DoneEvent> => {
    if (disposed) throw new ServerError('The server engine was disposed.');
    const requestId = `server-${++counter}`;
    const started = performance.now();
    const passage = validatePassage(job.passage);
    const entityTypes = validateEntityTypes(job.entityTypes);
    const extract: ExtractOptions = { ...DEFAULT_EXTRACT_OPTIONS, ...job.options };
    if (!Number.isInteger(extract.maxNewTokens) || extract.maxNewTokens < 1)
      throw new InputError(`maxNewTokens must be a positive integer (got ${extract.maxNewTokens}).`);
    await engine.load();
    const controller = new AbortController();
    running.add(controller);
    const emit = (event: EngineEvent) => onEvent?.(event);
    let prefillTokens = 0;
    let decodeTokens = 0;
    let requestMs = 0;
    let chunkCount = 0;
    let interrupted = false;
    const perType = new Map<
      string,
      { found: FoundEntity[][]; raw: string[]; problems: string[]; tokens: number; ms: number }
    >(entityTypes.map((t) => [t, { found: [], raw: [], problems: [], tokens: 0, ms: 0 }]));
    try {
      const chunks = await chunksOf(passage, extract, controller.signal);
      for (const [index, chunk] of chunks.entries()) {
        chunkCount = index + 1;
        const isLast = index === chunks.length - 1;
        const aligner = createAligner(chunk.text);
        const answerType = async (entityType: string) => {
          emit({ type: 'type-started', requestId, entityType, chunk: index });
          const { answer, ms } = await ask(chunk, entityType, extract, controller.signal);
          const parsed = parseAndScore(answer);
          if (parsed.scored) scores = true;
          else scores ??= false;
          const result = perType.get(entityType)!;
          // Constrained answers obey the local constraint's length caps too (length-caps.ts).
          const kept =
            extract.constrain && extract.lengthCap !== false
              ? parsed.entities.filter((entity) => withinLengthCaps(entity, chunk.text))
              : parsed.entities;
          result.found.push(mapFoundEntities(chunk.start, withScores(aligner.alignAll(kept), parsed.scores)));
          result.raw.push(answer.text);
          if (parsed.problem) result.problems.push(parsed.problem);
          result.tokens += answer.completionTokens;
          result.ms += ms;
          prefillTokens += answer.promptTokens;
          decodeTokens += answer.completionTokens;
          requestMs += ms;
          const entities = mergeFoundEntities(result.found);
          emit({ type: 'type-partial', requestId, entityType, entities });
          if (isLast) {
            emit({
              type: 'type-done',
              requestId,
              entityType,
              entities,
              rawAnswers: result.raw,
              ...(result.problems.length > 0 ? { malformed: result.problems.join(' ') } : {}),
              decodeTokens: result.tokens,
              ms: result.ms,
            });
          }
        };
        if (options.typesInParallel === false) {
          for (const type of entityTypes) await answerType(type);
        } else {
          await allOrFirstFailure(entityTypes.map(answerType), controller);
        }
        emit({ type: 'chunk-progress', requestId, done: index + 1, total: chunks.length });
      }
    } catch (error) {
      if (!(error instanceof Aborted) || !controller.signal.aborted || controller.signal.reason !== INTERRUPT)
        throw error;
      interrupted = true;
    } finally {
      running.delete(controller);
    }
    return {
      type: 'done',
      requestId,
      interrupted,
      stats: {
        prefillTokens,
        decodeTokens,
        // The server prefills and decodes inside one request: the time is counted as decoding.
        prefillMs: 0,
        decodeMs: requestMs,
        ms: performance.now() - started,
        chunks: chunkCount,
      },
    };
  };

  /** The passage's chunks under the model's context, counted with the server's tokenizer if it has one. */
  const chunksOf = async (
    passage: string,
    extract: ExtractOptions,
    signal: AbortSignal,
  ): Promise<Chunk[]> => {
    const budget = passageChunkTokens(contextLength, extract.maxNewTokens);
    const bytes = (text: string) => utf8.encode(text).length;
    if (bytes(passage) <= budget) return [{ text: passage, start: 0, end: passage.length }];
    if (tokenize) {
      const tokens = await tokenize(passage, signal);
      if (tokens <= budget) return [{ text: passage, start: 0, end: passage.length }];
      // Pieces are counted at the passage's own tokens-per-byte, with a margin for denser pieces.
      const perByte = tokens / bytes(passage);
      return chunkPassage(passage, budget, (text) =>
        Math.min(bytes(text), Math.ceil(bytes(text) * perByte * 1.2)),
      );
    }
    return chunkPassage(passage, budget, bytes);
  };

  const engine: ServerEngine = {
    get model() {
      return info;
    },
    get constraint() {
      return constraint;
    },
    get scores() {
      return scores;
    },
    get modelName() {
      return info ? modelName : null;
    },
    apiBase: api,
    // The corpus runner keeps this many documents going; the semaphore keeps the requests to it.
    concurrency,
    load() {
      if (disposed) return Promise.reject(new ServerError('The server engine was disposed.'));
      loading ??= load().catch((error: unknown) => {
        loading = null;
        throw error;
      });
      return loading;
    },
    extract,
    interrupt() {
      for (const controller of running) controller.abort(INTERRUPT);
    },
    dispose() {
      disposed = true;
      for (const controller of running) controller.abort(INTERRUPT);
      return Promise.resolve();
    },
  };
  return engine;
}

/** The abort reason of an interrupt (a failure aborts siblings with another reason). */
const INTERRUPT = 'interrupt';
const SIBLING_FAILED = 'a sibling request failed';

const utf8 = new TextEncoder();

/** Waits for all; on the first failure aborts the rest (they reject as aborted) and rethrows it. */
async function allOrFirstFailure(tasks: Promise<void>[], controller: AbortController): Promise<void> {
  let first: unknown;
  let failed = false;
  await Promise.all(
    tasks.map((task) =>
      task.catch((error: unknown) => {
        if (failed) return;
        if (error instanceof Aborted && controller.signal.aborted) {
          first ??= error;
          return;
        }
        failed = true;
        first = error;
        controller.abort(SIBLING_FAILED);
      }),
    ),
  );
  if (first !== undefined) throw first;
}

/**
 * A token counter from the server, if it has one: vLLM's and llama.cpp's `POST /tokenize`, or
 * llama-cpp-python's `POST /extras/tokenize`. Probed once with a word; `null` when neither answers.
 */
async function findTokenizer(
  root: string,
  model: string,
  http: HttpOptions,
): Promise<((text: string, signal: AbortSignal) => Promise<number>) | null> {
  const probe: HttpOptions = { ...http, retries: 0, timeoutMs: Math.min(http.timeoutMs, 10_000) };
  const endpoints: [string, (text: string) => unknown][] = [
    [`${root}/tokenize`, (text) => ({ model, prompt: text, content: text })],
    [`${root}/extras/tokenize`, (text) => ({ model, input: text })],
  ];
  for (const [url, body] of endpoints) {
    const count = (answer: unknown) => {
      const tokens = (answer as { tokens?: unknown } | null)?.tokens;
      return Array.isArray(tokens) ? tokens.length : undefined;
    };
    try {
      if (count(await requestJson(url, body('Hello'), probe)) === undefined) continue;
    } catch {
      continue;
    }
    return async (text, signal) => {
      const tokens = count(await requestJson(url, body(text), http, signal));
      if (tokens === undefined) throw new ServerError(`${url} stopped answering with a token list.`);
      return tokens;
    };
  }
  return null;
}
