/**
 * What every input format (GGUF file, Hugging Face folder) gives the converter: the model's shape,
 * its weights one tensor at a time, and the tokenizer and generation files.
 */
import type { LlamaDims } from '../graph/llama-dims';
import type { LlamaWeightSource } from '../graph/llama-graph';

export interface TokenizerFiles {
  tokenizerJson: object;
  tokenizerConfig: object;
  eosTokenIds: number[];
  bosTokenId?: number;
  /** Also written into tokenizer_config.json by the tokenizer builder when present. */
  chatTemplate?: string;
}

export interface ModelSource {
  /** What it was read from, for messages. */
  description: string;
  /** Validated; `maxPositions` capped at ROTARY_POSITION_CAP. */
  dims: LlamaDims;
  /** The context length the source declared (may exceed `dims.maxPositions`). */
  sourceMaxPositions: number;
  weights: LlamaWeightSource;
  tokenizer: TokenizerFiles;
  /** Whether lm_head reuses the embedding (written into config.json). */
  tiedEmbeddings: boolean;
  /** Names of the weight tensors the graph will ask for, for progress (embedding, norms, linears). */
  weightCount: number;
  close(): Promise<void> | void;
}

/** Input the converter cannot take, with a message that says what is wrong and what would work. */
export class UnsupportedModelError extends Error {
  override name = 'UnsupportedModelError';
}

/** Tensors the LLaMA graph asks for: embedding + per layer (2 norms + 7 linears) + final norm + lm_head. */
export function llamaWeightCount(numLayers: number): number {
  return 1 + numLayers * 9 + 2;
}
