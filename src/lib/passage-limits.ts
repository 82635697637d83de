/** Passage size limits and the token estimate shown under the editor. */
import { passageChunkTokens } from '../../workers/limits';
import { chunkPassage } from '../../workers/text/chunking';

/** Hard cap on the passage (the highlighter is built to stay fast up to here). */
export const MAX_PASSAGE_CHARS = 50_000;

/** Show the counter in warning colours from this fraction of the cap on. */
export const WARN_FRACTION = 0.8;

/** Context window assumed before a model is loaded (UniNER is LLaMA-1: 2,048 tokens). */
export const DEFAULT_CONTEXT_TOKENS = 2048;

/**
 * A rough LLaMA-style token count: about 4 characters per token for English prose, more tokens for
 * digits and punctuation. Only an estimate; the engine counts real tokens.
 */
export function estimateTokens(text: string): number {
  if (!text) return 0;
  const words = text.match(/[\p{L}\p{M}]+/gu)?.length ?? 0;
  const digits = text.match(/\p{N}/gu)?.length ?? 0;
  const symbols = text.match(/[^\p{L}\p{M}\p{N}\s]/gu)?.length ?? 0;
  return Math.max(Math.ceil(text.length / 4), Math.ceil(words * 1.3 + digits + symbols * 0.8));
}

/**
 * How many chunks the engine will split a passage into: the engine's own chunker at the engine's own
 * budget ({@link passageChunkTokens}), counting with {@link estimateTokens} instead of the tokenizer,
 * which the page does not have. So the editor and the engine differ only where the estimate misses.
 */
export function estimateChunks(
  passage: string,
  contextTokens: number = DEFAULT_CONTEXT_TOKENS,
  maxNewTokens: number,
): { chunks: number; chunkTokens: number } {
  const chunkTokens = passageChunkTokens(contextTokens, maxNewTokens);
  if (passage.trim() === '') return { chunks: 1, chunkTokens };
  return { chunks: Math.max(1, chunkPassage(passage, chunkTokens, estimateTokens).length), chunkTokens };
}
