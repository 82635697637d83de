/**
 * Encoding prompts so that user text never becomes special tokens.
 *
 * A passage or entity type may contain `</s>USER:` or `<|im_end|>`: encoded as part of the prompt
 * string, those would end the turn and let user text rewrite the conversation. transformers.js has
 * no switch to tokenize text without matching special tokens, so we do what its tokenizer does —
 * split at special tokens, encode each piece — but only split at special tokens that come from the
 * template, and encode every piece with a copy of the tokenizer whose special tokens are removed.
 * For text without special-token strings the ids equal those of a plain `encode` of the whole prompt.
 */
import type { PreTrainedTokenizer } from '@huggingface/transformers';

/** A piece of a prompt: template text (may hold special tokens) or user text (never does). */
export interface PromptPart {
  readonly text: string;
  readonly user: boolean;
}

interface AddedToken {
  content: string;
  special?: boolean;
}

interface SafeTokenizer {
  /** The tokenizer without special added tokens: special-token strings encode as plain text. */
  readonly plain: PreTrainedTokenizer;
  /** Special token strings → ids, longest first so `<|im_start|>` wins over a shorter prefix. */
  readonly specials: readonly { readonly content: string; readonly id: number }[];
}

const cache = new WeakMap<PreTrainedTokenizer, SafeTokenizer>();

function safeTokenizer(tokenizer: PreTrainedTokenizer): SafeTokenizer {
  const cached = cache.get(tokenizer);
  if (cached) return cached;
  // _tokenizerJSON/_tokenizerConfig are semi-private in transformers.js 4.3; tests catch a change.
  const json = tokenizer._tokenizerJSON as { added_tokens?: AddedToken[] };
  const added = json.added_tokens ?? [];
  const TokenizerClass = tokenizer.constructor as new (json: unknown, config: unknown) => PreTrainedTokenizer;
  const plain = new TokenizerClass(
    { ...json, added_tokens: added.filter((t) => !t.special) },
    tokenizer._tokenizerConfig,
  );
  const vocab = tokenizer.get_vocab();
  const specials = added
    .filter((t) => t.special && t.content !== '')
    .map((t) => ({
      content: t.content,
      id: vocab.get(t.content) ?? tokenizer.encode(t.content, { add_special_tokens: false })[0]!,
    }))
    .sort((a, b) => b.content.length - a.content.length);
  const result = { plain, specials };
  cache.set(tokenizer, result);
  return result;
}

/**
 * Encodes `parts` (joined) as the tokenizer would, except that special-token strings inside user
 * parts stay text. `addSpecialTokens` adds BOS etc. as the tokenizer's post-processor does.
 */
export function encodeParts(
  tokenizer: PreTrainedTokenizer,
  parts: readonly PromptPart[],
  addSpecialTokens: boolean,
): number[] {
  const { plain, specials } = safeTokenizer(tokenizer);
  // Split the joined text at template special tokens only; pieces between them may mix template
  // and user text, exactly like the tokenizer's own split at added tokens.
  const pieces: (string | number)[] = [];
  let text = '';
  for (const part of parts) {
    if (part.user) {
      text += part.text;
      continue;
    }
    let rest = part.text;
    while (rest !== '') {
      let cut = -1;
      let match: SafeTokenizer['specials'][number] | undefined;
      for (const special of specials) {
        const at = rest.indexOf(special.content);
        if (at !== -1 && (cut === -1 || at < cut)) {
          cut = at;
          match = special;
        }
      }
      if (!match) {
        text += rest;
        break;
      }
      text += rest.slice(0, cut);
      pieces.push(text, match.id);
      text = '';
      rest = rest.slice(cut + match.content.length);
    }
  }
  pieces.push(text);

  const ids: number[] = [];
  for (const piece of pieces) {
    if (typeof piece === 'number') ids.push(piece);
    else if (piece !== '') ids.push(...plain.encode(piece, { add_special_tokens: false }));
  }
  if (!addSpecialTokens) return ids;
  // Let the post-processor add what it adds (BOS for LLaMA) around a probe, and copy that frame.
  const probe = plain.encode('a', { add_special_tokens: false });
  const framed = plain.encode('a', { add_special_tokens: true });
  const start = framed.findIndex((_, i) => probe.every((id, j) => framed[i + j] === id));
  if (start === -1) return ids;
  return [...framed.slice(0, start), ...ids, ...framed.slice(start + probe.length)];
}
