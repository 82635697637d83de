/**
 * Reading a server's answer: the text and, when the server returned them, each token's text and
 * log-probability; then the entities of that text, parsed by the engine's own parser and scored the
 * engine's way (the joint probability of the tokens spelling the string and its closing quote, see
 * workers/decoding/token-scores.ts).
 *
 * Two answer shapes are read: `/v1/completions` (`choices[0].text`, `choices[0].logprobs.tokens` and
 * `.token_logprobs`, the legacy OpenAI shape vLLM, llama.cpp and llama-cpp-python return) and
 * `/v1/chat/completions` (`choices[0].message.content`, `choices[0].logprobs.content[].token/.logprob`).
 */
import { ServerError } from '../errors';
import { StreamingListParser, type ParseReport } from '../text/stream-parser';
import { TokenCharRanges, entityScore, openingQuote, type EntityOccurrence } from '../decoding/entity-score';

/** One answer as the server gave it. */
export interface ServerAnswer {
  readonly text: string;
  /** Each generated token's text and log p; absent when the server returned no logprobs. */
  readonly tokens?: readonly { readonly text: string; readonly logProb: number | undefined }[];
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Why it stopped (`stop`, `length`…), as the server says. */
  readonly finishReason?: string;
}

/**
 * The answer of a completions or chat completions response.
 *
 * @throws {ServerError} when the body does not have the API's shape (`where` names the server).
 */
export function readAnswer(body: unknown, where: string): ServerAnswer {
  const choice = (body as { choices?: unknown[] } | null)?.choices?.[0] as
    | {
        text?: unknown;
        message?: { content?: unknown };
        logprobs?: unknown;
        finish_reason?: unknown;
      }
    | undefined;
  const text = typeof choice?.text === 'string' ? choice.text : choice?.message?.content;
  if (!choice || typeof text !== 'string') {
    throw new ServerError(
      `${where} answered JSON without choices[0].text or choices[0].message.content ` +
        `(${JSON.stringify(body).slice(0, 120)}): is this an OpenAI-compatible completions API?`,
    );
  }
  const usage = (body as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } }).usage;
  const tokens = tokensOf(choice.logprobs);
  return {
    text,
    ...(tokens ? { tokens } : {}),
    promptTokens: typeof usage?.prompt_tokens === 'number' ? usage.prompt_tokens : 0,
    completionTokens:
      typeof usage?.completion_tokens === 'number' ? usage.completion_tokens : (tokens?.length ?? 0),
    ...(typeof choice.finish_reason === 'string' ? { finishReason: choice.finish_reason } : {}),
  };
}

function tokensOf(logprobs: unknown): ServerAnswer['tokens'] {
  if (!logprobs || typeof logprobs !== 'object') return undefined;
  const legacy = logprobs as { tokens?: unknown; token_logprobs?: unknown };
  if (Array.isArray(legacy.tokens) && Array.isArray(legacy.token_logprobs)) {
    const logProbs = legacy.token_logprobs;
    return legacy.tokens.map((token, i) => ({
      text: String(token),
      logProb: typeof logProbs[i] === 'number' ? (logProbs[i] as number) : undefined,
    }));
  }
  const chat = (logprobs as { content?: unknown }).content;
  if (Array.isArray(chat)) {
    return chat.map((entry: { token?: unknown; logprob?: unknown }) => ({
      text: String(entry.token ?? ''),
      logProb: typeof entry.logprob === 'number' ? entry.logprob : undefined,
    }));
  }
  return undefined;
}

/** The parse of an answer with a score per entity text (the highest of its occurrences). */
export interface ScoredParse extends ParseReport {
  readonly scores: ReadonlyMap<string, number>;
  /** False when the server gave no usable token log-probabilities (then `scores` is empty). */
  readonly scored: boolean;
}

/**
 * Parses `answer.text` with the engine's streaming parser (the same salvage rules as the local engine)
 * and scores each entity from the token log-probabilities. Scores need the tokens to spell the text
 * (their concatenation starting with it); when they do not (a server that detokenises differently)
 * the entities are kept without scores.
 */
export function parseAndScore(answer: ServerAnswer): ScoredParse {
  const parser = new StreamingListParser();
  const occurrences: EntityOccurrence[] = [];
  const { text } = answer;
  for (let i = 0; i < text.length; i++) {
    for (const entity of parser.feed(text.charAt(i))) {
      occurrences.push({ text: entity, open: openingQuote(text, i), close: i });
    }
  }
  const report = parser.finish();
  const tokens = answer.tokens;
  const scores = new Map<string, number>();
  if (
    !tokens ||
    tokens.length === 0 ||
    !tokens
      .map((t) => t.text)
      .join('')
      .startsWith(text)
  ) {
    return { ...report, scores, scored: false };
  }
  const ranges = new TokenCharRanges();
  let spelled = '';
  for (const token of tokens) {
    spelled += token.text;
    ranges.push(spelled);
  }
  const logProbs = tokens.map((t) => t.logProb);
  for (const occurrence of occurrences) {
    const score = entityScore(occurrence, ranges, logProbs);
    if (score === undefined) continue;
    const best = scores.get(occurrence.text);
    if (best === undefined || score > best) scores.set(occurrence.text, score);
  }
  return { ...report, scores, scored: true };
}
