/**
 * The models the model panel offers: a view of the engine's own list (`workers/loading/model-registry.ts`,
 * pure data), so the picker and the worker can never disagree about ids, sources, dtypes or sizes.
 * Only display helpers live here.
 *
 * The page sends the *preset id* to the worker (not the preset's Hub id or URL): the worker resolves
 * it to the same preset and so knows the per-device weight formats and whether the model is UniNER,
 * which a bare URL (e.g. the build's `VITE_UNINER_MODEL_URL`) does not say.
 */
import type { Dtype } from '../../workers/protocol';
import { isSameOriginPath } from './app-path';
import {
  BUNDLED_PRESET_ID,
  defaultPreset,
  MODEL_PRESETS as REGISTRY_PRESETS,
  promptStyleWords,
  type ModelPreset as RegistryPreset,
} from '../../workers/loading/model-registry';

export { BUNDLED_PRESET_ID, promptStyleWords };

/** Approximate download size of one weight format. */
export interface PresetSize {
  readonly dtype: Dtype;
  /** Approximate total bytes of the model files in this format. */
  readonly bytes: number;
}

/** One model the user can pick: the registry's preset plus its sizes, smallest first. */
export interface ModelPreset extends RegistryPreset {
  /** Approximate sizes per weight format, smallest first (from `downloadBytes`). */
  readonly sizes: readonly PresetSize[];
}

function withSizes(preset: RegistryPreset): ModelPreset {
  const sizes = Object.entries(preset.downloadBytes)
    .filter((entry): entry is [Dtype, number] => typeof entry[1] === 'number')
    .map(([dtype, bytes]) => ({ dtype, bytes }))
    .sort((a, b) => a.bytes - b.bytes);
  return { ...preset, sizes };
}

/**
 * Every preset, in the registry's order (UniNER first). The bundled model is listed only when this
 * build has it (there is nothing to configure: the build either shipped it or did not).
 */
export const MODEL_PRESETS: readonly ModelPreset[] = REGISTRY_PRESETS.filter(
  (preset) => preset.id !== BUNDLED_PRESET_ID || preset.source !== '',
).map(withSizes);

/** The id the picker starts on: UniNER when this build knows where it lives, else the smallest model. */
export const DEFAULT_PRESET_ID: string = defaultPreset().id;

/**
 * Ids the page used before it read the registry (kept in localStorage settings and old share links),
 * mapped to today's ids.
 */
const LEGACY_IDS: Readonly<Record<string, string>> = {
  'uniner-7b': 'uniner-7b-type',
  'qwen2.5-0.5b-instruct': 'qwen2.5-0.5b',
  'llama-3.2-1b-instruct': 'llama-3.2-1b',
  'smollm2-360m-instruct': 'smollm2-360m',
};

/** A preset by id (legacy ids included). */
export function findPreset(id: string): ModelPreset | undefined {
  const wanted = LEGACY_IDS[id] ?? id;
  return MODEL_PRESETS.find((preset) => preset.id === wanted);
}

/** True when the preset can be loaded (UniNER needs `VITE_UNINER_MODEL_URL`). */
export function isConfigured(preset: ModelPreset): boolean {
  return preset.source.length > 0;
}

/** Devices the preset has weights for, in words ("WebGPU, WASM"). */
export function presetDevices(preset: ModelPreset): string {
  const devices: string[] = [];
  if (preset.dtypes.webgpu) devices.push('WebGPU');
  if (preset.dtypes.wasm) devices.push('WASM');
  return devices.join(', ');
}

/**
 * Where a loaded model came from, for exports and display: a preset id becomes its Hub id or URL;
 * anything else (a Hub id or URL typed by the user) is returned as is.
 */
export function describeSource(source: string): string {
  const preset = MODEL_PRESETS.find((p) => p.id === source);
  return preset && isConfigured(preset) ? preset.source : source;
}

/**
 * Accepts `owner/name` Hub ids, http(s) folder URLs and folders next to the app (`/models/x`,
 * `./models/x`); returns why not otherwise.
 */
export function validateCustomSource(value: string): string | null {
  const text = value.trim();
  if (!text) return 'Enter a Hugging Face Hub id (owner/name) or a model folder URL.';
  if (isSameOriginPath(text)) return null;
  if (/^https?:\/\//i.test(text)) {
    try {
      new URL(text);
      return null;
    } catch {
      return 'That URL is not valid.';
    }
  }
  return /^[\w.-]+\/[\w.-]+$/.test(text)
    ? null
    : 'A Hub id looks like owner/name, e.g. onnx-community/Qwen2.5-0.5B-Instruct.';
}
