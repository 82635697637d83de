/**
 * Device choice: probe WebGPU (adapter and `shader-f16`) before committing to it, because a failed
 * WebGPU session poisons the worker (README, Limits). Pure apart from `navigator.gpu`, which is injected.
 */
import type { Device, DevicePreference, Dtype } from '../protocol';
import type { ModelPreset } from './model-registry';
import { DeviceError } from '../errors';
import { WEBGPU_DEFAULT_LIMIT } from './memory-estimate';

/** What the WebGPU probe found. */
export type WebGpuProbe =
  | {
      readonly available: true;
      readonly shaderF16: boolean;
      readonly description: string;
      /** The adapter's buffer limits (onnxruntime-web requests these): a weight must fit one buffer. */
      readonly maxBufferSize: number;
      readonly maxStorageBufferBindingSize: number;
    }
  | { readonly available: false; readonly reason: string };

/** The slice of `navigator.gpu` the probe needs (typed here so the engine needs no WebGPU typings). */
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<{
    readonly features: { has(name: string): boolean };
    readonly limits?: { readonly maxBufferSize?: number; readonly maxStorageBufferBindingSize?: number };
    readonly info?: {
      readonly vendor?: string;
      readonly architecture?: string;
      readonly description?: string;
    };
  } | null>;
}

/** Asks the browser for a WebGPU adapter; never throws. */
export async function probeWebGpu(gpu: GpuLike | undefined): Promise<WebGpuProbe> {
  if (!gpu) return { available: false, reason: 'This browser has no WebGPU (navigator.gpu is missing).' };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter)
      return {
        available: false,
        reason: 'WebGPU is present but no GPU adapter was offered (blocklisted or disabled GPU).',
      };
    const info = adapter.info;
    const description =
      [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
    return {
      available: true,
      shaderF16: adapter.features.has('shader-f16'),
      description,
      maxBufferSize: adapter.limits?.maxBufferSize ?? WEBGPU_DEFAULT_LIMIT,
      maxStorageBufferBindingSize: adapter.limits?.maxStorageBufferBindingSize ?? WEBGPU_DEFAULT_LIMIT,
    };
  } catch (error) {
    return { available: false, reason: `Requesting a WebGPU adapter failed: ${(error as Error).message}` };
  }
}

/** The device and weight format to load with, and why the preferred device was not used. */
export interface DeviceChoice {
  readonly device: Device;
  readonly dtype: Dtype;
  readonly fallbackReason?: string;
}

/** Per-device dtypes for models that are not presets: q4f16 needs `shader-f16`, WASM gets q4. */
const GENERIC_DTYPES: ModelPreset['dtypes'] = { webgpu: { f16: 'q4f16', noF16: 'q4' }, wasm: 'q4' };

/**
 * Picks device and dtype: WebGPU (q4f16 with shader-f16, else q4) when preferred or `auto` and an
 * adapter exists, else WASM with q4. An explicit dtype wins (the user knows what files exist).
 */
export function chooseDevice(
  preference: DevicePreference,
  probe: WebGpuProbe,
  dtypes: ModelPreset['dtypes'] = GENERIC_DTYPES,
  explicitDtype?: Dtype,
): DeviceChoice {
  if (preference !== 'wasm' && probe.available && dtypes.webgpu) {
    const dtype = explicitDtype ?? (probe.shaderF16 ? dtypes.webgpu.f16 : dtypes.webgpu.noF16);
    if (dtype === 'q4f16' && !probe.shaderF16) {
      return wasmOr('This GPU lacks shader-f16, which q4f16 weights need.', dtypes, explicitDtype);
    }
    return { device: 'webgpu', dtype };
  }
  let reason: string | undefined;
  if (preference !== 'wasm') {
    reason = !probe.available ? probe.reason : 'This model has no WebGPU weights.';
  }
  return wasmOr(reason, dtypes, explicitDtype);
}

function wasmOr(
  reason: string | undefined,
  dtypes: ModelPreset['dtypes'],
  explicitDtype?: Dtype,
): DeviceChoice {
  if (!dtypes.wasm) {
    throw new DeviceError(
      `${reason ? reason + ' ' : ''}This model needs WebGPU: it is too large for WASM (4 GiB memory limit). Use a browser with WebGPU, or pick a smaller model.`,
    );
  }
  const choice = { device: 'wasm' as const, dtype: explicitDtype ?? dtypes.wasm };
  return reason ? { ...choice, fallbackReason: reason } : choice;
}
