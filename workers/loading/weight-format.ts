/**
 * Which device and weight format a load uses, decided in one place. The handler asks before anything is
 * fetched; on WASM, when the person did not choose a format, the loader asks again once it knows what the
 * model folder offers in fp32 (wasm-weights.ts: sizes by HEAD, or the browser cache when offline).
 *
 * The rules, in order: Node runs on the CPU with the asked format, else the preset's WASM format, else
 * q4. In the browser, WebGPU (q4f16 with `shader-f16`, else q4) when wanted and an adapter exists, else
 * WASM (device.ts). On WASM without a chosen format, fp32 wins over 4 bits when the folder has fp32
 * weights of at most FP32_WASM_MAX_BYTES (onnxruntime-web decodes them 5–7× faster than 4 bits there);
 * a preset that ships q8 for WASM keeps it (fp32's speed, a quarter of the download). A chosen format
 * always wins.
 */
import type { DevicePreference, Dtype } from '../protocol';
import { chooseDevice, type DeviceChoice, type WebGpuProbe } from './device';
import type { ModelPreset } from './model-registry';
import { fp32PreferredOnWasm, type Fp32Weights } from './wasm-weights';

/** Everything the choice depends on. */
export interface WeightFormatQuestion {
  readonly runtime: 'node' | 'browser';
  readonly preference: DevicePreference;
  /** The WebGPU probe (browser); absent means no adapter. */
  readonly probe?: WebGpuProbe;
  /** The preset's formats per device; absent for models given by id, URL or folder. */
  readonly presetDtypes?: ModelPreset['dtypes'];
  /** The format the person chose (settings or a link); absent = Automatic. */
  readonly requested?: Dtype;
  /** What the folder offers in fp32 for WASM, once the loader has looked; absent before. */
  readonly fp32Weights?: Fp32Weights;
}

const NO_PROBE: WebGpuProbe = { available: false, reason: 'WebGPU was not probed.' };

/** The device and format for `question` (throws DeviceError when the model cannot run on any device). */
export function chooseWeightFormat(question: WeightFormatQuestion): DeviceChoice {
  const { requested } = question;
  if (question.runtime === 'node') {
    return { device: 'cpu', dtype: requested ?? question.presetDtypes?.wasm ?? 'q4' };
  }
  const choice = chooseDevice(
    question.preference,
    question.probe ?? NO_PROBE,
    question.presetDtypes,
    requested,
  );
  if (
    choice.device === 'wasm' &&
    // q8 (int8 weights dequantised at load) runs at fp32's speed in a quarter of the download.
    choice.dtype !== 'q8' &&
    requested === undefined &&
    question.fp32Weights !== undefined &&
    fp32PreferredOnWasm(question.fp32Weights)
  ) {
    return { ...choice, dtype: 'fp32' };
  }
  return choice;
}

/** Whether the loader should look at the folder's fp32 weights before settling the format. */
export function needsFp32Look(question: WeightFormatQuestion, choice: DeviceChoice): boolean {
  return question.runtime === 'browser' && choice.device === 'wasm' && question.requested === undefined;
}
