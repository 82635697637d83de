/**
 * The rules the page and the engine must agree on, in one place: how an entity type is cleaned and how
 * many and how long types may be, and how many passage tokens one chunk may hold. The engine enforces
 * them (workers/text/prompt.ts, workers/extractor.ts); the page shows them before Extract
 * (src/lib/entity-types.ts, src/lib/passage-limits.ts). Pure: `src/` may import it (eslint.config.js).
 */
import type { ExtractOptions } from './protocol';

/** Longest entity type, in UTF-16 code units after cleaning. */
export const MAX_ENTITY_TYPE_LENGTH = 100;

/** Most distinct entity types in one request. */
export const MAX_ENTITY_TYPES = 50;

/**
 * One entity type as it goes into the prompt: trimmed, every whitespace run (newlines included)
 * collapsed to one space. Anything else (quotes, braces, non-ASCII) is user text and kept verbatim.
 * The empty string means nothing is left.
 */
export function cleanEntityType(raw: string): string {
  return raw.replace(/\s+/gu, ' ').trim();
}

/**
 * The key two types are the same under: plain lower case. (toLocaleLowerCase would depend on the
 * user's locale, the Turkish dotted I; a check the person cannot see must be the same everywhere.)
 */
export function entityTypeKey(type: string): string {
  return type.toLowerCase();
}

/** Tokens kept free for the question, the template around the passage, and the system text. */
export const QUESTION_AND_TEMPLATE_TOKENS = 96;

/** UniNER was distilled on passages of a few hundred tokens; longer chunks cost time and quality. */
export const MAX_CHUNK_TOKENS = 1024;

/** The smallest chunk the engine makes, however small the context: below it a question cannot fit. */
export const MIN_CHUNK_TOKENS = 32;

/** Tokens prefilled per forward pass, so a long passage's full logits never sit in memory at once. */
export const PREFILL_PIECE_TOKENS = 256;

/** The longest answer UniNER's inference code allows, and our default. */
export const UNINER_MAX_NEW_TOKENS = 256;

/**
 * Passage tokens one chunk may hold on a model with `contextLength` tokens when each answer may take
 * `maxNewTokens`: the engine splits at this budget and the editor estimates with it.
 */
export function passageChunkTokens(contextLength: number, maxNewTokens: number): number {
  return Math.max(
    MIN_CHUNK_TOKENS,
    Math.min(MAX_CHUNK_TOKENS, contextLength - maxNewTokens - QUESTION_AND_TEMPLATE_TOKENS),
  );
}

/**
 * The longest sequence the app runs: a passage chunk of the most tokens, the question and template, a
 * UniNER-length answer and the system text. The memory check sizes the KV cache for it.
 */
export const APP_CONTEXT_TOKENS =
  MAX_CHUNK_TOKENS + QUESTION_AND_TEMPLATE_TOKENS + UNINER_MAX_NEW_TOKENS + MIN_CHUNK_TOKENS;

/**
 * The longest entity constrained decoding lets a model write: words (runs between spaces) and UTF-8
 * bytes of its text; a string as long as the whole passage (of three words or more) is refused too.
 * Chosen on the evaluation data (docs/evaluation.md, "Length caps"): the longest gold entity of
 * CrossNER AI and MIT Restaurant has 11 words and 73 bytes, so these caps cost no gold entity, while
 * whole-paragraph proposals (more than half of what SmolLM2-135M proposed on short news paragraphs)
 * are let go as the model writes them.
 */
export const MAX_ENTITY_WORDS = 12;
export const MAX_ENTITY_BYTES = 100;

/** Default extraction options: constrained, UniNER's 256-token answer budget. */
export const DEFAULT_EXTRACT_OPTIONS: ExtractOptions = { constrain: true, maxNewTokens: 256 };
