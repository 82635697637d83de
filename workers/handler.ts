/**
 * The worker's message handler, free of `self` and `postMessage` so tests and the CLI drive it
 * directly. One model at a time; one extraction at a time (a new `extract` interrupts the running
 * one: the latest request wins); `interrupt` acts at once, between decode steps.
 */
import { cacheWriteWarning, watchCacheWrites } from './loading/cache-write-watch';
import {
  assertNever,
  type Device,
  type ExtractRequest,
  type FromWorker,
  type LocalModelInfo,
  type LoadRequest,
  type SelfTestRequest,
  type ToWorker,
} from './protocol';
import { answer } from './decoding/generation';
import type { CausalLm } from './runtime/causal-lm';
import type { WebGpuProbe } from './loading/device';
import { chooseWeightFormat, type WeightFormatQuestion } from './loading/weight-format';
import { loadCausalLm } from './loading/model-loader';
import { forgetCachedModel } from './loading/model-cache-repair';
import type { MemoryBudget } from './loading/memory-estimate';
import { resolveSource } from './loading/model-source';
import { runExtraction } from './extractor';
import { ModelLoadError, toWorkerError } from './errors';

/** What differs between the browser worker and Node. */
export interface HandlerEnvironment {
  /** `node` runs on onnxruntime-node (device `cpu`) and may load local folders. */
  readonly runtime: 'browser' | 'node';
  /** Asks for a WebGPU adapter (browser only). */
  readonly probeWebGpu?: () => Promise<WebGpuProbe>;
  /** `navigator.deviceMemory` (GB, a coarse lower bound) where the browser tells. */
  readonly deviceMemoryGb?: () => number | undefined;
}

interface LoadedState {
  readonly lm: CausalLm;
  readonly info: LocalModelInfo;
}

export class InferenceHandler {
  private loaded: LoadedState | undefined;
  /** The device the current load chose (reported with load errors). */
  private loadingDevice: Device | undefined;
  /** Requests run one after another (ONNX sessions cannot run concurrently). */
  private queue: Promise<void> = Promise.resolve();
  private readonly interrupted = new Set<string>();
  /** Extractions queued or running; a new one interrupts them all (the latest request wins). */
  private readonly activeExtracts = new Set<string>();

  constructor(
    private readonly post: (event: FromWorker) => void,
    private readonly environment: HandlerEnvironment,
  ) {}

  /** Stops every extraction and frees the loaded model (the Node engine's `dispose`). */
  async dispose(): Promise<void> {
    for (const requestId of this.activeExtracts) this.interrupted.add(requestId);
    await this.queue;
    const previous = this.loaded;
    this.loaded = undefined;
    await previous?.lm.model.dispose();
  }

  /** Handles one message; resolves when its work is finished (interrupts resolve at once). */
  handle(message: ToWorker): Promise<void> {
    switch (message.type) {
      case 'interrupt':
        this.interrupted.add(message.requestId);
        return Promise.resolve();
      case 'extract':
        // The latest extraction wins: stop the running and queued ones so this one starts promptly.
        for (const requestId of this.activeExtracts) this.interrupted.add(requestId);
        this.activeExtracts.add(message.requestId);
        return this.enqueue(message, () => this.extract(message));
      case 'load':
        return this.enqueue(message, () => this.load(message));
      case 'selftest':
        return this.enqueue(message, () => this.selftest(message));
      default:
        return assertNever(message);
    }
  }

  /** The loaded model, if any (for tests and the CLI). */
  get model(): LocalModelInfo | undefined {
    return this.loaded?.info;
  }

  private enqueue(message: ToWorker, work: () => Promise<void>): Promise<void> {
    const run = async () => {
      try {
        await work();
      } catch (error) {
        const device = message.type === 'load' ? this.loadingDevice : this.loaded?.info.device;
        this.post({
          type: 'error',
          requestId: message.requestId,
          error: toWorkerError(error),
          during: message.type,
          ...(device ? { device } : {}),
        });
      }
    };
    this.queue = this.queue.then(run);
    return this.queue;
  }

