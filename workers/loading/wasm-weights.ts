/**
 * What a model folder offers in fp32, for the WASM format choice (weight-format.ts decides).
 *
 * Measured (`npm run bench`, SmolLM2-135M-Instruct in Chromium, one thread): onnxruntime-web decodes
 * fp32 weights about 5× faster than 4-bit ones (5.6 vs 1.2 tokens/s), because its 4-bit MatMulNBits
 * has no fast one-row kernel on WASM, while prefill is barely affected. Re-measured with the converter's
 * speed options (MatMulNBits accuracy_level 4, quantized tied heads: tools/bench/README.md, "Converter
 * choices"): onnxruntime-web ignores accuracy_level and q4 still decodes 5–7× slower than fp32 on WASM
 * (2.2–2.9 vs 15.0 tokens/s, onnxruntime-web's WASM build in Node), so fp32 stays. Small models run in fp32 —
 * when their folder has fp32 weights and they stay under {@link FP32_WASM_MAX_BYTES} — and larger
 * ones keep 4 bits (fp32 would not fit the 4 GiB WASM heap, or the download would be unreasonable).
 */
import { fetchFileSizes, onnxFilePaths, type FetchLike } from './memory-estimate';

/**
 * Largest fp32 download we prefer over 4 bits on WASM: about 4× the 4-bit download for ~5× faster
 * answers. 1.5 GB takes the 360M-parameter models (SmolLM2-360M: 1.45 GB), not the 0.5B ones (2 GB).
 */
export const FP32_WASM_MAX_BYTES = 1.5e9;

/** What the choice may look at; every lookup is optional so a failure only keeps the default. */
export interface WasmWeightsProbe {
  /** HEAD requests against the model folder (sizes of the fp32 files). */
  readonly fetchHead: FetchLike;
  /** True when the file at this URL is already in the browser's model cache (offline reloads). */
  readonly isCached?: (url: string) => Promise<boolean>;
}

/**
 * What a model folder offers in fp32, as far as can be told: the total size of its fp32 weights (HEAD
 * requests), `cached` when the host cannot say but every fp32 file is in the browser's model cache (it was
 * chosen on an earlier visit), or `unknown`.
 */
export type Fp32Weights = { readonly bytes: number } | 'cached' | 'unknown';

/** fp32 is worth it on WASM: small enough, or already downloaded. */
export function fp32PreferredOnWasm(weights: Fp32Weights): boolean {
  if (weights === 'cached') return true;
  if (weights === 'unknown') return false;
  return weights.bytes <= FP32_WASM_MAX_BYTES;
}

/** Looks at the fp32 weights of the model folder at `baseUrl`. Never throws: a failure is `unknown`. */
export async function probeFp32Weights(
  config: unknown,
  baseUrl: string,
  probe: WasmWeightsProbe,
): Promise<Fp32Weights> {
  const paths = onnxFilePaths(config, 'fp32');
  const sizes = await fetchFileSizes(baseUrl, paths, probe.fetchHead);
  const known = [...sizes.values()];
  if (known.every((size) => size !== undefined)) {
    return { bytes: known.reduce((sum: number, size) => sum + (size ?? 0), 0) };
  }
  // Offline (or a host without HEAD): fp32 only if it was cached before — it was chosen then.
  if (!probe.isCached) return 'unknown';
  try {
    const cached = await Promise.all(paths.map((path) => probe.isCached!(baseUrl + path)));
    return cached.every(Boolean) ? 'cached' : 'unknown';
  } catch {
    return 'unknown';
  }
}
