/**
 * Which question format "Automatic" sends to a model, and why: by measurement, not by kind. UniNER
 * models get UniNER's conversation (their training format); so do generic models measured to answer
 * better in it (SmolLM2-135M answers [] to nearly everything through its chat template); other generic
 * instruct models get their own chat template; a model without one gets UniNER's conversation.
 */
import type { PromptStyle } from '../protocol';
import type { ModelPreset } from './model-registry';

/** The format sent, and the reason in a few words ("measured: …", "chosen explicitly, not Automatic"). */
export interface PromptStyleChoice {
  readonly style: PromptStyle;
  readonly reason: string;
}

/**
 * Models given by folder, URL or Hub id that were measured to answer better in UniNER's conversation
 * (matched on the source's name), with the measurement in words.
 */
const MEASURED_UNINER_STYLE: readonly { readonly name: RegExp; readonly reason: string }[] = [
  { name: /smollm2-135m/i, reason: 'measured: SmolLM2-135M answers [] through its chat template' },
];

/** What the choice needs to know about the model. */
export interface PromptStyleFacts {
  /** What the user asked for (preset id, folder, URL, Hub id). */
  readonly requested: string;
  readonly preset?: Pick<ModelPreset, 'promptStyle' | 'promptStyleReason'>;
  readonly isUniner: boolean;
  /** Whether the tokenizer has a chat template (a `chat` prompt needs one). */
  readonly hasChatTemplate: boolean;
}

/** The format for `facts`; `requested` (the settings' choice) wins when given. */
export function choosePromptStyle(facts: PromptStyleFacts, requested?: PromptStyle): PromptStyleChoice {
  if (requested === 'chat' && !facts.hasChatTemplate) {
    return { style: 'uniner', reason: 'the model has no chat template, so UniNER’s conversation was sent' };
  }
  if (requested) return { style: requested, reason: 'chosen explicitly, not Automatic' };
  if (facts.isUniner) return { style: 'uniner', reason: 'UniNER was trained on its own conversation' };
  if (facts.preset) {
    if (facts.preset.promptStyle === 'chat' && !facts.hasChatTemplate) {
      return { style: 'uniner', reason: 'the model has no chat template' };
    }
    return { style: facts.preset.promptStyle, reason: facts.preset.promptStyleReason };
  }
  const measured = MEASURED_UNINER_STYLE.find((m) => m.name.test(facts.requested));
  if (measured) return { style: 'uniner', reason: measured.reason };
  if (!facts.hasChatTemplate) return { style: 'uniner', reason: 'the model has no chat template' };
  return { style: 'chat', reason: 'a generic instruct model, not measured to answer better as UniNER' };
}
