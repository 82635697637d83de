/**
 * The constraint's length caps (workers/limits.ts: at most `MAX_ENTITY_WORDS` words and
 * `MAX_ENTITY_BYTES` UTF-8 bytes per entity, never the whole passage), applied to a server's answer
 * after the fact. The local engine's constraint lets such an item go while the model writes it
 * (workers/decoding/constraint/answer-grammar.ts); a server's grammar cannot count words and bytes
 * cheaply, so the server engine drops the same items from the entities instead. The raw answer keeps
 * them, as the local engine's does.
 */
import { MAX_ENTITY_BYTES, MAX_ENTITY_WORDS } from '../limits';

const utf8 = new TextEncoder();

/** Words: runs of characters between ASCII spaces, tabs and line breaks (as the grammar counts them). */
function words(text: string): number {
  return text.split(/[ \t\n\r]+/u).filter((word) => word !== '').length;
}

/** UTF-8 bytes of `text` once leading and trailing spaces and ASCII punctuation are cut off. */
function coreBytes(text: string): number {
  // eslint-disable-next-line no-control-regex -- the grammar's edge bytes are exactly 0x00–0x20 and ASCII punctuation
  return utf8.encode(text.replace(/^[\x00-\x20!-/:-@[-`{-~]+|[\x00-\x20!-/:-@[-`{-~]+$/gu, '')).length;
}

/** Whether the caps let `entity` stand in an answer about `passage`. */
export function withinLengthCaps(entity: string, passage: string): boolean {
  const bytes = utf8.encode(entity).length;
  if (words(entity) > MAX_ENTITY_WORDS || bytes > MAX_ENTITY_BYTES) return false;
  // As long as the whole passage (of three words or more): the model copied the passage, it named nothing.
  return !(words(passage) >= 3 && bytes >= coreBytes(passage));
}
