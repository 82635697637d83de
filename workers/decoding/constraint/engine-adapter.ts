/**
 * The one-call entry point the extractor uses: a ready logits processor for one question.
 *
 * Keeps the per-tokenizer table (cached in `buildTokenByteTable`) and the automaton of the last
 * passage, since every entity type of a chunk asks about the same passage.
 */

import { MAX_ENTITY_BYTES, MAX_ENTITY_WORDS } from '../../limits';
import { JsonListLogitsProcessor } from './logits-processor';
import { PassageAutomaton } from './passage-automaton';
import { buildTokenByteTable, type TokenizerLike } from './token-table';

/** What the adapter needs from a loaded model (a subset of the engine's `CausalLm`). */
export interface ConstrainableLm {
  readonly tokenizer: TokenizerLike;
  /** Token ids that end an answer. */
  readonly eosTokenIds: readonly number[];
}

let lastPassage: { readonly text: string; readonly automaton: PassageAutomaton } | null = null;

function automatonFor(passage: string): PassageAutomaton {
  if (lastPassage?.text !== passage)
    lastPassage = { text: passage, automaton: new PassageAutomaton(passage) };
  return lastPassage.automaton;
}

/**
 * A logits processor constraining one `generate` call to a valid UniNER answer about `passage`.
 *
 * @param promptLength number of ids passed as `inputs` to `generate` (the full prompt, also when a
 *   prefix cache is passed alongside).
 * @param maxNewTokens the same `max_new_tokens` given to `generate`: the answer ends within it.
 * @param lengthCap the entity length caps of workers/limits.ts (see `answer-grammar.ts`).
 */
export function createConstraintProcessor(
  lm: ConstrainableLm,
  passage: string,
  promptLength: number,
  maxNewTokens: number,
  lengthCap = true,
): JsonListLogitsProcessor {
  return new JsonListLogitsProcessor(buildTokenByteTable(lm.tokenizer), automatonFor(passage), {
    eosTokenId: lm.eosTokenIds,
    maxNewTokens,
    promptLength,
    ...(lengthCap
      ? { maxItemWords: MAX_ENTITY_WORDS, maxItemBytes: MAX_ENTITY_BYTES, refuseWholePassage: true }
      : {}),
    // The engine always decodes greedily: a row whose argmax is already allowed needs no mask.
    greedy: true,
  });
}
