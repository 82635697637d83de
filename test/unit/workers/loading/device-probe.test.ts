// The WebGPU probe tells a software (fallback) adapter from a GPU, so Automatic can pass over it.
import { describe, expect, it } from 'vitest';
import { probeWebGpu, type GpuLike } from '../../../../workers/loading/device';

type Adapter = NonNullable<Awaited<ReturnType<GpuLike['requestAdapter']>>>;
const gpuWith = (adapter: Partial<Adapter>): GpuLike => ({
  requestAdapter: () => Promise.resolve({ features: new Set<string>(), ...adapter }),
});

describe('probeWebGpu', () => {
  it('a hardware adapter is not software', async () => {
    const probe = await probeWebGpu(gpuWith({ info: { vendor: 'nvidia', architecture: 'ampere' } }));
    expect(probe).toMatchObject({ available: true, software: false, description: 'nvidia ampere' });
  });

  it.each([
    ['the spec flag on info', { info: { vendor: 'google', isFallbackAdapter: true } }],
    ['the older flag on the adapter', { isFallbackAdapter: true, info: { vendor: 'google' } }],
    ['SwiftShader by name, without a flag', { info: { vendor: 'google', architecture: 'swiftshader' } }],
  ])('a fallback adapter is software: %s', async (_name, adapter) => {
    expect(await probeWebGpu(gpuWith(adapter))).toMatchObject({ available: true, software: true });
  });

  it('no adapter, no WebGPU, or a throwing request: unavailable with a reason', async () => {
    expect(await probeWebGpu(undefined)).toMatchObject({ available: false, reason: /navigator\.gpu/u });
    expect(await probeWebGpu({ requestAdapter: () => Promise.resolve(null) })).toMatchObject({
      available: false,
    });
    expect(await probeWebGpu({ requestAdapter: () => Promise.reject(new Error('boom')) })).toMatchObject({
      available: false,
      reason: /boom/u,
    });
  });
});
