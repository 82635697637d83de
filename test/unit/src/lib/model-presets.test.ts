import { describe, expect, it } from 'vitest';
import * as registry from '../../../../workers/loading/model-registry';
import {
  DEFAULT_PRESET_ID,
  describeSource,
  findPreset,
  MODEL_PRESETS,
  presetDevices,
} from '../../../../src/lib/model-presets';
import { TYPE_PRESETS } from '../../../../src/lib/entity-types';

describe('model presets (the UI view of the engine registry)', () => {
  it('lists exactly the registry presets, same ids, sources, dtypes and sizes', () => {
    // The bundled model only when the build has it (never in Node).
    const offered = registry.MODEL_PRESETS.filter((p) => p.id !== registry.BUNDLED_PRESET_ID);
    expect(MODEL_PRESETS.map((p) => p.id)).toEqual(offered.map((p) => p.id));
    for (const [i, preset] of MODEL_PRESETS.entries()) {
      const engine = offered[i]!;
      expect(preset).toMatchObject({
        id: engine.id,
        label: engine.label,
        source: engine.source,
        isUniner: engine.isUniner,
        dtypes: engine.dtypes,
      });
      const sizes = Object.entries(engine.downloadBytes).map(([dtype, bytes]) => ({ dtype, bytes }));
      expect([...preset.sizes].sort((a, b) => a.dtype.localeCompare(b.dtype))).toEqual(
        sizes.sort((a, b) => a.dtype.localeCompare(b.dtype)),
      );
      const bytes = preset.sizes.map((s) => s.bytes);
      expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    }
  });

  it('starts on the registry default', () => {
    expect(DEFAULT_PRESET_ID).toBe(registry.defaultPreset().id);
    expect(findPreset(DEFAULT_PRESET_ID)?.source).not.toBe('');
  });

  it('maps the ids of older settings and share links to today’s', () => {
    expect(findPreset('qwen2.5-0.5b-instruct')?.id).toBe('qwen2.5-0.5b');
    expect(findPreset('smollm2-360m-instruct')?.id).toBe('smollm2-360m');
    expect(findPreset('uniner-7b')?.id).toBe('uniner-7b-type');
    expect(findPreset('nope')).toBeUndefined();
  });

  it('names devices and the source behind a preset id', () => {
    const uniner = findPreset('uniner-7b-type')!;
    expect(presetDevices(uniner)).toBe('WebGPU');
    expect(presetDevices(findPreset('qwen2.5-0.5b')!)).toBe('WebGPU, WASM');
    expect(describeSource('qwen2.5-0.5b')).toBe('onnx-community/Qwen2.5-0.5B-Instruct');
    expect(describeSource('https://example.org/m')).toBe('https://example.org/m');
  });
});

describe('label-set presets', () => {
  // The type names of universal-ner's src/eval/test_data (the question `What describes X in the text?`),
  // also in test/fixtures/uniner-eval/.
  const official: Record<string, string[]> = {
    'crossner-ai': [
      'algorithm',
      'conference',
      'country',
      'field',
      'location',
      'metrics',
      'organization',
      'person',
      'product',
      'program language',
      'researcher',
      'task',
      'university',
    ],
    'crossner-literature': [
      'award',
      'book',
      'country',
      'event',
      'literary genre',
      'location',
      'magazine',
      'organization',
      'person',
      'poem',
      'writer',
    ],
    'crossner-music': [
      'album',
      'award',
      'band',
      'country',
      'event',
      'location',
      'musical artist',
      'musical instrument',
      'music genre',
      'organization',
      'person',
      'song',
    ],
    'crossner-politics': [
      'country',
      'election',
      'event',
      'location',
      'organization',
      'person',
      'political party',
      'politician',
    ],
    'crossner-science': [
      'academic journal',
      'astronomical object',
      'award',
      'chemical compound',
      'chemical element',
      'country',
      'discipline',
      'enzyme',
      'event',
      'location',
      'organization',
      'person',
      'protein',
      'scientist',
      'theory',
      'university',
    ],
    'mit-restaurant': [
      'Amenity',
      'Cuisine',
      'Dish',
      'Hours',
      'Location',
      'Price',
      'Rating',
      'Restaurant Name',
    ],
  };

  it.each(Object.entries(official))(
    '%s asks the types of the evaluation data, spelled the same',
    (id, types) => {
      const preset = TYPE_PRESETS.find((p) => p.id === id);
      expect(preset).toBeDefined();
      expect([...preset!.types].sort()).toEqual([...types].sort());
    },
  );
});

describe('the model the settings select', () => {
  it('sends the preset id (so the worker knows its dtypes and that it is UniNER), also for legacy ids', async () => {
    const { selectedModel } = await import('../../../../src/store/engine-actions');
    const { initialAppState } = await import('../../../../src/store/app-store');
    const state = { ...initialAppState, modelChoice: 'preset' as const, presetId: 'qwen2.5-0.5b-instruct' };
    expect(selectedModel(state)).toEqual({ model: { source: 'qwen2.5-0.5b' } });
    expect(selectedModel({ ...state, dtype: 'q4' })).toEqual({
      model: { source: 'qwen2.5-0.5b', dtype: 'q4' },
    });
    expect(selectedModel({ ...state, presetId: 'uniner-7b-type' })).toMatchObject({
      problem: expect.stringContaining('VITE_UNINER_MODEL_URL'),
    });
  });
});
