/**
 * The memory check: LLaMA-7B arithmetic (6.74B parameters, q4 / q4f16 sizes), the WASM ceiling, WebGPU
 * buffer limits, the 2 GB file rule, HEAD-request sizes, and the ONNX file list compared with
 * transformers.js's own `ModelRegistry.get_model_files`.
 */
import { ModelRegistry } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import {
  checkMemory,
  checkModelMemory,
  dimsFromConfig,
  estimateMemory,
  estimateWeights,
  fetchFileSizes,
  onnxFilePaths,
  parameterCount,
  summarizeFileSizes,
  WASM_MAX_BYTES,
  type FetchLike,
  type ModelDims,
} from '../../../../workers/loading/memory-estimate';

/** LLaMA-1 7B, the base of UniNER-7B. */
const LLAMA_7B_CONFIG = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_size: 4096,
  intermediate_size: 11008,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  vocab_size: 32000,
  max_position_embeddings: 2048,
  tie_word_embeddings: false,
};

const QWEN_05B_CONFIG = {
  model_type: 'qwen2',
  hidden_size: 896,
  intermediate_size: 4864,
  num_hidden_layers: 24,
  num_attention_heads: 14,
  num_key_value_heads: 2,
  vocab_size: 151936,
  max_position_embeddings: 32768,
  tie_word_embeddings: true,
};

const BIG_GPU = {
  device: 'webgpu',
  maxBufferSize: 4 * 1024 ** 3,
  maxStorageBufferBindingSize: 2 * 1024 ** 3,
} as const;

function dims(config: unknown): ModelDims {
  const d = dimsFromConfig(config);
  if (!d) throw new Error('no dims');
  return d;
}

describe('dimsFromConfig / parameterCount', () => {
  it('reads LLaMA-7B and counts 6.74B parameters', () => {
    const d = dims(LLAMA_7B_CONFIG);
    expect(d).toMatchObject({ numKvHeads: 32, headDim: 128, maxContext: 2048, tiedEmbeddings: false });
    expect(parameterCount(d)).toBe(6_738_415_616);
  });

  it('handles grouped-query attention and tied embeddings (Qwen2.5-0.5B: 494M parameters)', () => {
    const d = dims(QWEN_05B_CONFIG);
    expect(d.headDim).toBe(64);
    // The published count is 494M (with q/k/v biases, which this formula leaves out: < 0.1%).
    expect(parameterCount(d) / 1e6).toBeCloseTo(494, -1);
  });

  it('uses text_config of multimodal configs, and gives up on configs without the essentials', () => {
    expect(dimsFromConfig({ text_config: LLAMA_7B_CONFIG })?.hiddenSize).toBe(4096);
    expect(dimsFromConfig({ model_type: 'llama' })).toBeUndefined();
    expect(dimsFromConfig(null)).toBeUndefined();
  });
});

describe('estimateWeights / estimateMemory for UniNER-7B', () => {
  const d = dims(LLAMA_7B_CONFIG);

  it('q4: 4-bit MatMuls with fp32 scales (block 32) and an fp32 embedding: 4.65 GB', () => {
    const w = estimateWeights(d, 'q4');
    expect(w.totalBytes / 1e9).toBeCloseTo(4.65, 2);
    expect(w.largestTensor).toBe('token embedding');
    expect(w.largestTensorBytes).toBe(32000 * 4096 * 4);
  });

  it('q4f16: fp16 scales and embedding: 3.98 GB', () => {
    const w = estimateWeights(d, 'q4f16');
    expect(w.totalBytes / 1e9).toBeCloseTo(3.98, 2);
    expect(w.largestTensorBytes).toBe(32000 * 4096 * 2);
  });

  it('KV cache: 2 x 32 layers x 4096 x bytes per token, for the context the app runs', () => {
    const q4f16 = estimateMemory(d, { dtype: 'q4f16', contextTokens: 1000 });
    expect(q4f16.kvCacheBytes).toBe(2 * 32 * 4096 * 2 * 1000);
    const q4 = estimateMemory(d, { dtype: 'q4', contextTokens: 1000, batch: 2 });
    expect(q4.kvCacheBytes).toBe(2 * 32 * 4096 * 4 * 1000 * 2);
    // Capped by the model's context.
    expect(estimateMemory(d, { dtype: 'q4', contextTokens: 10_000 }).contextTokens).toBe(2048);
  });

  it('uses the real file sizes when known', () => {
    const need = estimateMemory(d, { dtype: 'q4f16', weightFileBytes: 4.2e9 });
    expect(need.weightBytes).toBe(4.2e9);
    expect(need.totalBytes).toBe(
      need.weightBytes + need.kvCacheBytes + need.activationBytes + need.overheadBytes,
    );
  });
});

