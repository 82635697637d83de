/**
 * Writes test/fixtures/reference/smollm2-prompts.json: (passage, entity type) prompts drawn
 * deterministically from the UniNER evaluation data, rendered exactly as our engine renders them for
 * SmolLM2-135M-Instruct (the `chat` style through the GGUF's own chat template), and tokenized by
 * llama.cpp (node-llama-cpp) on the original GGUF, which is the definition of right for a GGUF
 * tokenizer. The PyTorch reference (transformers_logits.py) and the converted model are both fed these
 * ids, never the text.
 *
 *     npx tsx tools/convert/reference/make-prompts.ts [--tokenizer-dir DIR]
 *
 * With `--tokenizer-dir` (a folder with tokenizer.json + tokenizer_config.json, e.g. the converted
 * model) it also checks that the engine's own encoding (workers/text/prompt-encoding.ts) gives the same ids.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from '@huggingface/jinja';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { getLlama, type Token } from 'node-llama-cpp';
import { openGguf, optionalString } from '../gguf/read';
import { promptText } from '../../../workers/text/prompt-encoding';
import { uninerPrompt, type ChatMessage } from '../../../workers/text/prompt';
import { ensureSmolLM2Gguf } from '../../fixtures/real-model';
import { compareWithEngine, type ReferencePrompt } from './prompt-check';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const EVAL_DIR = join(ROOT, 'test/fixtures/uniner-eval');
export const PROMPTS_PATH = join(ROOT, 'test/fixtures/reference/smollm2-prompts.json');

/** Prompts per evaluation file: half with a non-empty gold answer, half with `[]`. */
const PER_FILE = 14;
/** A type is used at most this often per file, so the set mixes types. */
const MAX_PER_TYPE = 2;
/** How many of the chosen questions also get the plain UniNER conversation text. */
const UNINER_VARIANTS = 4;

interface EvalItem {
  id: string;
  conversations: { from: string; value: string }[];
}

interface Question {
  id: string;
  passage: string;
  entityType: string;
  gold: string[];
}

function parseItem(item: EvalItem): Question {
  const [text, , ask, answer] = item.conversations;
  const passage = /^Text: ([\s\S]*)$/u.exec(text?.value ?? '')?.[1];
  const entityType = /^What describes (.*) in the text\?$/u.exec(ask?.value ?? '')?.[1];
  if (passage === undefined || entityType === undefined || answer === undefined) {
    throw new Error(`${item.id} is not in the UniNER conversation format`);
  }
  return { id: item.id, passage, entityType, gold: JSON.parse(answer.value) as string[] };
}

/**
 * Walks a file with a fixed stride (coprime with its length, so it visits every item once) and takes
 * questions until both halves are full; no randomness, so the choice never changes.
 */
function choose(file: string): Question[] {
  const items = JSON.parse(readFileSync(join(EVAL_DIR, file), 'utf8')) as EvalItem[];
  const stride = 7919; // a prime; neither file's length is a multiple of it
  const perType = new Map<string, number>();
  const chosen: Question[] = [];
  let withGold = 0;
  let empty = 0;
  for (let step = 0; step < items.length && chosen.length < PER_FILE; step++) {
    const q = parseItem(items[(step * stride) % items.length]!);
    if ((perType.get(q.entityType) ?? 0) >= MAX_PER_TYPE) continue;
    if (q.gold.length > 0 ? withGold >= PER_FILE / 2 : empty >= PER_FILE / 2) continue;
    if (q.gold.length > 0) withGold++;
    else empty++;
    perType.set(q.entityType, (perType.get(q.entityType) ?? 0) + 1);
    chosen.push(q);
  }
  if (chosen.length !== PER_FILE) throw new Error(`${file}: only ${chosen.length} questions chosen`);
  return chosen;
}

/**
 * The smallest tokenizer stand-in that promptText needs: it only renders the chat template, the way
 * transformers.js does (Jinja from @huggingface/jinja, `add_generation_prompt` passed through).
 */
