/** config.json numbers refused before transformers.js sizes caches by them (issue #23). */
import { describe, expect, it } from 'vitest';
import { configProblem } from '../../../../workers/loading/config-check';

const GOOD = {
  model_type: 'llama',
  num_hidden_layers: 30,
  num_attention_heads: 9,
  num_key_value_heads: 3,
  hidden_size: 576,
  vocab_size: 49152,
  max_position_embeddings: 8192,
};

describe('configProblem', () => {
  it('accepts a real config and absent keys', () => {
    expect(configProblem(GOOD, 'smollm2')).toBeUndefined();
    expect(configProblem({ model_type: 'llama' }, 'bare')).toBeUndefined();
  });

  it.each([
    ['num_hidden_layers', 1e7],
    ['num_hidden_layers', '30'],
    ['num_hidden_layers', 0],
    ['num_attention_heads', 2.5],
    ['num_key_value_heads', -1],
    ['vocab_size', 1e12],
    ['max_position_embeddings', 'x'.repeat(100)],
  ])('refuses %s = %j with the key and value', (key, value) => {
    const problem = configProblem({ ...GOOD, [key]: value }, 'crafted');
    expect(problem).toMatch(new RegExp(`"crafted" has an invalid config\\.json: ${key} is `));
    expect(problem).toMatch(/it must be an integer from 1 to \d+/);
    expect((problem ?? '').length).toBeLessThan(200);
  });
});
