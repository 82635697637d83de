/**
 * workers/model-cache-repair.ts: after a failed load, the model's files leave transformers.js's Cache
 * Storage (and only that model's), so a corrupt or half-written copy cannot poison the next load.
 */
import { describe, expect, it } from 'vitest';
import {
  TRANSFORMERS_CACHE_NAME,
  cachePrefixOf,
  forgetCachedModel,
  type RepairableCacheStorage,
} from '../../../../workers/loading/model-cache-repair';
import { resolveSource } from '../../../../workers/loading/model-source';

/** An in-memory Cache Storage holding one cache of URLs. */
function fakeStorage(urls: string[], name = TRANSFORMERS_CACHE_NAME) {
  const entries = new Set(urls);
  const storage: RepairableCacheStorage = {
    has: async (n) => n === name,
    open: async () => ({
      keys: async () => [...entries].map((url) => ({ url })),
      delete: async (request) => entries.delete(request.url),
    }),
  };
  return { storage, entries };
}

const hub = (id: string) => resolveSource(id, { allowLocal: false }).resolved;
const url = (u: string) => resolveSource(u, { allowLocal: false }).resolved;

describe('model cache repair', () => {
  it('computes the cache key prefix transformers.js uses, for Hub ids and folder URLs', () => {
    expect(cachePrefixOf(hub('onnx-community/Qwen2.5-0.5B-Instruct'))).toBe(
      'https://huggingface.co/onnx-community/Qwen2.5-0.5B-Instruct/resolve/main/',
    );
    expect(cachePrefixOf(url('https://models.example.org/uniner/7b-q4/'))).toBe(
      'https://models.example.org/uniner/7b-q4/',
    );
    expect(cachePrefixOf(url('http://127.0.0.1:4000/models/scripted-llama'))).toBe(
      'http://127.0.0.1:4000/models/scripted-llama/',
    );
    expect(cachePrefixOf({ kind: 'local', path: '/tmp/model' })).toBeNull();
  });

  it("deletes the failed model's files and nothing else", async () => {
    const keep = [
      'https://huggingface.co/onnx-community/Other/resolve/main/onnx/model_q4.onnx',
      'http://127.0.0.1:4000/models/scripted-llama-2/config.json',
    ];
    const { storage, entries } = fakeStorage([
      'http://127.0.0.1:4000/models/scripted-llama/config.json',
      'http://127.0.0.1:4000/models/scripted-llama/onnx/model_q4.onnx',
      ...keep,
    ]);
    const deleted = await forgetCachedModel(url('http://127.0.0.1:4000/models/scripted-llama/'), storage);
    expect(deleted).toHaveLength(2);
    expect([...entries]).toEqual(keep);
  });

  it('never throws: no Cache Storage, no cache, a cache that fails to open', async () => {
    const source = hub('a/b');
    expect(await forgetCachedModel(source, null)).toEqual([]);
    expect(await forgetCachedModel(source, fakeStorage(['x'], 'other').storage)).toEqual([]);
    const broken: RepairableCacheStorage = {
      has: async () => true,
      open: async () => {
        throw new Error('SecurityError');
      },
    };
    expect(await forgetCachedModel(source, broken)).toEqual([]);
  });
});