function templateRenderer(chatTemplate: string): PreTrainedTokenizer {
  const template = new Template(chatTemplate);
  return {
    apply_chat_template: (messages: ChatMessage[], options: { add_generation_prompt: boolean }) =>
      template.render({ messages, add_generation_prompt: options.add_generation_prompt }),
  } as unknown as PreTrainedTokenizer;
}

async function main(): Promise<void> {
  const tokenizerDirIndex = process.argv.indexOf('--tokenizer-dir');
  const tokenizerDir = tokenizerDirIndex > 0 ? process.argv[tokenizerDirIndex + 1] : undefined;

  const ggufPath = await ensureSmolLM2Gguf();
  const gguf = await openGguf(ggufPath);
  const chatTemplate = optionalString(gguf, 'tokenizer.chat_template');
  await gguf.close();
  if (!chatTemplate) throw new Error(`${ggufPath} has no tokenizer.chat_template`);
  const renderer = templateRenderer(chatTemplate);

  const llama = await getLlama({ gpu: false, build: 'never' });
  const model = await llama.loadModel({ modelPath: ggufPath });
  // specialTokens = true: the template's <|im_start|>/<|im_end|> become their ids. The eval passages
  // hold no special-token strings (checked for each one), so user text cannot be affected by this.
  const tokenize = (text: string) => model.tokenize(text, true).map(Number);

  const questions = [...choose('CrossNER_AI.json'), ...choose('mit-restaurant.json')];
  const prompts: ReferencePrompt[] = questions.map((q) => {
    if (/<\|[a-z_]+\|>/u.test(q.passage + q.entityType)) throw new Error(`${q.id} holds a special token`);
    const text = promptText(renderer, 'chat', q.passage, q.entityType, {});
    return { ...q, style: 'chat', text, ids: tokenize(text) };
  });
  // The plain UniNER conversation (what a UniNER checkpoint sees); for SmolLM2 `</s>` is just text
  // and the GGUF adds no BOS (tokenizer.ggml.add_bos_token = false).
  for (const q of questions.filter((_, i) => i % Math.floor(questions.length / UNINER_VARIANTS) === 0)) {
    const text = uninerPrompt(q.passage, q.entityType);
    prompts.push({ ...q, id: `${q.id}/uniner`, style: 'uniner', text, ids: tokenize(text) });
  }

  for (const p of prompts) {
    // Every template special token must be one id: 1 = <|im_start|>, 2 = <|im_end|>.
    const starts = p.text.split('<|im_start|>').length - 1;
    const ends = p.text.split('<|im_end|>').length - 1;
    if (p.ids.filter((id) => id === 1).length !== starts || p.ids.filter((id) => id === 2).length !== ends) {
      throw new Error(`${p.id}: llama.cpp did not turn the template's special tokens into single ids`);
    }
    if (model.detokenize(p.ids as Token[], true) !== p.text)
      throw new Error(`${p.id}: ids do not decode to the text`);
  }
  if (tokenizerDir) {
    const mismatches = await compareWithEngine(tokenizerDir, prompts);
    if (mismatches.length > 0) throw new Error(`engine encoding differs:\n${mismatches.join('\n')}`);
    console.log(`The engine's encoding with ${tokenizerDir} gives the same ids for all ${prompts.length}`);
  }
  await model.dispose();
  await llama.dispose();

  mkdirSync(dirname(PROMPTS_PATH), { recursive: true });
  writeFileSync(PROMPTS_PATH, `${JSON.stringify(prompts, null, 1)}\n`);
  const lengths = prompts.map((p) => p.ids.length);
  console.log(
    `${prompts.length} prompts (${questions.length} chat, ${prompts.length - questions.length} uniner), ` +
      `${Math.min(...lengths)}-${Math.max(...lengths)} ids, ` +
      `${questions.filter((q) => q.gold.length === 0).length} with gold [] → ${PROMPTS_PATH}`,
  );
}

await main();
