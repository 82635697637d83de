/**
 * A LLaMA-family decoder as an ONNX graph with exactly the optimum-style I/O transformers.js expects
 * from a decoder-only export with KV cache:
 *
 *   inputs   input_ids        int64 [batch_size, sequence_length]
 *            attention_mask   int64 [batch_size, total_sequence_length]
 *            position_ids     int64 [batch_size, sequence_length]
 *            past_key_values.{i}.key|value  float [batch_size, kvHeads, past_sequence_length, headDim]
 *            num_logits_to_keep int64 []   (logits for the last n positions; 0: all)
 *   outputs  logits           float [batch_size, logits_length, vocab]
 *            present.{i}.key|value          float [batch_size, kvHeads, total_sequence_length, headDim]
 *
 * transformers.js builds the empty first-step cache from the input metadata: the batch dimension
 * must be named `batch_size` and heads / head size must be fixed numbers, or it cannot size it.
 *
 * The one graph of the project: the converter (real checkpoints) and the synthetic test fixtures
 * both build it here. Only standard opset-17 operators plus com.microsoft MatMulNBits (4-bit), all
 * of which onnxruntime runs on CPU, WASM and WebGPU. The KV cache and activations are float32 in
 * every format (q4f16 only keeps its weights and matmuls in fp16), so the cache code is shared.
 */
import { DataType, GraphBuilder, type ExternalDataSink } from './onnx-builder';
import type { AffineQ4Weight } from '../quant/affine-q4';
import { ropeInverseFrequencies, type LlamaDims } from './llama-dims';
import {
  quantizeAsymmetricQ4,
  quantizeSymmetricQ4,
  q4_0ToMatMulNBits,
  transposeToRows,
  type MatMulNBitsWeight,
  type ScaleType,
} from '../quant/matmul-nbits';
import { float32ToFloat16Bits } from '../quant/fp16';
import { quantizeInt8Blocks, type Int8Blocks } from '../quant/int8-channel';
import { MATMUL_8BITS_BLOCK_SIZE, quantizeSymmetricQ8 } from '../quant/matmul-8bits';

/**
 * fp32: MatMul; q4: MatMulNBits with fp32 scales; q4f16: MatMulNBits in fp16 (GPUs with shader-f16);
 * q8: int8 weights per output channel (the embedding and a tied head too), dequantised by the graph
 * into fp32 constants when onnxruntime loads it: an 8-bit download that runs at fp32's speed on WASM.
 */
export type WeightFormat = 'fp32' | 'q4' | 'q4f16' | 'q8';
/**
 * How 4-bit weights are made from real numbers: symmetric (zero point 8, what the synthetic
 * fixtures always used) or asymmetric (per-block zero point: lower error on real weights).
 */
export type Q4Scheme = 'symmetric' | 'asymmetric';

const Q4_BLOCK_SIZE = 32;

/** One linear layer's weight, [n = out features] rows of [k = in features] (Hugging Face layout). */
export interface LinearSource {
  n: number;
  k: number;
  /** The weight as float32 rows. */
  rows(): Float32Array;
  /** Raw GGUF Q4_0 rows when the source stores them so: mapped onto MatMulNBits without loss. */
  q4_0?(): Uint8Array;
  /**
   * Affine 4-bit blocks of 32 (GGUF Q4_1, Q4_K: value = s * q + c) as MatMulNBits with zero point 8
   * plus per-block offsets (tools/convert/quant/affine-q4.ts): exact, with standard operators only.
   */
  q4Affine?(scaleType: ScaleType): AffineQ4Weight;
}

/** Supplies weights one tensor at a time, in the order the graph asks for them. */
export interface LlamaWeightSource {
  /** [vocab rows][hidden]. */
  embedding(): Float32Array;
  /** `layers.{i}.input_layernorm`, `layers.{i}.post_attention_layernorm` or `norm`. */
  norm(name: string): Float32Array;
  /** `layers.{i}.{q,k,v,o,gate,up,down}_proj` or `lm_head`. */
  linear(name: string): LinearSource;
}

