/**
 * Chat templates come with model folders (issue #23): rendered with a step budget, a time limit and
 * an output-size limit, a hostile template is refused with a ChatTemplateError in well under a
 * second, a real one renders exactly as transformers.js renders it, and the UniNER prompt format
 * (which uses no template) keeps working with the same tokenizer.
 */
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import type { GgufValue } from '../../../../tools/convert/gguf/read';
import { tokenizerFilesFromGguf } from '../../../../tools/convert/tokenizer/from-gguf';
import { ChatTemplateError, limitChatTemplates } from '../../../../workers/text/chat-template';
import { encodePrompts } from '../../../../workers/text/prompt-encoding';

const CHATML =
  "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

function tokenizerWith(template: string): PreTrainedTokenizer {
  const tokens = ['<|endoftext|>', '<|im_start|>', '<|im_end|>', 'a', 'b', 'ab', 'Ġ', 'Ġab'];
  const metadata: Record<string, GgufValue> = {
    'general.architecture': 'llama',
    'tokenizer.ggml.model': 'gpt2',
    'tokenizer.ggml.pre': 'smollm',
    'tokenizer.ggml.tokens': tokens,
    'tokenizer.ggml.token_type': [3, 3, 3, 1, 1, 1, 1, 1],
    'tokenizer.ggml.merges': ['a b', 'Ġ ab'],
    'tokenizer.ggml.bos_token_id': 1,
    'tokenizer.ggml.eos_token_id': 2,
    'tokenizer.chat_template': template,
  };
  const files = tokenizerFilesFromGguf(metadata);
  return new PreTrainedTokenizer(files.tokenizerJson, files.tokenizerConfig);
}

const MESSAGES = [{ role: 'user', content: 'ab ab' }];

const HOSTILE: [string, string, RegExp][] = [
  ['a 10^8-iteration loop', '{% for i in range(100000000) %}x{% endfor %}', /range\(\) of 100000000/],
  [
    'nested loops of 10^4 × 10^4',
    '{% for a in range(10000) %}{% for b in range(10000) %}{{ b }}{% endfor %}{% endfor %}',
    /more than \d+ steps|longer than \d+ ms/,
  ],
  [
    'a string doubled 20 times',
    "{% set s = 'aaaaaaaaaa' %}{% for i in range(20) %}{% set s = s + s %}{% endfor %}{{ s }}",
    /more than \d+ characters/,
  ],
  ['unbounded recursion', '{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}', /chat template/],
];

describe('chat templates rendered with limits', () => {
  it('a real template renders exactly as transformers.js renders it', () => {
    const plain = tokenizerWith(CHATML);
    const expected = plain.apply_chat_template(MESSAGES as never, {
      tokenize: false,
      add_generation_prompt: true,
    });
    const limited = tokenizerWith(CHATML);
    limitChatTemplates(limited);
    expect(
      limited.apply_chat_template(MESSAGES as never, { tokenize: false, add_generation_prompt: true }),
    ).toBe(expected);
  });

  it.each(HOSTILE)('refuses %s quickly, and the UniNER format still works', (_label, template, reason) => {
    const tokenizer = tokenizerWith(template);
    const started = performance.now();
    expect(() => encodePrompts(tokenizer, 'chat', 'ab ab', ['ab'])).toThrow(ChatTemplateError);
    expect(() => encodePrompts(tokenizer, 'chat', 'ab ab', ['ab'])).toThrow(reason);
    expect(performance.now() - started).toBeLessThan(3000);
    const uniner = encodePrompts(tokenizer, 'uniner', 'ab ab', ['ab']);
    expect(uniner.prompts[0]?.ids.length).toBeGreaterThan(3);
  });
});
