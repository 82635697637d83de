/**
 * The tokenizer.json built from a GGUF, run in transformers.js, against llama.cpp (node-llama-cpp, a
 * vocabulary-only load of the same file) on the string corpus: ids without special tokens, the
 * parse-special path for strings with special-token text, BOS insertion, and decode(encode(s)) == s.
 * Files: the SmolLM2 GGUF (gpt2 / "smollm"), the same vocabulary re-written with other pre types, and
 * the LLaMA 32k SentencePiece GGUF written by our writer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PreTrainedTokenizer } from '@huggingface/transformers';
import type { Llama, LlamaModel } from 'node-llama-cpp';
import { getTestLlama } from '../../../fixtures/llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGguf, type GgufValue } from '../../../../tools/convert/gguf/read';
import { gv, writeGguf, type GgufWriteValue } from '../../../../tools/convert/gguf/write';
import { tokenizerFilesFromGguf } from '../../../../tools/convert/tokenizer/from-gguf';
import { ensureSmolLM2Gguf } from '../../../../tools/fixtures/real-model';
import { ensureSpmGguf } from '../../../fixtures/spm-gguf';
import { SPECIAL_TOKEN_STRINGS, tokenizerStrings } from '../../../fixtures/tokenizer-strings';

const STRINGS = tokenizerStrings();
let llama: Llama;
const tmp = mkdtempSync(join(tmpdir(), 'tok-parity-'));

beforeAll(async () => {
  llama = await getTestLlama();
}, 120_000);
afterAll(async () => {
  await llama?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

/** Plain metadata back to typed values (enough for the tokenizer and the hyperparameters). */
function typed(metadata: Record<string, GgufValue>): Record<string, GgufWriteValue> {
  const out: Record<string, GgufWriteValue> = {};
  const num = (v: number): GgufWriteValue =>
    Number.isInteger(v) ? (v >= 0 ? gv.u32(v) : gv.i32(v)) : gv.f32(v);
  for (const [key, value] of Object.entries(metadata)) {
    if (['general.alignment', 'version', 'tensor_count', 'kv_count'].includes(key)) continue;
    if (typeof value === 'string') out[key] = gv.str(value);
    else if (typeof value === 'boolean') out[key] = gv.bool(value);
    else if (typeof value === 'number') out[key] = num(value);
    else if (typeof value[0] === 'string') out[key] = gv.arr('string', value as string[]);
    else if (key.endsWith('scores')) out[key] = gv.arr('float32', value as number[]);
    else out[key] = gv.arr('int32', value as number[]);
  }
  return out;
}

/** Without the special added tokens: special-token text stays text (what llama.cpp does unparsed). */
function plainTokenizer(json: object, config: object): PreTrainedTokenizer {
  const j = json as { added_tokens: { special: boolean }[] };
  return new PreTrainedTokenizer({ ...j, added_tokens: j.added_tokens.filter((t) => !t.special) }, config);
}

interface Case {
  name: string;
  path: () => Promise<string>;
  /** Every n-th corpus string (the extra pre types run on a sample to stay quick). */
  step: number;
  /** Strings transformers.js cannot give back unchanged by design (SentencePiece "▁" is a space). */
  lossy?: (s: string) => boolean;
  /** Strings with a known, reported difference (left out of the assertion, still printed). */
  known?: string[];
}

async function smolWithPre(pre: string): Promise<string> {
  const g = await openGguf(await ensureSmolLM2Gguf());
  const path = join(tmp, `smollm-${pre}.gguf`);
  const metadata = typed(g.metadata);
  await g.close();
  metadata['tokenizer.ggml.pre'] = gv.str(pre);
  await writeGguf(path, { metadata });
  return path;
}

const CASES: Case[] = [
  { name: 'SmolLM2 GGUF (gpt2, pre smollm)', path: ensureSmolLM2Gguf, step: 1 },
  {
    name: 'LLaMA 32k SentencePiece GGUF',
    path: ensureSpmGguf,
    step: 1,
    lossy: (s) => s.includes('▁'),
    // U+FEFF has its own token (30143) that llama.cpp uses; transformers.js falls back to its 3 bytes.
    known: ['bom\ufeffinside'],
  },
  ...['gpt-2', 'default', 'llama-bpe', 'qwen2'].map((pre) => ({
    name: `SmolLM2 vocabulary with pre ${pre}`,
    path: () => smolWithPre(pre),
    step: 4,
  })),
];

