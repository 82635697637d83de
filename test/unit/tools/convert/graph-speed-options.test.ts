/**
 * The converter's speed choices in the LLaMA graph (tools/convert/graph/llama-graph.ts):
 * - MatMulNBits `accuracy_level` per 4-bit format (default 4 for q4, unset for q4f16, overridable);
 * - a tied head in the 4-bit formats: an 8-bit MatMulNBits copy of the embedding (`tiedHead: 'q8'`,
 *   q4's default), a 4-bit one (`'q4'`), or the table itself (`'table'`, q4f16's default); the
 *   embedding Gather always keeps its own table;
 * - the graphs run in onnxruntime-node and the quantized heads' logits follow the table head's.
 * Speed itself is measured by tools/bench/converter-probe.ts, never asserted here.
 */
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import {
  buildLlamaOnnx,
  DEFAULT_ACCURACY_LEVEL,
  type LlamaGraphOptions,
} from '../../../../tools/convert/graph/llama-graph';
import type { LlamaWeightSource } from '../../../../tools/convert/graph/llama-graph';
import { TINY_DIMS } from '../../../../tools/fixtures/model-spec';
import { randomWeights, weightSource } from '../../../../tools/fixtures/weights';

const { onnx } = onnxProto;
const d = TINY_DIMS;

/** Random tiny weights whose lm_head is the embedding, as a tied GGUF source offers it. */
function tiedSource(): LlamaWeightSource {
  const w = randomWeights(d, 11);
  const inner = weightSource(d, w);
  return {
    ...inner,
    linear: (name) =>
      name === 'lm_head' ? { n: d.vocabSize, k: d.hiddenSize, rows: () => w.embed } : inner.linear(name),
  };
}

function build(options: LlamaGraphOptions): Uint8Array {
  return buildLlamaOnnx(d, tiedSource(), options);
}

function nodes(bytes: Uint8Array) {
  return onnx.ModelProto.decode(bytes).graph!.node!;
}

function accuracyLevels(bytes: Uint8Array): (number | undefined)[] {
  return nodes(bytes)
    .filter((node) => node.opType === 'MatMulNBits')
    .map((node) => {
      const attr = node.attribute?.find((a) => a.name === 'accuracy_level');
      return attr ? Number(attr.i) : undefined;
    });
}

describe('MatMulNBits accuracy_level', () => {
  it('stays unset by default (measured not worth it here) and is set on every q4 MatMulNBits when asked', () => {
    expect(DEFAULT_ACCURACY_LEVEL).toEqual({ q4: 0, q4f16: 0 });
    expect(new Set(accuracyLevels(build({ format: 'q4', tiedEmbeddings: true })))).toEqual(
      new Set([undefined]),
    );
    const q4 = accuracyLevels(
      build({ format: 'q4', tiedEmbeddings: true, tiedHead: 'q8', accuracyLevel: 4 }),
    );
    // 7 per layer plus the (8-bit) head.
    expect(q4).toHaveLength(7 * d.numLayers + 1);
    expect(new Set(q4)).toEqual(new Set([4]));
    const q4f16 = accuracyLevels(build({ format: 'q4f16', tiedEmbeddings: true }));
    expect(new Set(q4f16)).toEqual(new Set([undefined]));
  });

  it('takes an explicit level, 0 meaning unset', () => {
    expect(new Set(accuracyLevels(build({ format: 'q4', accuracyLevel: 0 })))).toEqual(new Set([undefined]));
    expect(new Set(accuracyLevels(build({ format: 'q4f16', accuracyLevel: 4 })))).toEqual(new Set([4]));
  });
});

