import { describe, expect, it } from 'vitest';
import {
  deleteCachedModel,
  listCachedModels,
  modelIdOfUrl,
  TRANSFORMERS_CACHE_NAME,
  type CacheLike,
  type CacheStorageLike,
} from '../../../../src/lib/model-cache';

function fakeStorage(entries: Record<string, { length?: number; body: number }>): {
  storage: CacheStorageLike;
  map: Map<string, { length?: number; body: number }>;
} {
  const map = new Map(Object.entries(entries));
  const cache: CacheLike = {
    keys: async () => [...map.keys()].map((url) => ({ url })),
    match: async (request) => {
      const entry = map.get(typeof request === 'string' ? request : request.url);
      if (!entry) return undefined;
      return {
        headers: {
          get: (name: string) =>
            name === 'content-length' && entry.length !== undefined ? String(entry.length) : null,
        },
        blob: async () => ({ size: entry.body }),
      };
    },
    delete: async (request) => map.delete(typeof request === 'string' ? request : request.url),
  };
  return { map, storage: { has: async (name) => name === TRANSFORMERS_CACHE_NAME, open: async () => cache } };
}

const hf = 'https://huggingface.co/onnx-community/Qwen2.5-0.5B-Instruct/resolve/main';

describe('model cache', () => {
  it('groups Hub URLs by owner/name and other URLs by folder', () => {
    expect(modelIdOfUrl(`${hf}/onnx/model_q4f16.onnx`)).toBe('onnx-community/Qwen2.5-0.5B-Instruct');
    expect(modelIdOfUrl('https://example.org/models/uniner-7b/onnx/model.onnx_data')).toBe(
      'models/uniner-7b',
    );
    expect(modelIdOfUrl('https://example.org/models/uniner-7b/tokenizer.json')).toBe('models/uniner-7b');
  });

  it('lists models with summed sizes (header or body), largest first, and deletes one', async () => {
    const { storage, map } = fakeStorage({
      [`${hf}/config.json`]: { length: 1000, body: 1000 },
      [`${hf}/onnx/model_q4f16.onnx`]: { body: 400_000 },
      'https://huggingface.co/HuggingFaceTB/SmolLM2-360M-Instruct/resolve/main/onnx/model_q4.onnx': {
        length: 900_000,
        body: 0,
      },
    });
    const models = await listCachedModels(storage);
    expect(models.map((m) => [m.id, m.totalBytes, m.files.length])).toEqual([
      ['HuggingFaceTB/SmolLM2-360M-Instruct', 900_000, 1],
      ['onnx-community/Qwen2.5-0.5B-Instruct', 401_000, 2],
    ]);
    expect(await deleteCachedModel('onnx-community/Qwen2.5-0.5B-Instruct', storage)).toBe(2);
    expect([...map.keys()]).toHaveLength(1);
  });

  it('is empty without Cache Storage or without the cache', async () => {
    expect(await listCachedModels(null)).toEqual([]);
    expect(
      await listCachedModels({
        has: async () => false,
        open: async () => {
          throw new Error('no');
        },
      }),
    ).toEqual([]);
  });

  it('never lists the runtime (onnxruntime-web wasm/mjs cached by transformers.js) as a model', async () => {
    const origin = 'https://app.example/uniner';
    const { storage } = fakeStorage({
      [`${origin}/assets/ort-wasm-simd-threaded.asyncify-CxOG5pUO.wasm`]: { body: 26_000_000 },
      [`${origin}/assets/ort-wasm-simd-threaded.asyncify-DXIbolS2.mjs`]: { body: 53_000 },
      [`${origin}/models/smollm2-135m/config.json`]: { body: 700 },
      [`${origin}/models/smollm2-135m/onnx/model_q4.onnx_data`]: { body: 197_000_000 },
    });
    const models = await listCachedModels(storage);
    expect(models.map((m) => m.id)).toEqual(['uniner/models/smollm2-135m']);
    expect(models[0]!.files.every((f) => !/\.(wasm|mjs)$/.test(f.url))).toBe(true);
  });
});
