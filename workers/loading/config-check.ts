/**
 * config.json numbers checked before transformers.js sizes anything by them: it builds one cache
 * entry per layer and head from these values, so `num_hidden_layers: 1e7` took 2.4 GB before failing
 * with "Set maximum size exceeded", and a string or NaN gave a model with no layers. Every key that is
 * present must be an integer within bounds well past any published model (issue #23).
 */

/** Keys transformers.js reads for a decoder's shape, with the largest value accepted. */
const BOUNDS: Record<string, number> = {
  num_hidden_layers: 1024,
  n_layer: 1024,
  num_layers: 1024,
  num_attention_heads: 1024,
  n_head: 1024,
  num_key_value_heads: 1024,
  hidden_size: 65_536,
  n_embd: 65_536,
  head_dim: 1024,
  intermediate_size: 1 << 20,
  vocab_size: 1 << 22,
  max_position_embeddings: 1 << 24,
  n_positions: 1 << 24,
};

/** The first config.json value that breaks its rule, as a message naming the key and value; else undefined. */
export function configProblem(config: Record<string, unknown>, where: string): string | undefined {
  for (const [key, max] of Object.entries(BOUNDS)) {
    if (!(key in config) || config[key] === null) continue;
    const value = config[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
      const shown = JSON.stringify(value) ?? String(value);
      return `"${where}" has an invalid config.json: ${key} is ${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}; it must be an integer from 1 to ${max}.`;
    }
  }
  return undefined;
}