describe('a tied head in the 4-bit formats', () => {
  const headNodes = (bytes: Uint8Array, weight: string) =>
    nodes(bytes).filter((node) => node.opType === 'MatMulNBits' && node.input?.[1] === weight);

  it('q4 keeps the table head by default', () => {
    const graph = nodes(build({ format: 'q4', tiedEmbeddings: true }));
    expect(graph.some((node) => node.opType === 'Gemm')).toBe(true);
  });

  it("q4 with tiedHead 'q8': an 8-bit MatMulNBits head, the Gather keeps the table", () => {
    const bytes = build({ format: 'q4', tiedEmbeddings: true, tiedHead: 'q8' });
    const graph = nodes(bytes);
    expect(graph.some((node) => node.opType === 'Gemm')).toBe(false);
    expect(graph.some((node) => node.opType === 'Gather' && node.input?.[0] === 'embed_tokens')).toBe(true);
    const heads = headNodes(bytes, 'lm_head.q8');
    expect(heads).toHaveLength(1);
    expect(Number(heads[0]!.attribute!.find((a) => a.name === 'bits')!.i)).toBe(8);
    expect(heads[0]!.output).toEqual(['logits']);
  });

  it("q4 with tiedHead 'q4': a 4-bit MatMulNBits head", () => {
    const bytes = build({ format: 'q4', tiedEmbeddings: true, tiedHead: 'q4' });
    expect(headNodes(bytes, 'lm_head.q4')).toHaveLength(1);
    expect(nodes(bytes).some((node) => node.opType === 'Gemm')).toBe(false);
  });

  it("'table' multiplies by the embedding table (Gemm): q4f16's default, and fp32 always", () => {
    for (const options of [
      { format: 'q4', tiedEmbeddings: true, tiedHead: 'table' },
      { format: 'q4f16', tiedEmbeddings: true },
      { format: 'fp32', tiedEmbeddings: true, tiedHead: 'q8' },
    ] as const) {
      const graph = nodes(build(options));
      const gemm = graph.filter((node) => node.opType === 'Gemm');
      expect(gemm).toHaveLength(1);
      expect(gemm[0]!.input?.[1]).toBe('embed_tokens');
      expect(graph.some((node) => node.input?.[1]?.startsWith('lm_head.'))).toBe(false);
    }
  });

  it('the heads run in onnxruntime-node and the quantized ones follow the table head', async () => {
    const run = async (options: LlamaGraphOptions) => {
      const session = await ort.InferenceSession.create(build(options));
      const seq = 5;
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new ort.Tensor('int64', BigInt64Array.from([1n, 300n, 301n, 302n, 303n]), [1, seq]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(seq).fill(1n), [1, seq]),
        position_ids: new ort.Tensor('int64', BigInt64Array.from([0n, 1n, 2n, 3n, 4n]), [1, seq]),
        num_logits_to_keep: new ort.Tensor('int64', BigInt64Array.from([1n]), []),
      };
      for (let i = 0; i < d.numLayers; i++) {
        for (const kind of ['key', 'value']) {
          feeds[`past_key_values.${i}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [
            1,
            d.numKvHeads,
            0,
            d.headDim,
          ]);
        }
      }
      try {
        const { logits } = await session.run(feeds);
        return logits!.data as Float32Array;
      } finally {
        await session.release();
      }
    };
    const table = await run({ format: 'q4', tiedEmbeddings: true, tiedHead: 'table', accuracyLevel: 0 });
    expect(table).toHaveLength(d.vocabSize);
    /** Pearson correlation of two logit rows. */
    const correlation = (x: Float32Array, y: Float32Array) => {
      const mean = (xs: Float32Array) => xs.reduce((s, v) => s + v, 0) / xs.length;
      const [mx, my] = [mean(x), mean(y)];
      let xy = 0;
      let xx = 0;
      let yy = 0;
      for (let i = 0; i < x.length; i++) {
        const a = x[i]! - mx;
        const b = y[i]! - my;
        xy += a * b;
        xx += a * a;
        yy += b * b;
      }
      return xy / Math.sqrt(xx * yy);
    };
    const results: Record<string, number> = {};
    for (const tiedHead of ['q4', 'q8'] as const) {
      const quantized = await run({ format: 'q4', tiedEmbeddings: true, tiedHead, accuracyLevel: 0 });
      expect(quantized).toHaveLength(d.vocabSize);
      expect(quantized).not.toEqual(table);
      results[tiedHead] = correlation(table, quantized);
    }
    console.log(`[graph-speed] tied head vs table, logit correlation: ${JSON.stringify(results)}`);
    expect(results.q4).toBeGreaterThan(0.98);
    // 8 bits: 16× finer steps than 4, so the head must follow the table much more closely.
    expect(results.q8).toBeGreaterThan(0.9999);
    expect(1 - results.q8!).toBeLessThan((1 - results.q4!) / 20);
  });
});
