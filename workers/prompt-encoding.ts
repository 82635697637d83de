/**
 * Token ids of the prompts of one passage: a shared prefix (encoded once, its cache reused) and one
 * full prompt per entity type. The shared prefix is the longest common token prefix of the prompts,
 * so "prefix ids + question ids = whole prompt ids" holds by construction for any tokenizer and any
 * chat template, and answers equal those of a full re-encode.
 */
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { PromptStyle } from './protocol';
import { chatMessages, uninerPrefix, uninerPrompt, type PromptOptions } from './prompt';
import { commonPrefixLength } from './generation';

/** The prompts of one passage. */
export interface EncodedPrompts {
  /** Ids shared by every prompt (at least one id shorter than the shortest prompt). */
  readonly prefixIds: number[];
  /** One entry per entity type, in order. */
  readonly prompts: { readonly entityType: string; readonly ids: number[]; readonly text: string }[];
}

/** The prompt text for one type, exactly as the model sees it. */
export function promptText(
  tokenizer: PreTrainedTokenizer,
  style: PromptStyle,
  passage: string,
  entityType: string,
  options: PromptOptions,
): string {
  if (style === 'uniner') return uninerPrompt(passage, entityType, options);
  return tokenizer.apply_chat_template(chatMessages(passage, entityType, options) as never, {
    tokenize: false,
    add_generation_prompt: true,
  }) as string;
}

/** The passage part alone, used to find the split point even when there is only one type. */
function prefixText(
  tokenizer: PreTrainedTokenizer,
  style: PromptStyle,
  passage: string,
  options: PromptOptions,
): string {
  if (style === 'uniner') return uninerPrefix(passage, options);
  const [system, user, assistant] = chatMessages(passage, 'x', options);
  return tokenizer.apply_chat_template([system, user, assistant] as never, {
    tokenize: false,
    add_generation_prompt: false,
  }) as string;
}

/**
 * Encodes the UniNER conversation text. The UniNER style lets the tokenizer add BOS; chat templates
 * write their own special tokens into the text.
 */
function encode(tokenizer: PreTrainedTokenizer, style: PromptStyle, text: string): number[] {
  return tokenizer.encode(text, { add_special_tokens: style === 'uniner' });
}

/** Encodes the prompts of `passage` for every entity type. */
export function encodePrompts(
  tokenizer: PreTrainedTokenizer,
  style: PromptStyle,
  passage: string,
  entityTypes: readonly string[],
  options: PromptOptions = {},
): EncodedPrompts {
  const prompts = entityTypes.map((entityType) => {
    const text = promptText(tokenizer, style, passage, entityType, options);
    return { entityType, text, ids: encode(tokenizer, style, text) };
  });
  const passageIds = encode(tokenizer, style, prefixText(tokenizer, style, passage, options));
  const shortest = Math.min(...prompts.map((p) => p.ids.length));
  const shared = Math.min(commonPrefixLength([passageIds, ...prompts.map((p) => p.ids)]), shortest - 1);
  return { prefixIds: prompts[0]?.ids.slice(0, Math.max(shared, 0)) ?? [], prompts };
}
