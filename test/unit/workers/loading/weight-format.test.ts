// The weight format is decided in one function (#24 item 2); its rules as a table:
// runtime/device × what the folder offers × what the person asked for.
import { describe, expect, it } from 'vitest';
import type { Dtype } from '../../../../workers/protocol';
import type { WebGpuProbe } from '../../../../workers/loading/device';
import type { Fp32Weights } from '../../../../workers/loading/wasm-weights';
import { chooseWeightFormat, needsFp32Look } from '../../../../workers/loading/weight-format';

const GPU_F16: WebGpuProbe = {
  available: true,
  shaderF16: true,
  software: false,
  description: 'test adapter',
  maxBufferSize: 2 ** 31,
  maxStorageBufferBindingSize: 2 ** 31,
};
const GPU_NO_F16: WebGpuProbe = { ...GPU_F16, shaderF16: false };
const SOFTWARE_GPU: WebGpuProbe = {
  ...GPU_F16,
  shaderF16: false,
  software: true,
  description: 'google swiftshader',
};
const NO_GPU: WebGpuProbe = { available: false, reason: 'No WebGPU adapter.' };
const SMALL: Fp32Weights = { bytes: 546e6 };
const LARGE: Fp32Weights = { bytes: 2.5e9 };
const WEBGPU_ONLY = { webgpu: { f16: 'q4f16', noF16: 'q4' } } as const;

type Row = [string, Parameters<typeof chooseWeightFormat>[0], { device: string; dtype: Dtype } | 'throws'];

const table: Row[] = [
  ['node, automatic', { runtime: 'node', preference: 'auto' }, { device: 'cpu', dtype: 'q4' }],
  [
    'node, asked fp32',
    { runtime: 'node', preference: 'auto', requested: 'fp32' },
    { device: 'cpu', dtype: 'fp32' },
  ],
  [
    'GPU with f16',
    { runtime: 'browser', preference: 'auto', probe: GPU_F16 },
    { device: 'webgpu', dtype: 'q4f16' },
  ],
  [
    'GPU without f16',
    { runtime: 'browser', preference: 'auto', probe: GPU_NO_F16 },
    { device: 'webgpu', dtype: 'q4' },
  ],
  [
    'GPU, asked q4f16, no f16 → WASM',
    { runtime: 'browser', preference: 'auto', probe: GPU_NO_F16, requested: 'q4f16' },
    { device: 'wasm', dtype: 'q4f16' },
  ],
  [
    'no GPU, folder not looked at yet',
    { runtime: 'browser', preference: 'auto', probe: NO_GPU },
    { device: 'wasm', dtype: 'q4' },
  ],
  [
    'WASM, small fp32 in the folder',
    { runtime: 'browser', preference: 'wasm', fp32Weights: SMALL },
    { device: 'wasm', dtype: 'fp32' },
  ],
  [
    'WASM, fp32 over the limit',
    { runtime: 'browser', preference: 'wasm', fp32Weights: LARGE },
    { device: 'wasm', dtype: 'q4' },
  ],
  [
    'WASM, offline with fp32 cached',
    { runtime: 'browser', preference: 'wasm', fp32Weights: 'cached' },
    { device: 'wasm', dtype: 'fp32' },
  ],
  [
    'WASM, folder unknown',
    { runtime: 'browser', preference: 'wasm', fp32Weights: 'unknown' },
    { device: 'wasm', dtype: 'q4' },
  ],
  [
    'WASM, asked q4 although fp32 is small',
    { runtime: 'browser', preference: 'wasm', fp32Weights: SMALL, requested: 'q4' },
    { device: 'wasm', dtype: 'q4' },
  ],
  [
    'WebGPU chosen: fp32 in the folder does not matter',
    { runtime: 'browser', preference: 'auto', probe: GPU_F16, fp32Weights: SMALL },
    { device: 'webgpu', dtype: 'q4f16' },
  ],
  [
    'automatic passes over a software adapter (SwiftShader): WASM',
    { runtime: 'browser', preference: 'auto', probe: SOFTWARE_GPU },
    { device: 'wasm', dtype: 'q4' },
  ],
  [
    'WebGPU asked by name runs on a software adapter',
    { runtime: 'browser', preference: 'webgpu', probe: SOFTWARE_GPU },
    { device: 'webgpu', dtype: 'q4' },
  ],
  [
    'a WebGPU-only preset on a software adapter still gets WebGPU (WASM cannot hold it)',
    { runtime: 'browser', preference: 'auto', probe: SOFTWARE_GPU, presetDtypes: WEBGPU_ONLY },
    { device: 'webgpu', dtype: 'q4' },
  ],
  [
    'WASM, a preset shipping q8: q8 even when small fp32 is there (same speed, a quarter of the bytes)',
    { runtime: 'browser', preference: 'wasm', presetDtypes: { wasm: 'q8' }, fp32Weights: SMALL },
    { device: 'wasm', dtype: 'q8' },
  ],
  [
    'WebGPU-only preset without a GPU',
    { runtime: 'browser', preference: 'auto', probe: NO_GPU, presetDtypes: WEBGPU_ONLY },
    'throws',
  ],
];

describe('chooseWeightFormat', () => {
  it.each(table)('%s', (_name, question, expected) => {
    if (expected === 'throws') {
      expect(() => chooseWeightFormat(question)).toThrow(/needs WebGPU/);
      return;
    }
    expect(chooseWeightFormat(question)).toMatchObject(expected);
  });

  it('says why Automatic passed over a software adapter, and warns when WebGPU is asked on one', () => {
    const auto = chooseWeightFormat({ runtime: 'browser', preference: 'auto', probe: SOFTWARE_GPU });
    expect(auto.fallbackReason).toMatch(/software WebGPU adapter.*WASM is faster/u);
    expect(auto.deviceWarning).toBeUndefined();
    const asked = chooseWeightFormat({ runtime: 'browser', preference: 'webgpu', probe: SOFTWARE_GPU });
    expect(asked.fallbackReason).toBeUndefined();
    expect(asked.deviceWarning).toMatch(/software adapter.*slower than WASM/u);
    expect(
      chooseWeightFormat({ runtime: 'browser', preference: 'webgpu', probe: GPU_F16 }).deviceWarning,
    ).toBeUndefined();
  });

  it('the loader looks at the folder only on WASM in the browser without a chosen format', () => {
    const ask = (q: Parameters<typeof chooseWeightFormat>[0]) => needsFp32Look(q, chooseWeightFormat(q));
    expect(ask({ runtime: 'browser', preference: 'wasm' })).toBe(true);
    expect(ask({ runtime: 'browser', preference: 'wasm', requested: 'q4' })).toBe(false);
    expect(ask({ runtime: 'browser', preference: 'auto', probe: GPU_F16 })).toBe(false);
    expect(ask({ runtime: 'node', preference: 'auto' })).toBe(false);
  });
});
