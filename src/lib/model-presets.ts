/**
 * The models the model panel offers. A plain data list for now: the worker's model registry will own
 * the authoritative list later (dtype choice, context length), and this file should then mirror it.
 */
import type { Dtype } from '../../workers/protocol';

/** Approximate download size of one weight format. */
export interface PresetSize {
  readonly dtype: Dtype;
  /** Approximate total bytes of the model files in this format. */
  readonly bytes: number;
}

/** One model the user can pick. */
export interface ModelPreset {
  /** Stable id (also what share links and the store keep). */
  readonly id: string;
  /** What the picker shows. */
  readonly label: string;
  /** Hub id (`owner/name`) or folder URL handed to the worker; empty when not configured. */
  readonly source: string;
  /** True only for UniNER checkpoints; the rest are generic instruct models prompted the same way. */
  readonly isUniner: boolean;
  /** Approximate sizes per weight format, smallest first. */
  readonly sizes: readonly PresetSize[];
}

const MB = 1024 * 1024;
const GB = 1024 * MB;

/** The UniNER export's location comes from the build environment: there is no public ONNX export yet. */
export const UNINER_MODEL_URL: string = (import.meta.env.VITE_UNINER_MODEL_URL ?? '').trim();

/** Every preset, the default first among those that are configured. */
export const MODEL_PRESETS: readonly ModelPreset[] = [
  {
    id: 'uniner-7b',
    label: 'UniNER-7B (UniversalNER)',
    source: UNINER_MODEL_URL,
    isUniner: true,
    sizes: [
      { dtype: 'q4f16', bytes: 3.9 * GB },
      { dtype: 'q4', bytes: 4.2 * GB },
    ],
  },
  {
    id: 'qwen2.5-0.5b-instruct',
    label: 'Qwen2.5 0.5B Instruct',
    source: 'onnx-community/Qwen2.5-0.5B-Instruct',
    isUniner: false,
    sizes: [
      { dtype: 'q4f16', bytes: 460 * MB },
      { dtype: 'q4', bytes: 790 * MB },
      { dtype: 'q8', bytes: 500 * MB },
      { dtype: 'fp16', bytes: 990 * MB },
    ],
  },
  {
    id: 'llama-3.2-1b-instruct',
    label: 'Llama 3.2 1B Instruct',
    source: 'onnx-community/Llama-3.2-1B-Instruct',
    isUniner: false,
    sizes: [
      { dtype: 'q4f16', bytes: 1.0 * GB },
      { dtype: 'q4', bytes: 1.6 * GB },
      { dtype: 'q8', bytes: 1.2 * GB },
      { dtype: 'fp16', bytes: 2.4 * GB },
    ],
  },
  {
    id: 'smollm2-360m-instruct',
    label: 'SmolLM2 360M Instruct',
    source: 'HuggingFaceTB/SmolLM2-360M-Instruct',
    isUniner: false,
    sizes: [
      { dtype: 'q4f16', bytes: 270 * MB },
      { dtype: 'q4', bytes: 360 * MB },
      { dtype: 'q8', bytes: 390 * MB },
      { dtype: 'fp16', bytes: 730 * MB },
    ],
  },
];

/** The id the picker starts on: UniNER when configured, else the smallest generic model. */
export const DEFAULT_PRESET_ID: string = UNINER_MODEL_URL ? 'uniner-7b' : 'qwen2.5-0.5b-instruct';

/** A preset by id. */
export function findPreset(id: string): ModelPreset | undefined {
  return MODEL_PRESETS.find((preset) => preset.id === id);
}

/** True when the preset can be loaded (UniNER needs `VITE_UNINER_MODEL_URL`). */
export function isConfigured(preset: ModelPreset): boolean {
  return preset.source.length > 0;
}

/** `1.2 GB`, `460 MB`, `12 kB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= GB) return `${(bytes / GB).toFixed(1)} GB`;
  if (bytes >= MB) return `${Math.round(bytes / MB)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} kB`;
  return `${bytes} B`;
}

/** Accepts `owner/name` Hub ids and http(s) folder URLs; returns why not otherwise. */
export function validateCustomSource(value: string): string | null {
  const text = value.trim();
  if (!text) return 'Enter a Hugging Face Hub id (owner/name) or a model folder URL.';
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
