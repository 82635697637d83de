/**
 * The UniNER conversation, byte for byte, and its `chat` twin for generic instruct models.
 *
 * The official inference code (FastChat's `ie_as_qa` template, `ADD_COLON_TWO` separators `' '` and
 * `'</s>'`) renders one line: system, `USER: Text: {passage}`, `ASSISTANT: I've read this text.</s>`,
 * `USER: What describes {type} in the text?`, `ASSISTANT:` with nothing after the colon. The model
 * cards show a newline-separated variant with a curly apostrophe; it is *not* what the model was
 * trained on. The tokenizer adds BOS itself, so it is not part of these strings.
 *
 * The prompt is split for prefix reuse: {@link uninerPrefix} (system + passage + the first answer) is
 * encoded once per passage and {@link uninerQuestion} once per entity type;
 * `uninerPrefix(p) + uninerQuestion(t) === uninerPrompt(p, t)`.
 */

import { InputError } from '../errors';
import { cleanEntityType, entityTypeKey, MAX_ENTITY_TYPE_LENGTH, MAX_ENTITY_TYPES } from '../limits';

/** The system sentence of UniNER's `ie_as_qa` template (also the system message of the chat style). */
export const UNINER_SYSTEM = 'A virtual assistant answers questions from a user based on the provided text.';

/** The assistant's fixed first answer. ASCII apostrophe: the model cards' curly one is wrong. */
export const UNINER_READ_REPLY = "I've read this text.";

/** LLaMA's end-of-sequence marker as text; the template writes it after each assistant turn. */
export const UNINER_TURN_END = '</s>';

/**
 * The dataset line of the supervised checkpoints (`-type-sup`, `-all`), written before `Text:` in the
 * first user turn. The paper shows `Dataset: {name} \n Text: {passage}`; whether the `\n` is a real
 * newline and whether a space follows it is *unverified* (the official repository has no supervised
 * inference code). We use a real newline with no space after it; change it here and only here.
 */
export const DATASET_LINE = (name: string): string => `Dataset: ${name} \n`;

/**
 * Appended to the question in the `chat` style. Generic instruct models do not know UniNER's answer
 * format and otherwise answer in prose; UniNER itself never sees this text.
 */
export const CHAT_ANSWER_INSTRUCTION =
  ' Answer with a JSON list of strings copied exactly from the text, and nothing else. If there are none, answer [].';

/** Options shared by the prompt builders. */
export interface PromptOptions {
  /** Dataset name for the supervised UniNER checkpoints; omitted or blank means no dataset line. */
  readonly datasetName?: string;
}

/** One message of the `chat` style, to be rendered by the model's own chat template. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/**
 * The passage-dependent start of the UniNER prompt, up to and including `I've read this text.</s>`.
 * Encode it once per passage and reuse its cache for every entity type.
 *
 * @throws {InputError} when the passage is empty or whitespace only.
 */
export function uninerPrefix(passage: string, options: PromptOptions = {}): string {
  return `${UNINER_SYSTEM} USER: ${firstUserTurn(passage, options)} ASSISTANT: ${UNINER_READ_REPLY}${UNINER_TURN_END}`;
}

/**
 * The question part of the UniNER prompt: `USER: What describes {type} in the text? ASSISTANT:`
 * (no space after the last colon: the model's answer starts with its own space-prefixed token).
 *
 * @throws {InputError} when the type is empty or too long (see {@link normalizeEntityType}).
 */
export function uninerQuestion(entityType: string): string {
  return `USER: ${question(entityType)} ASSISTANT:`;
}

/**
 * The whole UniNER prompt for one passage and one entity type (without BOS, which the tokenizer adds).
 *
 * @throws {InputError} on an empty passage or an invalid entity type.
 */
export function uninerPrompt(passage: string, entityType: string, options: PromptOptions = {}): string {
  return uninerPrefix(passage, options) + uninerQuestion(entityType);
}

/**
 * The same conversation as messages for a generic instruct model's chat template (rendered later with
 * the generation prompt added). The last user message carries {@link CHAT_ANSWER_INSTRUCTION} unless
 * `instruction` is false.
 *
 * @throws {InputError} on an empty passage or an invalid entity type.
 */
export function chatMessages(
  passage: string,
  entityType: string,
  options: PromptOptions & { readonly instruction?: boolean } = {},
): ChatMessage[] {
  const suffix = options.instruction === false ? '' : CHAT_ANSWER_INSTRUCTION;
  return [
    { role: 'system', content: UNINER_SYSTEM },
    { role: 'user', content: firstUserTurn(passage, options) },
    { role: 'assistant', content: UNINER_READ_REPLY },
    { role: 'user', content: question(entityType) + suffix },
  ];
}

/**
 * Checks a passage and returns it unchanged: it is never trimmed, because span offsets refer to the
 * passage exactly as given.
 *
 * @throws {InputError} when the passage is empty or contains only whitespace.
 */
export function validatePassage(passage: string): string {
  if (passage.trim() === '') {
    throw new InputError('The passage is empty. Paste or type some text to search for entities.');
  }
  return passage;
}

/**
 * One entity type as it goes into the prompt ({@link cleanEntityType}), checked.
 *
 * @throws {InputError} when nothing is left or it is longer than {@link MAX_ENTITY_TYPE_LENGTH}.
 */
export function normalizeEntityType(entityType: string): string {
  const type = cleanEntityType(entityType);
  if (type === '') {
    throw new InputError('An entity type is empty. Type a name such as "person", or remove the empty entry.');
  }
  if (type.length > MAX_ENTITY_TYPE_LENGTH) {
    throw new InputError(
      `The entity type "${type.slice(0, 30)}…" is ${type.length} characters long; the limit is ` +
        `${MAX_ENTITY_TYPE_LENGTH}. Use a short name such as "medical condition".`,
    );
  }
  return type;
}

/**
 * The entity types of a request, normalized ({@link normalizeEntityType}) and deduplicated
 * case-insensitively (the first spelling wins, order kept).
 *
 * @throws {InputError} when the list is empty, a type is invalid, or more than {@link MAX_ENTITY_TYPES}
 *   distinct types remain.
 */
export function validateEntityTypes(entityTypes: readonly string[]): string[] {
  const seen = new Set<string>();
  const types: string[] = [];
  for (const raw of entityTypes) {
    const type = normalizeEntityType(raw);
    const key = entityTypeKey(type);
    if (seen.has(key)) continue;
    seen.add(key);
    types.push(type);
  }
  if (types.length === 0) {
    throw new InputError(
      'No entity types were given. Add at least one type, such as "person" or "location".',
    );
  }
  if (types.length > MAX_ENTITY_TYPES) {
    throw new InputError(
      `${types.length} entity types were given; the limit is ${MAX_ENTITY_TYPES} per request. ` +
        'Remove some types or split them over several runs.',
    );
  }
  return types;
}

function firstUserTurn(passage: string, options: PromptOptions): string {
  const text = `Text: ${validatePassage(passage)}`;
  const dataset = options.datasetName?.trim();
  return dataset ? DATASET_LINE(dataset) + text : text;
}

function question(entityType: string): string {
  return `What describes ${normalizeEntityType(entityType)} in the text?`;
}
