/**
 * The bundled model's preset: the default when the build has it and no UniNER URL is configured, and
 * resolved against the page's base URL (the worker's own URL says nothing about where index.html is).
 */
import { describe, expect, it, vi } from 'vitest';
import {
  BUNDLED_PRESET_ID,
  defaultPreset,
  MODEL_PRESETS,
  type ModelPreset,
} from '../../../../workers/loading/model-registry';

const bundled = MODEL_PRESETS.find((p) => p.id === BUNDLED_PRESET_ID)!;
const withSource = (preset: ModelPreset, source: string): ModelPreset => ({ ...preset, source });

describe('the bundled preset', () => {
  it('has no location in Node (only the Vite build tells where it is)', () => {
    expect(bundled.source).toBe('');
    expect(defaultPreset().id).not.toBe(BUNDLED_PRESET_ID);
  });

  it('is the default when present, unless a UniNER URL is configured', () => {
    const presets = MODEL_PRESETS.map((p) => (p === bundled ? withSource(p, './models/smollm2-135m/') : p));
    expect(defaultPreset(presets).id).toBe(BUNDLED_PRESET_ID);
    const withUniner = presets.map((p) => (p.isUniner ? withSource(p, 'https://example.org/uniner/') : p));
    expect(defaultPreset(withUniner).isUniner).toBe(true);
  });

  it('ships q4 only, for WASM and every WebGPU adapter', () => {
    expect(bundled.dtypes).toEqual({ webgpu: { f16: 'q4', noF16: 'q4' }, wasm: 'q8' });
    expect(Object.keys(bundled.downloadBytes).sort()).toEqual(['q4', 'q8']);
  });
});

describe('a build with the bundled model', () => {
  it('offers it by default and resolves it under the page base URL, sub-path included', async () => {
    vi.stubEnv('VITE_BUNDLED_MODEL_PATH', 'models/smollm2-135m/');
    vi.resetModules();
    try {
      const registry = await import('../../../../workers/loading/model-registry');
      const { resolveSource: resolve } = await import('../../../../workers/loading/model-source');
      expect(registry.defaultPreset().id).toBe(BUNDLED_PRESET_ID);
      const info = resolve(BUNDLED_PRESET_ID, {
        allowLocal: false,
        appBaseUrl: 'https://example.org/app/index.html',
      });
      expect(info.resolved).toEqual({
        kind: 'url',
        modelId: 'url/model',
        remoteHost: 'https://example.org/',
        remotePathTemplate: 'app/models/smollm2-135m/',
      });
      expect(info.displayName).toBe('SmolLM2-135M, bundled with this site');
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });
});