export interface LlamaGraphOptions {
  format: WeightFormat;
  /**
   * lm_head is the embedding (SmolLM2, Llama 3.2). The embedding Gather always keeps its own table;
   * the head reads it too (Gemm with transB, fp32 or fp16 in q4f16) unless {@link tiedHead} says `q4`.
   */
  tiedEmbeddings?: boolean;
  /**
   * How a tied head is computed in the 4-bit formats: `table` multiplies by the embedding table itself
   * (exact, but the largest read of a decode step: 49152 × 576 fp32 for SmolLM2, 113 MB per token);
   * `q4` writes a 4-bit copy of it as an ordinary MatMulNBits head (the source's own 4-bit blocks when
   * it has them, else requantized); `q8` an 8-bit MatMulNBits copy (fp32 activations around it; exact
   * for a Q8_0 embedding). Default {@link DEFAULT_TIED_HEAD} in q4; q4f16 keeps the table unless told
   * (no fp16 8-bit kernel was checked). fp32 always uses the table.
   */
  tiedHead?: TiedHead;
  /**
   * MatMulNBits `accuracy_level` per 4-bit format (0: unset; 4: int8 activations and integer dot
   * products on CPU/WASM). Default {@link DEFAULT_ACCURACY_LEVEL}.
   */
  accuracyLevel?: number;
  q4Scheme?: Q4Scheme;
  /** Large initializers go here (external-data files); without it everything is inline. */
  external?: ExternalDataSink;
  /** Called after each weight tensor is written (progress). */
  onWeight?: (name: string) => void;
  graphName?: string;
}

/** How a tied head is computed in the 4-bit formats ({@link LlamaGraphOptions.tiedHead}). */
export type TiedHead = 'table' | 'q4' | 'q8';

/**
 * The table head stays the default. Measured on SmolLM2-135M (tools/bench/README.md, "Converter
 * choices"): an 8-bit head (exact for a Q8_0 embedding) decodes 1.12x faster in Node but 0.78x on WASM,
 * where the bundled default model runs q4; a 4-bit head is fastest in Node but kept only 7 of 32
 * reference answers. `--` options of the graph builder keep both for a target that wants them.
 */
export const DEFAULT_TIED_HEAD: TiedHead = 'table';

/**
 * MatMulNBits accuracy_level per 4-bit format: unset (0, float activations) by default. Level 4 (int8
 * activations, llama.cpp's class of kernel) measured only ~1.07x faster for Node decode here, 0.66x for a
 * 300-token prefill, and onnxruntime-web ignores it; it also moved q4's greedy answers from 32/32 to
 * 28/32 of PyTorch's. Not worth it on this evidence; the option stays for a quieter measurement.
 */
export const DEFAULT_ACCURACY_LEVEL: Record<'q4' | 'q4f16', number> = { q4: 0, q4f16: 0 };

/** Large negative score for masked keys: finite, so a fully masked (padding) row gives no NaN. */
const MASKED_SCORE = -1e9;

