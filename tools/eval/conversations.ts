/**
 * Reader of the UniNER conversation format (the official test data and the training data):
 *
 *     {"id": "CrossNER_AI_0", "conversations": [
 *       {"from": "human", "value": "Text: <passage>"},
 *       {"from": "gpt",   "value": "I've read this text."},
 *       {"from": "human", "value": "What describes <type> in the text?"},
 *       {"from": "gpt",   "value": "<gold JSON list>"},
 *       … more question/answer pairs (training data) …]}
 *
 * Question ids: an item with ONE question/answer pair keeps the item id (`CrossNER_AI_0`), so ids
 * match the official files one to one; an item with several pairs gives `${id}#${k}`, k = 0, 1, …
 * in conversation order.
 */

import type { EvalQuestion } from './question';

/** Thrown for data that is not in the expected format; the message names the file and the item. */
export class EvalDataError extends Error {
  override readonly name = 'EvalDataError';
}

const QUESTION = /^What describes ([\s\S]*) in the text\?$/;
const TEXT_PREFIX = 'Text: ';

interface Turn {
  readonly from: string;
  readonly value: string;
}

function isTurn(value: unknown): value is Turn {
  if (typeof value !== 'object' || value === null) return false;
  const turn = value as Record<string, unknown>;
  return typeof turn.from === 'string' && typeof turn.value === 'string';
}

/** Parse one conversation-format JSON document (an array of items) into questions. */
export function questionsFromConversations(json: unknown, dataset: string, where = dataset): EvalQuestion[] {
  if (!Array.isArray(json)) throw new EvalDataError(`${where}: expected a JSON array of conversation items`);
  const questions: EvalQuestion[] = [];
  json.forEach((raw: unknown, index) => {
    const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const id = typeof item.id === 'string' || typeof item.id === 'number' ? String(item.id) : undefined;
    const at = `${where}: item ${index}${id === undefined ? '' : ` (id ${id})`}`;
    if (id === undefined) throw new EvalDataError(`${at}: missing "id"`);
    const turns = item.conversations;
    if (!Array.isArray(turns) || !turns.every(isTurn)) {
      throw new EvalDataError(`${at}: "conversations" must be an array of {from, value} strings`);
    }
    // Text turn + acknowledgement + at least one question/answer pair, in pairs.
    if (turns.length < 4 || turns.length % 2 !== 0) {
      throw new EvalDataError(`${at}: expected "Text: …", the acknowledgement, then question/answer pairs`);
    }
    const first = turns[0];
    if (first === undefined || !first.value.startsWith(TEXT_PREFIX)) {
      throw new EvalDataError(`${at}: the first turn must start with "${TEXT_PREFIX}"`);
    }
    const passage = first.value.slice(TEXT_PREFIX.length);
    const pairs = (turns.length - 2) / 2;
    for (let k = 0; k < pairs; k++) {
      const question = turns[2 + 2 * k];
      const answer = turns[3 + 2 * k];
      const match = question === undefined ? null : QUESTION.exec(question.value);
      if (match === null || match[1] === undefined || answer === undefined) {
        throw new EvalDataError(`${at}: turn ${2 + 2 * k} is not "What describes <type> in the text?"`);
      }
      questions.push({
        id: pairs === 1 ? id : `${id}#${k}`,
        passage,
        entityType: match[1],
        goldAnswer: answer.value,
        dataset,
      });
    }
  });
  return questions;
}
