/**
 * Writes large initializers into external-data files next to the .onnx file, in chunks that each
 * stay under 2 GB: the browser reads every model file into one ArrayBuffer, and transformers.js
 * fetches the chunks by name.
 *
 * Names and the config.json declaration follow transformers.js 4.3.1
 * (src/utils/model-loader.js): `{model}.onnx_data`, then `{model}.onnx_data_1`, ...; config.json
 * `transformers.js_config.use_external_data_format[{model}.onnx] = chunkCount`. `location` in the
 * graph is the bare file name, which is how onnxruntime-web matches the buffers it is handed.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ExternalDataSink, ExternalPlacement } from './onnx-builder';

/** No file may reach 2 GB (one ArrayBuffer per file in the browser). */
export const MAX_FILE_BYTES = 2_000_000_000;
/** Default chunk size: under the cap with room to spare. */
export const DEFAULT_CHUNK_BYTES = 1_800_000_000;
/** transformers.js refuses more chunks than this (MAX_EXTERNAL_DATA_CHUNKS). */
export const MAX_CHUNKS = 100;
/** Tensors of 1 MiB or more start at a 64 KiB boundary (lets runtimes map them); others at 16 bytes. */
const LARGE_TENSOR_BYTES = 1 << 20;
const LARGE_ALIGNMENT = 1 << 16;
const SMALL_ALIGNMENT = 16;

/** The external-data file names transformers.js asks for, for `modelFile` (e.g. model_q4.onnx). */
export function chunkFileNames(modelFile: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i === 0 ? `${modelFile}_data` : `${modelFile}_data_${i}`));
}

export interface ChunkedExternalDataOptions {
  /** Folder the .onnx file will be written to. */
  dir: string;
  /** Bare file name of the .onnx file, e.g. model_q4.onnx. */
  modelFile: string;
  chunkBytes?: number;
  /** Initializers smaller than this stay inside the graph. */
  minBytes?: number;
}

export class ChunkedExternalData implements ExternalDataSink {
  readonly minBytes: number;
  private readonly chunkBytes: number;
  private readonly files: { name: string; fd: number; bytes: number }[] = [];
  /** Every file written, with its final size. */
  readonly written: { name: string; bytes: number }[] = [];

  constructor(private readonly options: ChunkedExternalDataOptions) {
    this.chunkBytes = Math.min(options.chunkBytes ?? DEFAULT_CHUNK_BYTES, MAX_FILE_BYTES);
    this.minBytes = options.minBytes ?? 1024;
  }

  /** Chunk files created so far (still counted after `close`). */
  get chunkCount(): number {
    return this.files.length + this.written.length;
  }

  private newChunk(): { name: string; fd: number; bytes: number } {
    if (this.chunkCount >= MAX_CHUNKS) {
      throw new Error(`more than ${MAX_CHUNKS} external-data chunks: transformers.js cannot load that many`);
    }
    const name = chunkFileNames(this.options.modelFile, this.chunkCount + 1).at(-1) ?? '';
    const chunk = { name, fd: openSync(join(this.options.dir, name), 'w'), bytes: 0 };
    this.files.push(chunk);
    return chunk;
  }

  place(name: string, bytes: Uint8Array): ExternalPlacement {
    if (bytes.byteLength > this.chunkBytes) {
      throw new Error(
        `tensor ${name} is ${bytes.byteLength} bytes, over the ${this.chunkBytes}-byte chunk limit (browsers cannot read a file that large)`,
      );
    }
    const alignment = bytes.byteLength >= LARGE_TENSOR_BYTES ? LARGE_ALIGNMENT : SMALL_ALIGNMENT;
    let chunk = this.files.at(-1) ?? this.newChunk();
    let offset = Math.ceil(chunk.bytes / alignment) * alignment;
    if (offset + bytes.byteLength > this.chunkBytes) {
      chunk = this.newChunk();
      offset = 0;
    }
    if (offset > chunk.bytes) writeSync(chunk.fd, new Uint8Array(offset - chunk.bytes));
    let done = 0;
    while (done < bytes.byteLength) done += writeSync(chunk.fd, bytes, done, bytes.byteLength - done);
    chunk.bytes = offset + bytes.byteLength;
    return { location: chunk.name, offset, length: bytes.byteLength };
  }

  /** Flushes and closes every chunk; a full disk surfaces here or in `place` as ENOSPC. */
  close(): void {
    for (const chunk of this.files) {
      fsyncSync(chunk.fd);
      closeSync(chunk.fd);
      this.written.push({ name: chunk.name, bytes: chunk.bytes });
    }
    this.files.length = 0;
  }

  /** Closes without flushing (after an error; the folder is thrown away). */
  abandon(): void {
    for (const chunk of this.files) closeSync(chunk.fd);
    this.files.length = 0;
  }
}
