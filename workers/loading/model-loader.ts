/**
 * Loads a causal LM and its tokenizer with transformers.js, checking on the way that the source is a
 * model we can run (config.json present, a causal LM, tokenizer files, ONNX weights of the dtype) and
 * turning the library's failures into messages that say what to do.
 */
import {
  AutoConfig,
  AutoModelForCausalLM,
  AutoTokenizer,
  env,
  type PreTrainedModel,
} from '@huggingface/transformers';
import type { Device, Dtype, LoadProgressEvent, LocalModelInfo, PromptStyle } from '../protocol';
import { choosePromptStyle } from './prompt-style-choice';
import type { CausalLm } from '../runtime/causal-lm';
import type { ResolvedSource, SourceInfo } from './model-source';
import { DeviceError, ModelLoadError } from '../errors';
import { configProblem } from './config-check';
import { browserOnline, configReadFailure } from './load-advice';
import { yieldBeforeEachStep } from '../runtime/event-loop-yield';
import {
  checkModelMemory,
  fetchFileSizes,
  onnxFilePaths,
  summarizeFileSizes,
  type MemoryBudget,
} from './memory-estimate';
import { probeFp32Weights } from './wasm-weights';
import { chooseWeightFormat, needsFp32Look, type WeightFormatQuestion } from './weight-format';
import { TRANSFORMERS_CACHE_NAME } from './model-cache-repair';

/** Download progress of one file (the worker adds the request id). */
export type FileProgress = Omit<LoadProgressEvent, 'type' | 'requestId'>;

export interface LoadOptions {
  readonly source: SourceInfo;
  readonly device: Device;
  readonly dtype: Dtype;
  readonly promptStyle?: PromptStyle;
  readonly onProgress?: (progress: FileProgress) => void;
  /** What the device allows; when given, a model that cannot fit is refused before its weights download. */
  readonly memoryBudget?: MemoryBudget;
  /** The weights' download size when already known (presets), saving the HEAD requests. */
  readonly weightFileBytes?: number;
  /**
   * The question `device` and `dtype` answered (weight-format.ts). On WASM without a chosen format the
   * loader asks it again once it knows the folder's fp32 weights; absent = `dtype` is final.
   */
  readonly weightQuestion?: WeightFormatQuestion;
}

export interface LoadedLm {
  readonly lm: CausalLm;
  readonly info: LocalModelInfo;
  readonly loadMs: number;
}

/**
 * CPU threads of onnxruntime-web's WASM backend: onnxruntime's own rule (half the logical cores, at
 * most 4, leaving the rest to the page and the browser; one without cross-origin isolation, where
 * WASM threads do not exist), set explicitly by the worker so that the bench can give wllama and
 * llama.cpp exactly the same count.
 */
export function wasmThreadCount(
  hardwareConcurrency: number | undefined,
  crossOriginIsolated: boolean,
): number {
  if (!crossOriginIsolated) return 1;
  return Math.min(4, Math.ceil((hardwareConcurrency || 1) / 2));
}

/** onnxruntime-node's intra-op threads for later loads (undefined: its default, one per core). */
let nodeIntraOpThreads: number | undefined;

/**
 * Pins onnxruntime-node's thread count for models loaded from now on (Node only: in the browser the
 * WASM backend's `numThreads` decides). The bench uses it to run llama.cpp with the same count.
 */
export function setNodeThreads(threads: number | undefined): void {
  nodeIntraOpThreads = threads;
}

/** The Hub defaults, restored whenever a Hub id is loaded after a URL. */
const HUB_HOST = env.remoteHost;
const HUB_TEMPLATE = env.remotePathTemplate;

/** Points transformers.js at the model's files and returns the id to ask it for. */
function configureFor(resolved: ResolvedSource): string {
  switch (resolved.kind) {
    case 'hub':
      env.remoteHost = HUB_HOST;
      env.remotePathTemplate = HUB_TEMPLATE;
      return resolved.modelId;
    case 'url':
      env.remoteHost = resolved.remoteHost;
      env.remotePathTemplate = resolved.remotePathTemplate;
      env.allowRemoteModels = true;
      return resolved.modelId;
    case 'local':
      env.allowLocalModels = true;
      return resolved.path;
  }
}

