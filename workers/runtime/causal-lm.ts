/**
 * A loaded causal LM as the engine passes it around: produced by loading/, driven by decoding/.
 * Kept here, outside both, so that loading never imports decoding (the arrows point one way).
 */
import type { PreTrainedModel, PreTrainedTokenizer } from '@huggingface/transformers';

/** A loaded causal LM with what generation needs to know about it. */
export interface CausalLm {
  readonly tokenizer: PreTrainedTokenizer;
  readonly model: PreTrainedModel;
  /** Token ids that end an answer (`</s>` for LLaMA; chat models may have several). */
  readonly eosTokenIds: readonly number[];
}
