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
      /**
       * A fallback (software) adapter: SwiftShader, which Chromium offers with `--enable-unsafe-webgpu`
       * and on some Linux set-ups. It runs the model on the CPU through a GPU emulator, far slower than
       * WASM (3 types in 607 s where WASM did 9 in 27 s), so Automatic never picks it.
       */
      readonly software: boolean;
      /** The adapter's buffer limits (onnxruntime-web requests these): a weight must fit one buffer. */
      readonly maxBufferSize: number;
      readonly maxStorageBufferBindingSize: number;
    }
  | { readonly available: false; readonly reason: string };

/** The slice of `navigator.gpu` the probe needs (typed here so the engine needs no WebGPU typings). */
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<{
    readonly features: { has(name: string): boolean };
    /** Older spelling of `info.isFallbackAdapter` (Chromium before 136 has only this one). */
    readonly isFallbackAdapter?: boolean;
    readonly limits?: { readonly maxBufferSize?: number; readonly maxStorageBufferBindingSize?: number };
    readonly info?: {
      readonly vendor?: string;
      readonly architecture?: string;
      readonly description?: string;
      readonly isFallbackAdapter?: boolean;
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
    // The adapter says what it is: the spec's flag, and SwiftShader's architecture name where a
    // browser does not set the flag.
    const software =
      info?.isFallbackAdapter === true ||
      adapter.isFallbackAdapter === true ||
      /swiftshader/iu.test(`${info?.architecture ?? ''} ${info?.description ?? ''}`);
    return {
      available: true,
      shaderF16: adapter.features.has('shader-f16'),
      software,
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
  /** Set when the device is the one asked for but a poor choice (WebGPU on a software adapter). */
  readonly deviceWarning?: string;
}

/** What Automatic says when it passes over a software WebGPU adapter, and what WebGPU on one warns. */
export const SOFTWARE_ADAPTER_REASON =
  'A software WebGPU adapter (no GPU, emulated on the CPU): WASM is faster.';
export const SOFTWARE_ADAPTER_WARNING =
  'WebGPU runs on a software adapter (no GPU, emulated on the CPU): expect it to be far slower than WASM.';

/** Per-device dtypes for models that are not presets: q4f16 needs `shader-f16`, WASM gets q4. */
const GENERIC_DTYPES: ModelPreset['dtypes'] = { webgpu: { f16: 'q4f16', noF16: 'q4' }, wasm: 'q4' };

/**
 * Picks device and dtype: WebGPU (q4f16 with shader-f16, else q4) when preferred or `auto` and an
 * adapter exists, else WASM with q4. `auto` passes over a software adapter (WASM is faster); WebGPU
 * chosen by name runs on it, with a warning. An explicit dtype wins (the user knows what files exist).
 */
export function chooseDevice(
  preference: DevicePreference,
  probe: WebGpuProbe,
  dtypes: ModelPreset['dtypes'] = GENERIC_DTYPES,
  explicitDtype?: Dtype,
): DeviceChoice {
  if (preference === 'auto' && probe.available && probe.software && dtypes.wasm)
    return wasmOr(SOFTWARE_ADAPTER_REASON, dtypes, explicitDtype);
  if (preference !== 'wasm' && probe.available && dtypes.webgpu) {
    const dtype = explicitDtype ?? (probe.shaderF16 ? dtypes.webgpu.f16 : dtypes.webgpu.noF16);
    if (dtype === 'q4f16' && !probe.shaderF16) {
      return wasmOr('This GPU lacks shader-f16, which q4f16 weights need.', dtypes, explicitDtype);
    }
    return probe.software
      ? { device: 'webgpu', dtype, deviceWarning: SOFTWARE_ADAPTER_WARNING }
      : { device: 'webgpu', dtype };
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