  private async load(message: LoadRequest): Promise<void> {
    this.loadingDevice = undefined;
    const source = resolveSource(message.model.source, {
      allowLocal: this.environment.runtime === 'node',
      ...(message.model.appBaseUrl ? { appBaseUrl: message.model.appBaseUrl } : {}),
    });
    let fallbackReason = message.fallbackReason;
    let memoryBudget: MemoryBudget = { device: 'cpu' };
    const probe: WebGpuProbe | undefined =
      this.environment.runtime === 'node'
        ? undefined
        : message.device === 'wasm' || !this.environment.probeWebGpu
          ? { available: false, reason: 'WASM was chosen.' }
          : await this.environment.probeWebGpu();
    const weightQuestion: WeightFormatQuestion = {
      runtime: this.environment.runtime,
      preference: message.device,
      ...(probe ? { probe } : {}),
      ...(source.preset ? { presetDtypes: source.preset.dtypes } : {}),
      ...(message.model.dtype ? { requested: message.model.dtype } : {}),
    };
    const choice = chooseWeightFormat(weightQuestion);
    const { device, dtype } = choice;
    fallbackReason ??= choice.fallbackReason;
    if (probe) {
      const deviceMemoryGb = this.environment.deviceMemoryGb?.();
      const memory = deviceMemoryGb ? { deviceMemoryGb } : {};
      memoryBudget =
        device === 'webgpu' && probe.available
          ? {
              device,
              maxBufferSize: probe.maxBufferSize,
              maxStorageBufferBindingSize: probe.maxStorageBufferBindingSize,
              ...memory,
            }
          : { device: 'wasm', ...memory };
    }
    this.loadingDevice = device;
    // Free the previous model before the next one takes memory.
    const previous = this.loaded;
    this.loaded = undefined;
    await previous?.lm.model.dispose();

    let loaded: Awaited<ReturnType<typeof loadCausalLm>>;
    // transformers.js only logs a refused Cache.put: watch for it so the page can say so.
    const cacheWrites = watchCacheWrites();
    let cacheWarning: string | undefined;
    try {
      loaded = await loadCausalLm({
        source,
        device,
        dtype,
        ...(message.model.promptStyle ? { promptStyle: message.model.promptStyle } : {}),
        memoryBudget,
        weightQuestion,
        ...(source.preset?.downloadBytes[dtype]
          ? { weightFileBytes: source.preset.downloadBytes[dtype] }
          : {}),
        onProgress: (progress) =>
          this.post({ type: 'load-progress', requestId: message.requestId, ...progress }),
      });
      // Warm-up: compiles WebGPU shaders and allocates buffers before the person presses Extract.
      const warmupIds = loaded.lm.tokenizer.encode('Hello', { add_special_tokens: true });
      await answer(loaded.lm, { promptIds: warmupIds, maxNewTokens: 1 });
    } catch (error) {
      // transformers.js caches a file before ONNX Runtime reads it: a truncated or corrupt download
      // would fail every later load of this model. Forget its cached files so a retry downloads anew —
      // but only for file problems: a WebGPU failure (DeviceError) retries on WASM with the same files.
      if (error instanceof ModelLoadError) await forgetCachedModel(source.resolved);
      throw error;
    } finally {
      cacheWarning = cacheWriteWarning(cacheWrites.stop());
    }
    const info = {
      ...loaded.info,
      ...(cacheWarning ? { cacheWarning } : {}),
      ...(choice.deviceWarning && loaded.info.device === 'webgpu'
        ? { deviceWarning: choice.deviceWarning }
        : {}),
    };
    this.loaded = { lm: loaded.lm, info };
    this.post({
      type: 'ready',
      requestId: message.requestId,
      model: info,
      ...(fallbackReason ? { fallbackReason } : {}),
      loadMs: loaded.loadMs,
    });
  }

  private requireModel(): LoadedState {
    if (!this.loaded) throw new ModelLoadError('No model is loaded yet: pick a model and load it first.');
    return this.loaded;
  }

  private async extract(message: ExtractRequest): Promise<void> {
    const { requestId } = message;
    try {
      const { lm, info } = this.requireModel();
      await runExtraction(
        lm,
        info,
        message,
        (event) => this.post({ ...event, requestId }),
        () => this.interrupted.has(requestId),
      );
    } finally {
      this.activeExtracts.delete(requestId);
      this.interrupted.delete(requestId);
    }
  }

  private async selftest(message: SelfTestRequest): Promise<void> {
    const { lm, info } = this.requireModel();
    const promptIds = lm.tokenizer.encode(message.prompt, { add_special_tokens: true });
    const result = await answer(lm, { promptIds, maxNewTokens: message.maxNewTokens });
    this.post({
      type: 'selftest-result',
      requestId: message.requestId,
      device: info.device,
      dtype: info.dtype,
      promptIds,
      generatedIds: result.generatedIds,
      text: lm.tokenizer.decode(result.generatedIds, { skip_special_tokens: true }),
    });
  }
}
