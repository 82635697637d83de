/**
 * Added tokens, BOS/EOS insertion and `tokenizer_config.json`, shared by both vocabulary types.
 */
import { TokenType, type GgufVocab } from './gguf-vocab';

export interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/**
 * Control tokens (special) and user-defined tokens (not special) become added tokens, which
 * transformers.js cuts out of the text before the model runs, as llama.cpp does when it parses
 * special tokens (control) or always (user-defined). The unknown token is special too.
 */
export function addedTokens(vocab: GgufVocab): AddedTokenJson[] {
  const out: AddedTokenJson[] = [];
  vocab.tokens.forEach((content, id) => {
    const type = vocab.tokenTypes[id];
    const special = type === TokenType.CONTROL || type === TokenType.UNKNOWN || id === vocab.unkId;
    if (!special && type !== TokenType.USER_DEFINED) return;
    if (content.length === 0) return;
    out.push({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special });
  });
  return out;
}

/** TemplateProcessing that adds BOS and/or EOS exactly when llama.cpp's add_bos / add_eos say so. */
export function templateProcessor(vocab: GgufVocab, addBos: boolean, addEos: boolean): object {
  const bos = addBos && vocab.bosId !== undefined ? vocab.tokens[vocab.bosId] : undefined;
  const eos = addEos && vocab.eosId !== undefined ? vocab.tokens[vocab.eosId] : undefined;
  const special = (id: string, typeId: number) => ({ SpecialToken: { id, type_id: typeId } });
  const seq = (id: string, typeId: number) => ({ Sequence: { id, type_id: typeId } });
  const wrap = (id: string, typeId: number) => [
    ...(bos !== undefined ? [special(bos, typeId)] : []),
    seq(id, typeId),
    ...(eos !== undefined ? [special(eos, typeId)] : []),
  ];
  const specialTokens: Record<string, { id: string; ids: number[]; tokens: string[] }> = {};
  if (bos !== undefined) specialTokens[bos] = { id: bos, ids: [vocab.bosId!], tokens: [bos] };
  if (eos !== undefined) specialTokens[eos] = { id: eos, ids: [vocab.eosId!], tokens: [eos] };
  return {
    type: 'TemplateProcessing',
    single: wrap('A', 0),
    pair: [...wrap('A', 0), ...wrap('B', 1)],
    special_tokens: specialTokens,
  };
}

/** llama.cpp's end-of-generation ids that the metadata names: eos, eot and eom (by key or by text). */
export function eosTokenIds(vocab: GgufVocab): number[] {
  const ids = new Set<number>();
  if (vocab.eosId !== undefined) ids.add(vocab.eosId);
  // llama.cpp finds eot / eom by their text when the keys are missing (llama-vocab.cpp, "find EOT token").
  const EOT_TEXTS = [
    '<|eot_id|>',
    '<|im_end|>',
    '<|end|>',
    '<end_of_turn>',
    '<|endoftext|>',
    '<|end_of_text|>',
    '<EOT>',
    '_<EOT>',
    '<｜end▁of▁sentence｜>',
  ];
  const byText = (texts: string[]) => {
    const index = vocab.tokens.findIndex((t) => texts.includes(t));
    return index >= 0 ? index : undefined;
  };
  const eot = vocab.eotId ?? byText(EOT_TEXTS);
  const eom = vocab.eomId ?? byText(['<|eom_id|>']);
  if (eot !== undefined) ids.add(eot);
  if (eom !== undefined) ids.add(eom);
  return [...ids];
}

/** `tokenizer_config.json`. */
export function tokenizerConfig(
  vocab: GgufVocab,
  added: AddedTokenJson[],
  options: { addBos: boolean; addEos: boolean; tokenizerClass: string; legacy?: boolean },
): Record<string, unknown> {
  const text = (id: number | undefined) => (id === undefined ? null : vocab.tokens[id]);
  const decoder: Record<string, object> = {};
  for (const t of added) {
    decoder[String(t.id)] = {
      content: t.content,
      lstrip: t.lstrip,
      normalized: t.normalized,
      rstrip: t.rstrip,
      single_word: t.single_word,
      special: t.special,
    };
  }
  return {
    add_bos_token: options.addBos,
    add_eos_token: options.addEos,
    added_tokens_decoder: decoder,
    bos_token: text(vocab.bosId),
    eos_token: text(vocab.eosId),
    unk_token: text(vocab.unkId),
    pad_token: text(vocab.padId),
    ...(vocab.chatTemplate !== undefined ? { chat_template: vocab.chatTemplate } : {}),
    clean_up_tokenization_spaces: false,
    ...(options.legacy !== undefined ? { legacy: options.legacy } : {}),
    // transformers' "no limit" value when the GGUF does not state a context length.
    model_max_length: vocab.contextLength ?? 1e30,
    tokenizer_class: options.tokenizerClass,
  };
}
