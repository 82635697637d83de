/**
 * External-data chunks: sizes stay under the limit, offsets are aligned, and the file names plus the
 * config.json declaration are exactly what transformers.js 4.3.1 asks for (its own
 * `ModelRegistry.get_model_files`), so the browser fetches every chunk and nothing else.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelRegistry } from '@huggingface/transformers';
import { afterAll, describe, expect, it } from 'vitest';
import { ChunkedExternalData, chunkFileNames } from '../../../../tools/convert/graph/external-data';
import { buildConfigJson } from '../../../../tools/convert/model-files';
import { TINY_DIMS } from '../../../../tools/fixtures/model-spec';

const dir = mkdtempSync(join(tmpdir(), 'external-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ChunkedExternalData', () => {
  it('names chunks as transformers.js does', () => {
    expect(chunkFileNames('model_q4.onnx', 3)).toEqual([
      'model_q4.onnx_data',
      'model_q4.onnx_data_1',
      'model_q4.onnx_data_2',
    ]);
  });

  it('keeps every chunk under its limit, aligns offsets, and writes the bytes where it says', () => {
    const sink = new ChunkedExternalData({ dir, modelFile: 'model_q4.onnx', chunkBytes: 100, minBytes: 1 });
    const tensors = Array.from({ length: 7 }, (_, i) => new Uint8Array(40).fill(i + 1));
    const placed = tensors.map((t, i) => sink.place(`t${i}`, t));
    sink.close();
    expect(sink.chunkCount).toBe(4);
    for (const [i, p] of placed.entries()) {
      expect(p.offset % 16).toBe(0);
      expect(p.offset + p.length).toBeLessThanOrEqual(100);
      const bytes = readFileSync(join(dir, p.location)).subarray(p.offset, p.offset + p.length);
      expect([...bytes]).toEqual([...(tensors[i] ?? [])]);
    }
    for (const name of chunkFileNames('model_q4.onnx', 4))
      expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(100);
  });

  it('refuses a tensor larger than a chunk with the reason', () => {
    const sink = new ChunkedExternalData({ dir, modelFile: 'model.onnx', chunkBytes: 10, minBytes: 1 });
    expect(() => sink.place('big', new Uint8Array(11))).toThrow(
      /tensor big is 11 bytes, over the 10-byte chunk limit/,
    );
    sink.abandon();
  });

  it.each([
    ['model_q4.onnx', 'q4'],
    ['model_q4f16.onnx', 'q4f16'],
    ['model.onnx', 'fp32'],
  ] as const)(
    '%s: the chunks and the config.json declaration are what transformers.js loads',
    async (modelFile, dtype) => {
      const config = buildConfigJson({
        dims: TINY_DIMS,
        tiedEmbeddings: false,
        eosTokenIds: [2],
        externalDataChunks: { [modelFile]: 3 },
      });
      const files = await ModelRegistry.get_model_files('any/model', {
        config: config as never,
        dtype,
        device: 'webgpu',
      });
      expect(files.filter((f) => f.startsWith('onnx/'))).toEqual([
        `onnx/${modelFile}`,
        ...chunkFileNames(modelFile, 3).map((f) => `onnx/${f}`),
      ]);
    },
  );
});
