/**
 * Token ids of the prompts of one passage: a shared prefix (encoded once, its cache reused) and one
 * full prompt per entity type. The shared prefix is the longest common token prefix of the prompts,
 * so "prefix ids + question ids = whole prompt ids" holds by construction for any tokenizer and any
 * chat template, and answers equal those of a full re-encode.
 *
 * User text (passage, entity type, dataset name) is marked as such, so special-token strings in it
 * stay text (see safe-encoding.ts).
 */
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { PromptStyle } from '../protocol';
import {
  chatMessages,
  normalizeEntityType,
  uninerPrefix,
  uninerPrompt,
  type ChatMessage,
  type PromptOptions,
} from './prompt';
import { limitChatTemplates } from './chat-template';
import { encodeParts, type PromptPart } from './safe-encoding';

/** The prompts of one passage. */
export interface EncodedPrompts {
  /** Ids shared by every prompt (at least one id shorter than the shortest prompt). */
  readonly prefixIds: number[];
  /** One entry per entity type, in order. */
  readonly prompts: { readonly entityType: string; readonly ids: number[]; readonly text: string }[];
}

/** Placeholders in the supplementary private-use plane: no template or tokenizer gives them meaning. */
const placeholder = (index: number) => `\u{F0000}${index}\u{F0001}`;
const PLACEHOLDER = /\u{F0000}(\d+)\u{F0001}/u;

/**
 * Renders a prompt with placeholders for the user values to learn which characters are template,
 * then substitutes the values. If the renderer changes user text (a chat template that trims), the
 * split cannot be trusted and the whole prompt is treated as template text.
 */
function promptParts(render: (values: readonly string[]) => string, values: readonly string[]): PromptPart[] {
  const skeleton = render(values.map((_, i) => placeholder(i))).split(PLACEHOLDER);
  const parts: PromptPart[] = skeleton.map((piece, i) =>
    i % 2 === 0 ? { text: piece, user: false } : { text: values[Number(piece)] ?? '', user: true },
  );
  const text = render(values);
  return parts.map((p) => p.text).join('') === text ? parts : [{ text, user: false }];
}

function renderChat(
  tokenizer: PreTrainedTokenizer,
  messages: ChatMessage[],
  generationPrompt: boolean,
): string {
  // The template comes with the model folder: render it with limits (chat-template.ts).
  limitChatTemplates(tokenizer);
  return tokenizer.apply_chat_template(messages as never, {
    tokenize: false,
    add_generation_prompt: generationPrompt,
  }) as string;
}

/** The user values of a prompt, in placeholder order: passage, entity type, dataset name. */
function userValues(passage: string, entityType: string, options: PromptOptions): string[] {
  return [passage, normalizeEntityType(entityType), options.datasetName?.trim() ?? ''];
}

function withValues(values: readonly string[], options: PromptOptions): PromptOptions {
  return options.datasetName?.trim() ? { datasetName: values[2] ?? '' } : {};
}

/** The parts of the whole prompt for one entity type. */
function wholePromptParts(
  tokenizer: PreTrainedTokenizer,
  style: PromptStyle,
  passage: string,
  entityType: string,
  options: PromptOptions,
) {
  const values = userValues(passage, entityType, options);
  if (style === 'uniner')
    return promptParts((v) => uninerPrompt(v[0]!, v[1]!, withValues(v, options)), values);
  return promptParts(
    (v) => renderChat(tokenizer, chatMessages(v[0]!, v[1]!, withValues(v, options)), true),
    values,
  );
}

/** The parts of the passage prefix alone (finds the split point even when there is only one type). */
function prefixParts(
  tokenizer: PreTrainedTokenizer,
  style: PromptStyle,
  passage: string,
  options: PromptOptions,
) {
  const values = userValues(passage, 'x', options);
  if (style === 'uniner') return promptParts((v) => uninerPrefix(v[0]!, withValues(v, options)), values);
  return promptParts(
    (v) => renderChat(tokenizer, chatMessages(v[0]!, 'x', withValues(v, options)).slice(0, 3), false),
    values,
  );
}

/** The prompt text for one type, exactly as the model sees it. */
export function promptText(
  tokenizer: PreTrainedTokenizer,
  style: PromptStyle,
  passage: string,
  entityType: string,
  options: PromptOptions,
): string {
  return wholePromptParts(tokenizer, style, passage, entityType, options)
    .map((p) => p.text)
    .join('');
}

/** Encodes the prompts of `passage` for every entity type. */
export function encodePrompts(
  tokenizer: PreTrainedTokenizer,
  style: PromptStyle,
  passage: string,
  entityTypes: readonly string[],
  options: PromptOptions = {},
): EncodedPrompts {
  // The UniNER style lets the tokenizer add BOS; chat templates write their own special tokens.
  const addSpecial = style === 'uniner';
  const prompts = entityTypes.map((entityType) => {
    const parts = wholePromptParts(tokenizer, style, passage, entityType, options);
    return {
      entityType,
      text: parts.map((p) => p.text).join(''),
      ids: encodeParts(tokenizer, parts, addSpecial),
    };
  });
  const passageIds = encodeParts(tokenizer, prefixParts(tokenizer, style, passage, options), addSpecial);
  const shortest = Math.min(...prompts.map((p) => p.ids.length));
  const shared = Math.min(commonPrefixLength([passageIds, ...prompts.map((p) => p.ids)]), shortest - 1);
  return { prefixIds: prompts[0]?.ids.slice(0, Math.max(shared, 0)) ?? [], prompts };
}

/** Longest common prefix of several id sequences. */
export function commonPrefixLength(sequences: readonly (readonly number[])[]): number {
  const [first, ...rest] = sequences;
  if (!first) return 0;
  let length = first.length;
  for (const seq of rest) {
    let i = 0;
    while (i < length && i < seq.length && seq[i] === first[i]) i++;
    length = i;
  }
  return length;
}
