/** The loader refuses a model that cannot fit the device before downloading its weights. */
import { describe, expect, it } from 'vitest';
import { loadCausalLm } from '../../../../workers/loading/model-loader';
import { resolveSource } from '../../../../workers/loading/model-source';
import { ensureFixtures } from '../../../../tools/fixtures/ensure';
import { TINY_LLAMA_DIR } from '../../../../tools/fixtures/paths';

describe('memory check before loading', () => {
  it('refuses on a WASM budget too small for the model, without fetching weights', async () => {
    ensureFixtures();
    const files: string[] = [];
    const load = loadCausalLm({
      source: resolveSource(TINY_LLAMA_DIR, { allowLocal: true }),
      device: 'cpu',
      dtype: 'fp32',
      memoryBudget: { device: 'wasm', heapLimitBytes: 1_000_000 },
      onProgress: (p) => files.push(p.file),
    });
    await expect(load).rejects.toMatchObject({
      name: 'DeviceError',
      message: expect.stringMatching(/WASM|WebGPU/),
    });
    expect(files.some((f) => f.endsWith('.onnx'))).toBe(false);
  });

  it('loads when the budget allows it', async () => {
    ensureFixtures();
    const loaded = await loadCausalLm({
      source: resolveSource(TINY_LLAMA_DIR, { allowLocal: true }),
      device: 'cpu',
      dtype: 'q4',
      memoryBudget: { device: 'wasm' },
    });
    expect(loaded.info.dtype).toBe('q4');
    await loaded.lm.model.dispose();
  });
});
