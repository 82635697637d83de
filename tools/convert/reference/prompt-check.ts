/**
 * The reference prompts' shape, and the check that our engine encodes them to the ids llama.cpp gave:
 * workers/text/prompt-encoding.ts with a tokenizer folder (tokenizer.json + tokenizer_config.json, as the
 * converter writes them) must reproduce every prompt's ids, special tokens included.
 */
import { basename, dirname } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { encodePrompts } from '../../../workers/text/prompt-encoding';
import type { PromptStyle } from '../../../workers/protocol';

/** One entry of test/fixtures/reference/smollm2-prompts.json. */
export interface ReferencePrompt {
  /** The evaluation item id, with `/uniner` appended for the UniNER-conversation variant. */
  readonly id: string;
  readonly style: PromptStyle;
  readonly passage: string;
  readonly entityType: string;
  /** The gold answer of the evaluation data. */
  readonly gold: readonly string[];
  /** The prompt exactly as the engine renders it. */
  readonly text: string;
  /** llama.cpp's tokens of `text` (special tokens parsed), the input every backend is fed. */
  readonly ids: readonly number[];
}

/** Loads a tokenizer from a local folder, with no network. */
export async function loadLocalTokenizer(folder: string) {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dirname(folder);
  return AutoTokenizer.from_pretrained(basename(folder));
}

/** One line per prompt whose engine encoding differs from the recorded ids; empty when all agree. */
export async function compareWithEngine(
  tokenizerDir: string,
  prompts: readonly ReferencePrompt[],
): Promise<string[]> {
  const tokenizer = await loadLocalTokenizer(tokenizerDir);
  const mismatches: string[] = [];
  for (const p of prompts) {
    const encoded = encodePrompts(tokenizer, p.style, p.passage, [p.entityType]).prompts[0]!;
    if (encoded.text !== p.text) mismatches.push(`${p.id}: text ${JSON.stringify(encoded.text)}`);
    else if (encoded.ids.join() !== p.ids.join()) {
      const at = encoded.ids.findIndex((id, i) => id !== p.ids[i]);
      mismatches.push(
        `${p.id}: ids differ at ${at}: engine ${encoded.ids.slice(at, at + 5).join()} vs llama.cpp ` +
          `${p.ids.slice(at, at + 5).join()}`,
      );
    }
  }
  return mismatches;
}
