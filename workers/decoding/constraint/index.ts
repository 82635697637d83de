/**
 * Constrained decoding for UniNER answers: only valid JSON lists of distinct, non-empty passage
 * substrings, ended by EOS within the token budget.
 *
 * - `buildTokenByteTable(tokenizer)` once per tokenizer (cached);
 * - `new PassageAutomaton(passage)` once per passage (optional: constraints build one from a string);
 * - `new JsonListLogitsProcessor(table, automaton, { eosTokenId, maxNewTokens })` per `generate` call,
 *   passed as `logits_processor`; or drive `JsonListConstraint` directly.
 *
 * Inside a string the model's own choice is never overruled: when it would leave the passage, the item
 * is let go and the list closes (`JsonListConstraint.review`); `keptEntities` then removes that item
 * from the parsed entities (the raw answer still shows it, e.g. `["Barack Obama", ""]`).
 */

export { AnswerGrammar, Phase, Esc, type AnswerState, type AnswerGrammarOptions } from './answer-grammar';
export { buildByteTrie, trieChild, type ByteTrie } from './byte-trie';
export { JsonListConstraint, type JsonListConstraintOptions } from './json-list-constraint';
export { PassageAutomaton, isContinuationByte, type PassageChar } from './passage-automaton';
export {
  buildTokenByteTable,
  detectTokenizerKind,
  tokenByteTableFromPieces,
  type DetectedKind,
  type PieceTableOptions,
  type TokenTable,
  type TokenizerKind,
  type TokenizerLike,
} from './token-table';
