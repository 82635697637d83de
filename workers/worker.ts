/**
 * The Web Worker entry: a thin binding of {@link InferenceHandler} to `postMessage`, plus the
 * browser-only runtime settings of transformers.js.
 */
import { env } from '@huggingface/transformers';
// onnxruntime-web's WASM runtime, served from our own origin: the library's default is a CDN, which
// breaks offline use and leaks the fact of a visit to a third party.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
// Model downloads that stall fail with a clear error instead of hanging the load forever.
import './loading/fetch-guard';
import { InferenceHandler } from './handler';
import { probeWebGpu, type GpuLike } from './loading/device';
import { wasmThreadCount } from './loading/model-loader';
import type { FromWorker, ToWorker } from './protocol';

const scope = self as unknown as {
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  location: Location;
  crossOriginIsolated?: boolean;
  navigator: Navigator & { gpu?: GpuLike };
};

const onnxWasm = env.backends.onnx.wasm;
if (onnxWasm) {
  onnxWasm.wasmPaths = {
    wasm: new URL(ortWasmUrl, scope.location.href).href,
    mjs: new URL(ortMjsUrl, scope.location.href).href,
  };
  onnxWasm.numThreads = wasmThreadCount(
    scope.navigator.hardwareConcurrency,
    scope.crossOriginIsolated === true,
  );
}
// Models come from the Hub or a URL the person chose, never from guessed paths on our own origin.
env.allowLocalModels = false;
env.allowRemoteModels = true;

const handler = new InferenceHandler((event) => scope.postMessage(event), {
  runtime: 'browser',
  probeWebGpu: () => probeWebGpu(scope.navigator.gpu),
  deviceMemoryGb: () => (scope.navigator as { deviceMemory?: number }).deviceMemory,
});

scope.onmessage = (event) => {
  void handler.handle(event.data);
};
