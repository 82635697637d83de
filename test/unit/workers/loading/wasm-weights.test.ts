import { describe, expect, it } from 'vitest';
import type { Dtype } from '../../../../workers/protocol';
import type { FetchLike } from '../../../../workers/loading/memory-estimate';
import {
  FP32_WASM_MAX_BYTES,
  probeFp32Weights,
  type WasmWeightsProbe,
} from '../../../../workers/loading/wasm-weights';
import { chooseWeightFormat } from '../../../../workers/loading/weight-format';

/** What the loader does on WASM without a chosen format: look at the folder, then ask the one choice. */
async function chooseWasmDtype(config: unknown, base: string, fallback: Dtype, probe: WasmWeightsProbe) {
  const fp32Weights = await probeFp32Weights(config, base, probe);
  const presetDtypes = { webgpu: { f16: 'q4f16', noF16: 'q4' }, wasm: fallback } as const;
  return chooseWeightFormat({ runtime: 'browser', preference: 'wasm', presetDtypes, fp32Weights }).dtype;
}

const BASE = 'https://models.example/m/';

/** A host whose HEAD answers the given sizes (missing path: 404); `null` = unreachable. */
function host(sizes: Record<string, number> | null): FetchLike & { asked: string[] } {
  const asked: string[] = [];
  const fetchHead = (async (url: string) => {
    asked.push(url);
    if (sizes === null) throw new TypeError('Failed to fetch');
    const size = sizes[url.slice(BASE.length)];
    return {
      ok: size !== undefined,
      headers: {
        get: (name: string) => (name === 'content-length' && size !== undefined ? String(size) : null),
      },
    };
  }) as unknown as FetchLike & { asked: string[] };
  fetchHead.asked = asked;
  return fetchHead;
}

describe('WASM format from the folder (probeFp32Weights + chooseWeightFormat)', () => {
  it('small fp32 weights: fp32 (faster one-token steps on WASM)', async () => {
    const fetchHead = host({ 'onnx/model.onnx': 546e6 });
    expect(await chooseWasmDtype({}, BASE, 'q4', { fetchHead })).toBe('fp32');
    expect(fetchHead.asked).toEqual([`${BASE}onnx/model.onnx`]);
  });

  it('fp32 weights over the limit, counted over every external-data chunk: the default', async () => {
    const config = { 'transformers.js_config': { use_external_data_format: { 'model.onnx': 2 } } };
    const half = FP32_WASM_MAX_BYTES / 2;
    const sizes = { 'onnx/model.onnx': 1e6, 'onnx/model.onnx_data': half, 'onnx/model.onnx_data_1': half };
    expect(await chooseWasmDtype(config, BASE, 'q4', { fetchHead: host(sizes) })).toBe('q4');
    const atLimit = (FP32_WASM_MAX_BYTES - 1e6) / 2;
    const fits = {
      'onnx/model.onnx': 1e6,
      'onnx/model.onnx_data': atLimit,
      'onnx/model.onnx_data_1': atLimit,
    };
    expect(await chooseWasmDtype(config, BASE, 'q4', { fetchHead: host(fits) })).toBe('fp32');
  });

  it('no fp32 weights in the folder: the default', async () => {
    const fetchHead = host({ 'onnx/model_q4.onnx': 100e6 });
    expect(await chooseWasmDtype({}, BASE, 'q4', { fetchHead })).toBe('q4');
    expect(await chooseWasmDtype({}, BASE, 'q4', { fetchHead, isCached: async () => false })).toBe('q4');
  });

  it('offline: fp32 only when its files are cached (it was chosen on the first load)', async () => {
    const offline = host(null);
    const cached = new Set([`${BASE}onnx/model.onnx`]);
    expect(
      await chooseWasmDtype({}, BASE, 'q4', {
        fetchHead: offline,
        isCached: async (u: string) => cached.has(u),
      }),
    ).toBe('fp32');
    expect(await chooseWasmDtype({}, BASE, 'q4', { fetchHead: offline, isCached: async () => false })).toBe(
      'q4',
    );
    expect(await chooseWasmDtype({}, BASE, 'q4', { fetchHead: offline })).toBe('q4');
    const broken = async (): Promise<boolean> => {
      throw new Error('cache unavailable');
    };
    expect(await chooseWasmDtype({}, BASE, 'q4', { fetchHead: offline, isCached: broken })).toBe('q4');
  });
});