describe.each(CASES)('$name', ({ path, step, lossy, known = [] }) => {
  let model: LlamaModel;
  let tokenizer: PreTrainedTokenizer;
  let plain: PreTrainedTokenizer;
  let specialTexts: string[];
  const strings = STRINGS.filter((_, i) => i % step === 0);

  beforeAll(async () => {
    const file = await path();
    const g = await openGguf(file);
    const files = tokenizerFilesFromGguf(g.metadata);
    await g.close();
    tokenizer = new PreTrainedTokenizer(files.tokenizerJson, files.tokenizerConfig);
    plain = plainTokenizer(files.tokenizerJson, files.tokenizerConfig);
    specialTexts = (
      files.tokenizerJson as { added_tokens: { content: string; special: boolean }[] }
    ).added_tokens
      .filter((t) => t.special)
      .map((t) => t.content);
    const t0 = performance.now();
    model = await llama.loadModel({ modelPath: file, vocabOnly: true });
    console.log(`node-llama-cpp vocab-only load of ${file}: ${Math.round(performance.now() - t0)} ms`);
  }, 120_000);
  afterAll(async () => {
    await model?.dispose();
  });

  it('encodes the corpus like llama.cpp (no special tokens added)', () => {
    const mismatches: string[] = [];
    const knownSeen: string[] = [];
    let tokens = 0;
    let compared = 0;
    for (const text of [...strings, ...SPECIAL_TOKEN_STRINGS]) {
      const hasSpecial = specialTexts.some((s) => text.includes(s));
      const checks: [string, number[], number[]][] = [
        // Unparsed: special-token text is plain text on both sides.
        [
          'plain',
          plain.encode(text, { add_special_tokens: false }),
          [...model.tokenize(text, false)] as number[],
        ],
      ];
      if (hasSpecial) {
        // transformers.js always cuts added tokens out of the text: llama.cpp's parse-special mode.
        checks.push([
          'special',
          tokenizer.encode(text, { add_special_tokens: false }),
          [...model.tokenize(text, true)] as number[],
        ]);
      } else {
        checks.push([
          'full',
          tokenizer.encode(text, { add_special_tokens: false }),
          [...model.tokenize(text, false)] as number[],
        ]);
      }
      for (const [kind, ours, ref] of checks) {
        compared++;
        tokens += ref.length;
        if (JSON.stringify(ours) !== JSON.stringify(ref)) {
          (known.includes(text) ? knownSeen : mismatches).push(
            `${kind} ${JSON.stringify(text).slice(0, 80)}: ours ${ours.join(',')} llama.cpp ${ref.join(',')}`,
          );
        }
      }
    }
    console.log(
      `compared ${compared} encodings of ${strings.length + SPECIAL_TOKEN_STRINGS.length} strings, ${tokens} llama.cpp tokens, ${mismatches.length} mismatches, ${knownSeen.length} known`,
    );
    for (const k of knownSeen) console.log(`known mismatch: ${k}`);
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(compared).toBeGreaterThan(step === 1 ? 1000 : 250);
  });

  it('adds BOS exactly when llama.cpp does', () => {
    const ids = tokenizer.encode('Hello world');
    const bare = tokenizer.encode('Hello world', { add_special_tokens: false });
    const expected =
      model.tokens.shouldPrependBosToken && model.tokens.bos !== null ? [model.tokens.bos, ...bare] : bare;
    expect(ids).toEqual(expected);
  });

  it('decode(encode(s)) gives s back', () => {
    const bad: string[] = [];
    for (const text of strings) {
      if (lossy?.(text) || known.includes(text)) continue;
      // The plain tokenizer: a "</s>" in the text stays text, so it comes back too.
      const back = plain.decode(plain.encode(text, { add_special_tokens: false }));
      if (back !== text)
        bad.push(`${JSON.stringify(text).slice(0, 60)} -> ${JSON.stringify(back).slice(0, 60)}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });
});