describe('checkMemory', () => {
  const d = dims(LLAMA_7B_CONFIG);

  it('refuses UniNER-7B on WASM with a message that says what to do', () => {
    const check = checkMemory(estimateMemory(d, { dtype: 'q4' }), { device: 'wasm' }, 'UniNER-7B-type');
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.reason).toMatch(
      /^UniNER-7B-type needs about \d+\.\d GB .*WASM can use at most 4 GiB: use a browser with WebGPU/,
    );
  });

  it('accepts a small model on WASM', () => {
    const need = estimateMemory(dims(QWEN_05B_CONFIG), { dtype: 'q4' });
    expect(need.totalBytes).toBeLessThan(WASM_MAX_BYTES);
    expect(checkMemory(need, { device: 'wasm' }, 'Qwen').ok).toBe(true);
  });

  it('accepts UniNER-7B on a desktop-class WebGPU adapter, with the total as a warning', () => {
    const check = checkMemory(estimateMemory(d, { dtype: 'q4f16' }), BIG_GPU, 'UniNER-7B-type');
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.warnings.join(' ')).toMatch(/about 5\.0 GB of GPU memory/);
  });

  it('refuses when the embedding does not fit one GPU buffer (the smaller of the two limits)', () => {
    const small = {
      device: 'webgpu',
      maxBufferSize: 256 * 1024 ** 2,
      maxStorageBufferBindingSize: 128 * 1024 ** 2,
    } as const;
    const q4 = checkMemory(estimateMemory(d, { dtype: 'q4' }), small, 'UniNER-7B-type');
    expect(q4.ok).toBe(false);
    if (!q4.ok)
      expect(q4.reason).toMatch(/token embedding, 524 MB.*maxStorageBufferBindingSize 134 MB.*q4f16/);
    // q4f16's 262 MB embedding fits the WebGPU default limits (256 MiB = 268 MB).
    const defaults = {
      device: 'webgpu',
      maxBufferSize: 256 * 1024 ** 2,
      maxStorageBufferBindingSize: 256 * 1024 ** 2,
    } as const;
    expect(checkMemory(estimateMemory(d, { dtype: 'q4f16' }), defaults, 'UniNER-7B-type').ok).toBe(true);
    expect(checkMemory(estimateMemory(d, { dtype: 'q4' }), defaults, 'UniNER-7B-type').ok).toBe(false);
  });

  it('refuses a file of 2 GB or more in the browser, not in Node', () => {
    const need = estimateMemory(d, {
      dtype: 'q4f16',
      largestFileBytes: 3.9e9,
      largestFileName: 'onnx/model_q4f16.onnx_data',
    });
    const check = checkMemory(need, BIG_GPU, 'X');
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(/model_q4f16\.onnx_data.*under 2 GB.*chunks/);
    expect(checkMemory(need, { device: 'cpu' }, 'X').ok).toBe(true);
  });

  it('warns when navigator.deviceMemory is below the need', () => {
    const check = checkMemory(estimateMemory(d, { dtype: 'q4f16' }), { ...BIG_GPU, deviceMemoryGb: 4 }, 'X');
    expect(check.ok && check.warnings.some((w) => /reports about 4 GB/.test(w))).toBe(true);
  });

  it('checkModelMemory never blocks a model it cannot estimate', () => {
    expect(checkModelMemory({ model_type: 'mystery' }, { dtype: 'q4' }, { device: 'wasm' }, 'M').ok).toBe(
      true,
    );
    expect(checkModelMemory(LLAMA_7B_CONFIG, { dtype: 'q4' }, { device: 'wasm' }, 'M').ok).toBe(false);
  });
});

describe('file sizes', () => {
  it('onnxFilePaths matches transformers.js ModelRegistry.get_model_files', async () => {
    const configs = [
      {
        ...LLAMA_7B_CONFIG,
        'transformers.js_config': { use_external_data_format: { 'model_q4.onnx': 3, 'model_q4f16.onnx': 2 } },
      },
      { ...LLAMA_7B_CONFIG, 'transformers.js_config': { use_external_data_format: { model: 2 } } },
      { ...LLAMA_7B_CONFIG, 'transformers.js_config': { use_external_data_format: true } },
      LLAMA_7B_CONFIG,
    ];
    for (const config of configs) {
      for (const dtype of ['q4', 'q4f16', 'fp16'] as const) {
        const library = (
          await ModelRegistry.get_model_files('x/y', { config: config as never, dtype, device: 'webgpu' })
        ).filter((f) => f.startsWith('onnx/'));
        expect(onnxFilePaths(config, dtype)).toEqual(library);
      }
    }
  });

  it('fetchFileSizes reads Content-Length or X-Linked-Size and tolerates failures', async () => {
    const headers: Record<string, Record<string, string>> = {
      'https://h/m/onnx/model_q4.onnx': { 'content-length': '1000' },
      'https://h/m/onnx/model_q4.onnx_data': { 'content-length': '1290', 'x-linked-size': '1800000000' },
    };
    const fetchFn: FetchLike = async (url) => {
      if (url.endsWith('_1')) throw new Error('offline');
      const h = headers[url];
      return { ok: h !== undefined, headers: { get: (name) => h?.[name] ?? null } };
    };
    const sizes = await fetchFileSizes(
      'https://h/m/',
      ['onnx/model_q4.onnx', 'onnx/model_q4.onnx_data'],
      fetchFn,
    );
    expect([...sizes]).toEqual([
      ['onnx/model_q4.onnx', 1000],
      ['onnx/model_q4.onnx_data', 1_800_000_000],
    ]);
    expect(summarizeFileSizes(sizes)).toEqual({
      weightFileBytes: 1_800_001_000,
      largestFileBytes: 1_800_000_000,
      largestFileName: 'onnx/model_q4.onnx_data',
    });
    const partial = await fetchFileSizes(
      'https://h/m/',
      ['onnx/model_q4.onnx', 'onnx/model_q4.onnx_data_1'],
      fetchFn,
    );
    expect(partial.get('onnx/model_q4.onnx_data_1')).toBeUndefined();
    expect(summarizeFileSizes(partial)).toBeUndefined();
  });
});
