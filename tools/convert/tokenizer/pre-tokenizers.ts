/**
 * llama.cpp's BPE pre-tokenizers (`tokenizer.ggml.pre`), as the Hugging Face `Split` steps that cut
 * text the same way. Facts from llama.cpp's src/llama-vocab.cpp (`llm_tokenizer_bpe`, `load`) and
 * src/unicode.cpp: each pre type is a list of regexes applied in turn, every regex cutting each piece
 * of the previous one into its matches and the text between them (HF `Split`, behavior "Isolated").
 *
 * llama.cpp's whitespace is its own set (it has U+0085, not U+FEFF); JavaScript's `\s` differs, so the
 * patterns spell the set out. Only the pre types below are supported; others throw.
 */

/** llama.cpp's `unicode_set_whitespace`, as a character-class body. */
const WS = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const S = `[${WS}]`;
const NS = `[^${WS}]`;

const GPT2 = `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WS}\\p{L}\\p{N}]+|${S}+(?!${NS})`;
const CONTRACTIONS = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
const LLAMA3 =
  `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n]*` +
  `|${S}*[\\r\\n]+|${S}+(?!${NS})|${S}+`;
const QWEN2 =
  `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n]*` +
  `|${S}*[\\r\\n]+|${S}+(?!${NS})|${S}+`;

export interface PreTokenizerSpec {
  /** JavaScript (u-flag) regexes, applied in order. */
  regexes: string[];
  /** llama.cpp takes a whole pre-token that is itself in the vocabulary without merging (HF `ignore_merges`). */
  ignoreMerges: boolean;
  /** llama.cpp's add_bos default for this pre type (the GGUF's add_bos_token key overrides it). */
  addBos: boolean;
}

const SPECS: Record<string, PreTokenizerSpec> = {
  default: {
    regexes: ['[\\p{P}\\$\\+<=>\\^~\\|]+', GPT2, '\\p{N}+', '[0-9][0-9][0-9]'],
    ignoreMerges: false,
    addBos: false,
  },
  gpt2: { regexes: [GPT2], ignoreMerges: false, addBos: false },
  smollm: { regexes: ['\\p{N}', GPT2], ignoreMerges: false, addBos: false },
  llama3: { regexes: [LLAMA3], ignoreMerges: true, addBos: true },
  qwen2: { regexes: [QWEN2], ignoreMerges: false, addBos: false },
};

/** `tokenizer.ggml.pre` names (as llama.cpp spells them) → spec key. */
const NAMES: Record<string, keyof typeof SPECS> = {
  default: 'default',
  'gpt-2': 'gpt2',
  'phi-2': 'gpt2',
  mpt: 'gpt2',
  olmo: 'gpt2',
  jais: 'gpt2',
  smollm: 'smollm',
  starcoder: 'smollm',
  refact: 'smollm',
  codeshell: 'smollm',
  exaone: 'smollm',
  'minerva-7b': 'smollm',
  'llama-bpe': 'llama3',
  llama3: 'llama3',
  'llama-v3': 'llama3',
  dbrx: 'llama3',
  'smaug-bpe': 'llama3',
  qwen2: 'qwen2',
  'deepseek-r1-qwen': 'qwen2',
  stablelm2: 'qwen2',
  megrez: 'qwen2',
};

// dbrx and smaug share llama3's regex but not its ignore_merges / add_bos defaults.
const OVERRIDES: Record<string, Partial<PreTokenizerSpec>> = {
  dbrx: { ignoreMerges: false, addBos: false },
  'smaug-bpe': { ignoreMerges: false, addBos: false },
};

export const SUPPORTED_PRE_TYPES: readonly string[] = Object.keys(NAMES);

export function preTokenizerSpec(pre: string): PreTokenizerSpec {
  const key = Object.hasOwn(NAMES, pre) ? NAMES[pre] : undefined;
  if (!key) {
    throw new Error(
      `GGUF tokenizer.ggml.pre ${JSON.stringify(pre)} is not supported; supported: ${SUPPORTED_PRE_TYPES.join(', ')}`,
    );
  }
  return { ...SPECS[key]!, ...OVERRIDES[pre] };
}

/** The `pre_tokenizer` of a byte-level BPE tokenizer.json for this pre type. */
export function byteLevelPreTokenizer(spec: PreTokenizerSpec): object {
  return {
    type: 'Sequence',
    pretokenizers: [
      ...spec.regexes.map((regex) => ({
        type: 'Split',
        pattern: { Regex: regex },
        behavior: 'Isolated',
        invert: false,
      })),
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    ],
  };
}