/** HF rotate_half convention: cos/sin tables [maxPositions, headDim], frequencies repeated twice. */
function ropeTables(d: LlamaDims): { cos: Float32Array; sin: Float32Array } {
  const half = d.headDim / 2;
  const inv = ropeInverseFrequencies(d);
  const cos = new Float32Array(d.maxPositions * d.headDim);
  const sin = new Float32Array(d.maxPositions * d.headDim);
  for (let p = 0; p < d.maxPositions; p++) {
    for (let j = 0; j < d.headDim; j++) {
      const angle = p * (inv[j % half] ?? 0);
      cos[p * d.headDim + j] = Math.cos(angle);
      sin[p * d.headDim + j] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

/** Per graph, x -> blockSums(x) (fp32) and its fp16 cast: q, k, v (and gate, up) share their input. */
const blockSumCache = new WeakMap<GraphBuilder, Map<string, string>>();

/**
 * Sums of x over consecutive blocks of 32 along its last axis: [B, S, K] -> [B, S, K / 32], in fp32
 * (Reshape to [B, S, K / 32, 32], then ReduceSum over the last axis; opset 13+ takes the axes as an
 * input), cast to fp16 when `half`. Computed once per input and type.
 */
function blockSums(g: GraphBuilder, x: string, k: number, half: boolean): string {
  let cache = blockSumCache.get(g);
  if (!cache) blockSumCache.set(g, (cache = new Map()));
  const key = `${x}|${k}|${half ? 'f16' : 'f32'}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let sums: string;
  if (half) {
    sums = g.op('Cast', [blockSums(g, x, k, false)], { to: DataType.FLOAT16 });
  } else {
    const blocks = g.op('Reshape', [x, g.int64([0, 0, k / Q4_BLOCK_SIZE, Q4_BLOCK_SIZE])]);
    sums = g.op('ReduceSum', [blocks, g.int64([-1])], { keepdims: 0 });
  }
  cache.set(key, sums);
  return sums;
}

/**
 * x [B, S, K] (fp32) @ W^T for a 4-bit weight: com.microsoft MatMulNBits (block 32). With `offsets`
 * (an affine weight, tools/convert/quant/affine-q4.ts) the product gets `+ blockSums(x) @ C`, C the
 * [K / 32, N] offsets, which makes Q4_1 and Q4_K exact with standard operators only. q4f16 runs the
 * matmuls and their sum in fp16 between a Cast of x to fp16 and a Cast of the result back to fp32;
 * the block sums are taken in fp32 and cast. Exported for the tests, which run it alone.
 */
export function q4Linear(
  g: GraphBuilder,
  x: string,
  name: string,
  q: MatMulNBitsWeight,
  format: 'q4' | 'q4f16',
  offsets?: Float32Array | Uint16Array,
  output?: string,
  accuracyLevel = 0,
): string {
  const { n, k } = q;
  const outputs = output ? { outputs: [output] } : {};
  const half = format === 'q4f16';
  const floatType = half ? DataType.FLOAT16 : DataType.FLOAT;
  const blocks = Math.ceil(k / Q4_BLOCK_SIZE);
  const inputs = [
    x,
    g.initializer(`${name}.q4`, DataType.UINT8, [n, blocks, Q4_BLOCK_SIZE / 2], q.b),
    g.initializer(`${name}.scales`, floatType, [n * blocks], q.scales),
  ];
  if (q.zeroPoints) {
    inputs.push(g.initializer(`${name}.zero_points`, DataType.UINT8, [q.zeroPoints.length], q.zeroPoints));
  }
  const attrs: Record<string, number> = { K: k, N: n, bits: 4, block_size: Q4_BLOCK_SIZE };
  if (accuracyLevel > 0) attrs.accuracy_level = accuracyLevel;
  // q4f16: the matmul runs in fp16 (T1 = float16 for activations and scales); activations stay fp32 around it.
  if (half) inputs[0] = g.op('Cast', [x], { to: DataType.FLOAT16 });
  const last = !half && !offsets ? outputs : {};
  let product = g.op('MatMulNBits', inputs, attrs, { domain: 'com.microsoft', ...last });
  if (offsets) {
    if (k % Q4_BLOCK_SIZE !== 0) throw new Error(`${name}: block offsets need K % 32 == 0, got K=${k}`);
    if (offsets.length !== blocks * n) {
      throw new Error(`${name}: ${offsets.length} offsets, expected K/32 * N = ${blocks * n}`);
    }
    const table = g.initializer(`${name}.block_offsets`, floatType, [blocks, n], offsets);
    const correction = g.op('MatMul', [blockSums(g, x, k, half), table]);
    product = g.op('Add', [product, correction], {}, half ? {} : outputs);
  }
  if (!half) return product;
  return g.op('Cast', [product], { to: DataType.FLOAT }, outputs);
}

class LlamaGraph {
  readonly g: GraphBuilder;

  constructor(
    private readonly d: LlamaDims,
    private readonly source: LlamaWeightSource,
    private readonly options: LlamaGraphOptions,
  ) {
    this.g = new GraphBuilder(options.external);
  }

  private weightDone(name: string): void {
    this.options.onWeight?.(name);
  }

  /**
   * Writes `w` (int8 blocks) and returns the name of its dequantised [N, K] fp32 value: Cast, Reshape to
   * [N, K / block, block], Mul by the scales [N, K / block, 1], Reshape back. Every input is an
   * initializer, so onnxruntime folds the whole chain into one fp32 constant when the session loads:
   * the file is 8-bit and every step runs fp32 arithmetic, the fastest onnxruntime-web's WASM build has
   * (its 4-bit MatMulNBits is 5-7x slower there). Integer arithmetic (DynamicQuantizeLinear +
   * MatMulInteger, onnxruntime's `quantize_dynamic` pattern) was tried first: per-tensor int8
   * activations kept only 2 of SmolLM2's 32 reference answers (tools/convert/README.md).
   */
  private int8Dequantized(name: string, w: Int8Blocks): string {
    const g = this.g;
    const blocks = w.k / w.blockSize;
    const q = g.initializer(`${name}.q8`, DataType.INT8, [w.n, w.k], w.q);
    const scales = g.initializer(`${name}.scales`, DataType.FLOAT, [w.n, blocks, 1], w.scales);
    const values = g.op('Reshape', [
      g.op('Cast', [q], { to: DataType.FLOAT }),
      g.int64([w.n, blocks, w.blockSize]),
    ]);
    return g.op('Reshape', [g.op('Mul', [values, scales]), g.int64([w.n, w.k])]);
  }

  /** x @ W^T for W given as rows: MatMul in fp32, MatMulNBits (4-bit, block 32), or int8 (q8). */
  linear(x: string, name: string, output?: string): string {
    const g = this.g;
    const src = this.source.linear(name);
    const { n, k } = src;
    const outputs = output ? { outputs: [output] } : {};
    const format = this.options.format;
    if (format === 'fp32') {
      const weight = g.initializer(name, DataType.FLOAT, [k, n], transposeToRows(src.rows(), n, k));
      this.weightDone(name);
      return g.op('MatMul', [x, weight], {}, outputs);
    }
    if (format === 'q8') {
      const rows = this.int8Dequantized(name, quantizeInt8Blocks(src.rows(), n, k));
      this.weightDone(name);
      return g.op('MatMul', [x, g.op('Transpose', [rows], { perm: [1, 0] })], {}, outputs);
    }
    const scaleType = format === 'q4f16' ? 'float16' : 'float32';
    const raw = src.q4_0?.();
    const affine = raw ? undefined : src.q4Affine?.(scaleType);
    const q = raw
      ? q4_0ToMatMulNBits(raw, n, k, scaleType)
      : affine
        ? affine.weight
        : this.options.q4Scheme === 'symmetric'
          ? quantizeSymmetricQ4(src.rows(), n, k, scaleType)
          : quantizeAsymmetricQ4(src.rows(), n, k, scaleType);
    const level = this.options.accuracyLevel ?? DEFAULT_ACCURACY_LEVEL[format];
    const product = q4Linear(g, x, name, q, format, affine?.offsets, output, level);
    this.weightDone(name);
    return product;
  }

  rmsNorm(x: string, name: string): string {
    const g = this.g;
    const meanSquare = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
    const rms = g.op('Sqrt', [g.op('Add', [meanSquare, g.float(this.d.rmsNormEps)])]);
    const weight = g.initializer(name, DataType.FLOAT, [this.d.hiddenSize], this.source.norm(name));
    this.weightDone(name);
    return g.op('Mul', [g.op('Div', [x, rms]), weight]);
  }

  /** [B, S, heads*headDim] → [B, heads, S, headDim] */
  splitHeads(x: string, heads: number): string {
    const reshaped = this.g.op('Reshape', [x, this.g.int64([0, 0, heads, this.d.headDim])]);
    return this.g.op('Transpose', [reshaped], { perm: [0, 2, 1, 3] });
  }

  /** x * cos + rotate_half(x) * sin, with cos/sin already gathered to [B, 1, S, headDim]. */
  rope(x: string, cos: string, sin: string): string {
    const g = this.g;
    const half = this.d.headDim / 2;
    const axis = g.int64([-1]);
    const first = g.op('Slice', [x, g.int64([0]), g.int64([half]), axis]);
    const second = g.op('Slice', [x, g.int64([half]), g.int64([this.d.headDim]), axis]);
    const rotated = g.op('Concat', [g.op('Neg', [second]), first], { axis: -1 });
    return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [rotated, sin])]);
  }

  /** The embedding initializer (fp32, or fp16 in q4f16), once written: shared with a tied lm_head. */
  private embeddingTable?: { name: string; half: boolean };
  /** q8: the embedding's dequantised [V, H] value (folded at load), shared with a tied lm_head. */
  private embeddingInt8?: string;

  embedding(inputIds: string): string {
    const g = this.g;
    const d = this.d;
    const table = this.source.embedding();
    if (this.options.format === 'q8') {
      // The whole table dequantised as one constant (folded at load, like the weights), then gathered.
      const dequantized = this.int8Dequantized(
        'embed_tokens',
        quantizeInt8Blocks(table, d.vocabSize, d.hiddenSize),
      );
      this.embeddingInt8 = dequantized;
      this.weightDone('embed_tokens');
      return g.op('Gather', [dequantized, inputIds]);
    }
    if (this.options.format === 'q4f16') {
      const half = g.initializer(
        'embed_tokens',
        DataType.FLOAT16,
        [d.vocabSize, d.hiddenSize],
        float32ToFloat16Bits(table),
      );
      this.embeddingTable = { name: half, half: true };
      this.weightDone('embed_tokens');
      return g.op('Cast', [g.op('Gather', [half, inputIds])], { to: DataType.FLOAT });
    }
    const weight = g.initializer('embed_tokens', DataType.FLOAT, [d.vocabSize, d.hiddenSize], table);
    this.embeddingTable = { name: weight, half: false };
    this.weightDone('embed_tokens');
    return g.op('Gather', [weight, inputIds]);
  }

  build(): Uint8Array {
    const { g, d } = this;
    const qDim = d.numHeads * d.headDim;
    const groups = d.numHeads / d.numKvHeads;

    const inputIds = g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
    const attentionMask = g.input('attention_mask', DataType.INT64, ['batch_size', 'total_sequence_length']);
    const positionIds = g.input('position_ids', DataType.INT64, ['batch_size', 'sequence_length']);
    const cacheDims = ['batch_size', d.numKvHeads, 'past_sequence_length', d.headDim];
    const presentDims = ['batch_size', d.numKvHeads, 'total_sequence_length', d.headDim];
    const past: { key: string; value: string }[] = [];
    for (let i = 0; i < d.numLayers; i++) {
      past.push({
        key: g.input(`past_key_values.${i}.key`, DataType.FLOAT, cacheDims),
        value: g.input(`past_key_values.${i}.value`, DataType.FLOAT, cacheDims),
      });
    }
    // How many final positions get logits (0: all). transformers.js feeds 1 while generating and 0 in a
    // plain forward; a prefill that only wants the cache asks for 1. Without it, a 1,024-token prefill
    // multiplies every position by the whole vocabulary (for a small model, most of the prefill's time)
    // only to throw the result away.
    const logitsToKeep = g.input('num_logits_to_keep', DataType.INT64, []);
    g.output('logits', DataType.FLOAT, ['batch_size', 'logits_length', d.vocabSize]);
    for (let i = 0; i < d.numLayers; i++) {
      g.output(`present.${i}.key`, DataType.FLOAT, presentDims);
      g.output(`present.${i}.value`, DataType.FLOAT, presentDims);
    }

    // Rotary tables gathered by position_ids (so left padding and cache offsets are honoured).
    const tables = ropeTables(d);
    const unsqueezeHeads = g.int64([1]);
    const gatherRope = (name: string, data: Float32Array) =>
      g.op('Unsqueeze', [
        g.op('Gather', [g.initializer(name, DataType.FLOAT, [d.maxPositions, d.headDim], data), positionIds]),
        unsqueezeHeads,
      ]);
    const cos = gatherRope('rope.cos', tables.cos);
    const sin = gatherRope('rope.sin', tables.sin);

    // Mask [B, 1, 1, S, T] (true = masked): key j is hidden from query i when j > pastLength + i
    // (causal, offset by the cache) or attention_mask[b, j] == 0 (left padding).
    const zero = g.int64([0], true);
    const one = g.int64([1], true);
    const seqLen = g.op('Gather', [g.op('Shape', [inputIds]), one]);
    const pastLen = g.op('Gather', [g.op('Shape', [past[0]?.key ?? '']), g.int64([2], true)]);
    const totalLen = g.op('Add', [pastLen, seqLen]);
    const queryPos = g.op('Unsqueeze', [g.op('Range', [pastLen, totalLen, one]), g.int64([1])]);
    const keyPos = g.op('Range', [zero, totalLen, one]);
    const causal = g.op('Greater', [keyPos, queryPos]);
    const padding = g.op('Unsqueeze', [g.op('Equal', [attentionMask, zero]), g.int64([1, 2, 3])]);
    const mask = g.op('Or', [causal, padding]);
    const maskedScore = g.float(MASKED_SCORE);
    const scale = g.float(1 / Math.sqrt(d.headDim));

    let x = this.embedding(inputIds);
    for (let i = 0; i < d.numLayers; i++) {
      const p = `layers.${i}`;
      const h = this.rmsNorm(x, `${p}.input_layernorm`);
      const q = this.rope(this.splitHeads(this.linear(h, `${p}.q_proj`), d.numHeads), cos, sin);
      const k = this.rope(this.splitHeads(this.linear(h, `${p}.k_proj`), d.numKvHeads), cos, sin);
      const v = this.splitHeads(this.linear(h, `${p}.v_proj`), d.numKvHeads);
      const cache = past[i];
      if (!cache) throw new Error(`missing cache input for layer ${i}`);
      const presentK = g.op('Concat', [cache.key, k], { axis: 2 }, { outputs: [`present.${i}.key`] });
      const presentV = g.op('Concat', [cache.value, v], { axis: 2 }, { outputs: [`present.${i}.value`] });

      // Grouped-query attention without copying K/V per head: query head h = kv * groups + g
      // (HF repeat_kv order) becomes [B, kv, groups, S, D] and broadcasts against [B, kv, 1, T, D].
      const q5 = g.op('Reshape', [q, g.int64([0, d.numKvHeads, groups, -1, d.headDim])]);
      const k5 = g.op('Unsqueeze', [presentK, g.int64([2])]);
      const v5 = g.op('Unsqueeze', [presentV, g.int64([2])]);
      const scores = g.op('Mul', [
        g.op('MatMul', [q5, g.op('Transpose', [k5], { perm: [0, 1, 2, 4, 3] })]),
        scale,
      ]);
      const probs = g.op('Softmax', [g.op('Where', [mask, maskedScore, scores])], { axis: -1 });
      const context = g.op('Reshape', [g.op('MatMul', [probs, v5]), g.int64([0, d.numHeads, -1, d.headDim])]);
      const merged = g.op('Reshape', [
        g.op('Transpose', [context], { perm: [0, 2, 1, 3] }),
        g.int64([0, 0, qDim]),
      ]);
      x = g.op('Add', [x, this.linear(merged, `${p}.o_proj`)]);

      const h2 = this.rmsNorm(x, `${p}.post_attention_layernorm`);
      const gate = this.linear(h2, `${p}.gate_proj`);
      const up = this.linear(h2, `${p}.up_proj`);
      const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
      x = g.op('Add', [x, this.linear(act, `${p}.down_proj`)]);
    }
    // The last `num_logits_to_keep` positions (Slice from -n; -0 = 0 keeps them all).
    const normed = g.op('Slice', [
      this.rmsNorm(x, 'norm'),
      g.op('Unsqueeze', [g.op('Neg', [logitsToKeep]), g.int64([0])]),
      g.int64([Number.MAX_SAFE_INTEGER]),
      g.int64([1]),
    ]);
    const table = this.embeddingTable;
    const format = this.options.format;
    const tiedHead =
      format === 'fp32' || format === 'q8'
        ? 'table'
        : (this.options.tiedHead ?? (format === 'q4' ? DEFAULT_TIED_HEAD : 'table'));
    if (this.options.tiedEmbeddings && format === 'q8' && this.embeddingInt8) {
      // The head is the int8 embedding itself, transposed to [H, V]: a Transpose of an initializer,
      // which onnxruntime folds into a constant at load like the dequantisation (no second copy to download).
      const transposed = g.op('Transpose', [this.embeddingInt8], { perm: [1, 0] });
      g.op('MatMul', [normed, transposed], {}, { outputs: ['logits'] });
      this.weightDone('lm_head');
    } else if (this.options.tiedEmbeddings && tiedHead === 'q8') {
      const src = this.source.linear('lm_head');
      const w = quantizeSymmetricQ8(src.rows(), src.n, src.k);
      const inputs = [
        normed,
        g.initializer('lm_head.q8', DataType.UINT8, [w.n, w.blocksPerRow, MATMUL_8BITS_BLOCK_SIZE], w.b),
        g.initializer('lm_head.scales', DataType.FLOAT, [w.n * w.blocksPerRow], w.scales),
      ];
      const level = this.options.accuracyLevel ?? DEFAULT_ACCURACY_LEVEL.q4;
      const attrs: Record<string, number> = { K: w.k, N: w.n, bits: 8, block_size: MATMUL_8BITS_BLOCK_SIZE };
      if (level > 0) attrs.accuracy_level = level;
      g.op('MatMulNBits', inputs, attrs, { domain: 'com.microsoft', outputs: ['logits'] });
      this.weightDone('lm_head');
    } else if (this.options.tiedEmbeddings && table && tiedHead === 'table') {
      // [B, S, H] → [B*S, H] @ E^T → [B, S, V], in the embedding's own precision (fp16 in q4f16).
      const input = table.half ? g.op('Cast', [normed], { to: DataType.FLOAT16 }) : normed;
      const flat = g.op('Reshape', [input, g.int64([-1, d.hiddenSize])]);
      const product = g.op('Gemm', [flat, table.name], { transB: 1 });
      const batchAndSeq = g.op('Slice', [g.op('Shape', [normed]), g.int64([0]), g.int64([2])]);
      const shape = g.op('Concat', [batchAndSeq, g.int64([d.vocabSize])], { axis: 0 });
      if (table.half) {
        g.op('Cast', [g.op('Reshape', [product, shape])], { to: DataType.FLOAT }, { outputs: ['logits'] });
      } else {
        g.op('Reshape', [product, shape], {}, { outputs: ['logits'] });
      }
      this.weightDone('lm_head');
    } else {
      this.linear(normed, 'lm_head', 'logits');
    }
    return g.encode(this.options.graphName ?? 'llama');
  }
}

/**
 * Serialised ONNX graph bytes. With `options.external`, weights were streamed to its files and the
 * returned graph only references them.
 */
export function buildLlamaOnnx(
  d: LlamaDims,
  source: LlamaWeightSource,
  options: LlamaGraphOptions,
): Uint8Array {
  if (d.numHeads % d.numKvHeads !== 0) throw new Error('numHeads must be a multiple of numKvHeads');
  if (d.headDim % 2 !== 0) throw new Error('headDim must be even for rotary embeddings');
  return new LlamaGraph(d, source, options).build();
}
