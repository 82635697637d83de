import { describe, expect, it } from 'vitest';
import { choosePromptStyle } from '../../../../workers/loading/prompt-style-choice';
import {
  BUNDLED_PRESET_ID,
  MODEL_PRESETS,
  promptStyleWords,
} from '../../../../workers/loading/model-registry';

const generic = { requested: 'onnx-community/Qwen2.5-0.5B-Instruct', isUniner: false, hasChatTemplate: true };

describe('choosePromptStyle (Automatic, by measurement)', () => {
  it('UniNER models get their own conversation', () => {
    expect(choosePromptStyle({ ...generic, requested: 'x/UniNER-7B-type', isUniner: true }).style).toBe(
      'uniner',
    );
  });

  it('a generic model with a chat template gets its template', () => {
    const choice = choosePromptStyle(generic);
    expect(choice.style).toBe('chat');
    expect(choice.reason).toMatch(/not measured/);
  });

  it('SmolLM2-135M, measured to answer [] through its chat template, gets UniNER’s conversation', () => {
    for (const requested of ['./models/smollm2-135m', 'https://example.org/models/SmolLM2-135M-Instruct/']) {
      const choice = choosePromptStyle({ ...generic, requested });
      expect(choice).toEqual({ style: 'uniner', reason: expect.stringMatching(/^measured/) });
    }
    // The bundled preset says the same through the registry.
    const bundled = MODEL_PRESETS.find((p) => p.id === BUNDLED_PRESET_ID)!;
    expect(choosePromptStyle({ ...generic, requested: BUNDLED_PRESET_ID, preset: bundled }).style).toBe(
      'uniner',
    );
  });

  it('a model without a chat template cannot be asked through one', () => {
    expect(choosePromptStyle({ ...generic, hasChatTemplate: false }).style).toBe('uniner');
    const forced = choosePromptStyle({ ...generic, hasChatTemplate: false }, 'chat');
    expect(forced.style).toBe('uniner');
    expect(forced.reason).toMatch(/no chat template/);
  });

  it('the settings’ choice wins and says so', () => {
    expect(choosePromptStyle(generic, 'uniner')).toEqual({
      style: 'uniner',
      reason: 'chosen explicitly, not Automatic',
    });
    expect(choosePromptStyle({ ...generic, requested: './models/smollm2-135m' }, 'chat').style).toBe('chat');
  });

  it('labels say what was sent', () => {
    expect(promptStyleWords('uniner')).toBe('prompted the UniNER way');
    expect(promptStyleWords('chat')).toBe('through its chat template');
  });
});