interface ProgressInfo {
  status: string;
  file?: string;
  loaded?: number;
  total?: number;
}

function progressAdapter(onProgress: LoadOptions['onProgress']) {
  return (info: ProgressInfo) => {
    if (!onProgress || !info.file) return;
    if (info.status === 'progress') {
      onProgress({
        file: info.file,
        loadedBytes: info.loaded ?? 0,
        totalBytes: info.total ?? 0,
        stage: 'download',
      });
    } else if (info.status === 'done') {
      onProgress({
        file: info.file,
        loadedBytes: info.loaded ?? 0,
        totalBytes: info.total ?? 0,
        stage: 'done',
      });
    }
  };
}

interface ModelConfig {
  model_type?: string;
  architectures?: string[];
  max_position_embeddings?: number;
  eos_token_id?: number | number[];
}

/** Model families transformers.js runs as decoder-only causal LMs with the usual KV-cache I/O. */
function isCausalLm(config: ModelConfig): boolean {
  return (
    (config.architectures ?? []).some((a) => a.endsWith('ForCausalLM')) || config.model_type !== undefined
  );
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function idsOf(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.filter((v): v is number => typeof v === 'number');
  return [];
}

/** Where the model's files are, for HEAD requests (undefined for local folders). */
function baseUrlOf(resolved: ResolvedSource): string | undefined {
  switch (resolved.kind) {
    case 'hub':
      return `${HUB_HOST}${resolved.modelId}/resolve/main/`;
    case 'url':
      return resolved.remoteHost + resolved.remotePathTemplate;
    case 'local':
      return undefined;
  }
}

/**
 * Estimates memory from config.json and the weights' sizes, and refuses early — rather than crash
 * halfway through a 4 GB download. WASM refusals are DeviceErrors (WebGPU might fit it).
 */
async function refuseIfTooLarge(
  config: ModelConfig,
  options: LoadOptions,
  budget: MemoryBudget,
): Promise<void> {
  const { source, dtype } = options;
  let sizes: ReturnType<typeof summarizeFileSizes> = options.weightFileBytes
    ? { weightFileBytes: options.weightFileBytes }
    : undefined;
  const base = baseUrlOf(source.resolved);
  if (!sizes && base && budget.device !== 'cpu') {
    // Through env.fetch, so the stall guard (fetch-guard.ts) cuts a host that never answers.
    const fetchHead = (url: string, init: { method: 'HEAD' }) => env.fetch(url, init);
    sizes = summarizeFileSizes(await fetchFileSizes(base, onnxFilePaths(config, dtype), fetchHead));
  }
  const check = checkModelMemory(config, { dtype, ...sizes }, budget, source.displayName);
  if (check.ok) return;
  throw budget.device === 'wasm' ? new DeviceError(check.reason) : new ModelLoadError(check.reason);
}

/**
 * The tokenizer alone (no weights): what `--print-prompts` needs to render a chat template and to know
 * whether the model has one.
 */
export async function loadTokenizer(source: SourceInfo): Promise<CausalLm['tokenizer']> {
  const modelId = configureFor(source.resolved);
  try {
    return await AutoTokenizer.from_pretrained(modelId);
  } catch (error) {
    throw new ModelLoadError(`Could not load the tokenizer of "${source.requested}" (${message(error)}).`, {
      cause: error,
    });
  }
}

/** Whether the tokenizer carries a chat template (a `chat` prompt needs one). */
export function hasChatTemplate(tokenizer: CausalLm['tokenizer']): boolean {
  return Boolean((tokenizer as unknown as { chat_template?: unknown }).chat_template);
}

/** Loads tokenizer and model; throws ModelLoadError / DeviceError with actionable messages. */
export async function loadCausalLm(options: LoadOptions): Promise<LoadedLm> {
  const started = performance.now();
  const { source, device } = options;
  let { dtype } = options;
  const modelId = configureFor(source.resolved);
  const progress_callback = progressAdapter(options.onProgress);
  const where = source.requested;

  let config: ModelConfig;
  try {
    config = (await AutoConfig.from_pretrained(modelId, { progress_callback })) as unknown as ModelConfig;
  } catch (error) {
    throw new ModelLoadError(
      configReadFailure(source, message(error), { hubHost: HUB_HOST, online: browserOnline() }),
      { cause: error },
    );
  }
  if (!isCausalLm(config)) {
    throw new ModelLoadError(
      `"${where}" is not a causal language model (config.json has no model_type/ForCausalLM architecture).`,
    );
  }
  const invalid = configProblem(config as unknown as Record<string, unknown>, where);
  if (invalid) throw new ModelLoadError(invalid);
  const base = baseUrlOf(source.resolved);
  const question = options.weightQuestion;
  if (question && base && needsFp32Look(question, { device, dtype })) {
    const fp32Weights = await probeFp32Weights(config, base, {
      fetchHead: (url, init) => env.fetch(url, init),
      isCached: isInBrowserModelCache,
    });
    dtype = chooseWeightFormat({ ...question, fp32Weights }).dtype;
  }
  if (options.memoryBudget) {
    // A changed format has other files: the preset's known size no longer applies.
    const { weightFileBytes, ...rest } = options;
    const sizeKnown = dtype === options.dtype && weightFileBytes !== undefined;
    await refuseIfTooLarge(
      config,
      { ...rest, dtype, ...(sizeKnown ? { weightFileBytes } : {}) },
      options.memoryBudget,
    );
  }

  let tokenizer: CausalLm['tokenizer'];
  try {
    tokenizer = await AutoTokenizer.from_pretrained(modelId, { progress_callback });
  } catch (error) {
    throw new ModelLoadError(
      `Could not load the tokenizer of "${where}" (${message(error)}). A transformers.js model needs tokenizer.json and tokenizer_config.json.`,
      { cause: error },
    );
  }

  let model: PreTrainedModel;
  try {
    model = await AutoModelForCausalLM.from_pretrained(modelId, {
      device,
      dtype,
      progress_callback,
      ...(nodeIntraOpThreads ? { session_options: { intraOpNumThreads: nodeIntraOpThreads } } : {}),
    });
  } catch (error) {
    const text = message(error);
    if (device === 'webgpu' && !/404|not found|Could not locate/i.test(text)) {
      throw new DeviceError(`WebGPU could not run "${where}": ${text}`, { cause: error });
    }
    throw new ModelLoadError(
      `Could not load the ONNX weights of "${where}" as ${dtype} (${text}). The model folder needs onnx/model${dtype === 'fp32' ? '' : '_' + dtype}.onnx; try another weight format.`,
      { cause: error },
    );
  }

  // Let 'interrupt' and newer requests reach the worker between steps (see event-loop-yield.ts).
  yieldBeforeEachStep(model as unknown as Parameters<typeof yieldBeforeEachStep>[0]);

  const generationConfig = (model as unknown as { generation_config?: { eos_token_id?: unknown } })
    .generation_config;
  const eosTokenIds = [
    ...new Set([
      ...idsOf(generationConfig?.eos_token_id),
      ...idsOf(config.eos_token_id),
      ...idsOf((tokenizer as unknown as { eos_token_id?: unknown }).eos_token_id),
    ]),
  ];
  if (eosTokenIds.length === 0) throw new ModelLoadError(`"${where}" declares no end-of-sequence token.`);

  const choice = choosePromptStyle(
    {
      requested: source.requested,
      ...(source.preset ? { preset: source.preset } : {}),
      isUniner: source.isUniner,
      hasChatTemplate: hasChatTemplate(tokenizer),
    },
    options.promptStyle,
  );
  const info: LocalModelInfo = {
    source: source.requested,
    displayName: source.displayName,
    isUniner: source.isUniner,
    promptStyle: choice.style,
    promptStyleReason: choice.reason,
    device,
    dtype,
    contextLength: config.max_position_embeddings ?? 2048,
  };
  return { lm: { tokenizer, model, eosTokenIds }, info, loadMs: performance.now() - started };
}

/** Whether transformers.js's browser cache holds this file (false outside a browser). */
async function isInBrowserModelCache(url: string): Promise<boolean> {
  if (typeof caches === 'undefined') return false;
  const cache = await caches.open(TRANSFORMERS_CACHE_NAME);
  return (await cache.match(url)) !== undefined;
}
