/**
 * Reads a GGUF file: its metadata and tensor table through `@huggingface/gguf` (a maintained parser),
 * and the bytes of one tensor at a time straight from disk, so a converter never holds the whole model.
 *
 * Shapes are reported the way ggml stores them: `shape[0]` is the contiguous dimension. A 2-D weight
 * of shape [in, out] in ggml order is `out` rows of `in` numbers: the Hugging Face [out, in] layout.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { gguf } from '@huggingface/gguf';
import { ggmlTypeName } from './ggml-types';
import { ggufAlignment, layOutGgufTensors } from './layout';

/** Metadata values with 64-bit integers turned into numbers (every count we read fits). */
export type GgufValue = string | number | boolean | GgufValue[];

export interface GgufTensor {
  name: string;
  /** ggml order: shape[0] is contiguous. */
  shape: number[];
  /** A `GgmlType` id. */
  type: number;
  /** Absolute byte offset of the tensor's data in the file. */
  offset: number;
  byteLength: number;
  elements: number;
}

export interface GgufFile {
  path: string;
  metadata: Record<string, GgufValue>;
  tensors: GgufTensor[];
  fileBytes: number;
  /** The raw bytes of one tensor, read from disk on demand. */
  readTensor(tensor: GgufTensor): Promise<Uint8Array>;
  /** The same, synchronously (the graph builder asks for weights one at a time, synchronously). */
  readTensorSync(tensor: GgufTensor): Uint8Array;
  close(): Promise<void>;
}

/** A GGUF file that cannot be read, with a message that says why in words. */
export class GgufFormatError extends Error {
  override name = 'GgufFormatError';
}

function plain(value: unknown): GgufValue {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  return value as GgufValue;
}

async function readMagic(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buffer, 0, 4, 0);
    return buffer.subarray(0, bytesRead).toString('latin1');
  } finally {
    await handle.close();
  }
}

export async function openGguf(path: string): Promise<GgufFile> {
  const { size: fileBytes } = await stat(path);
  const magic = await readMagic(path);
  if (magic !== 'GGUF') {
    throw new GgufFormatError(
      `${path} is not a GGUF file (it starts with ${JSON.stringify(magic)}, not "GGUF")`,
    );
  }
  let parsed: Awaited<ReturnType<typeof gguf>>;
  try {
    parsed = await gguf(path, { allowLocalFile: true });
  } catch (error) {
    throw new GgufFormatError(
      `${path}: the GGUF header cannot be read (${(error as Error).message}); is the file complete?`,
    );
  }
  const metadata: Record<string, GgufValue> = {};
  for (const [key, value] of Object.entries(parsed.metadata)) metadata[key] = plain(value);
  // One validation pass over the table before anything is read: alignment, ranges, overlaps, names.
  const alignment = ggufAlignment(path, (parsed.metadata as Record<string, unknown>)['general.alignment']);
  const { tensors } = layOutGgufTensors(
    path,
    fileBytes,
    alignment,
    parsed.tensorInfoByteRange[1],
    parsed.tensorInfos,
  );

  let handle: FileHandle | undefined;
  let fd: number | undefined;
  const truncated = (tensor: GgufTensor) =>
    new GgufFormatError(
      `${path}: tensor ${tensor.name} (${ggmlTypeName(tensor.type)}) ends past the end of the file; download it again`,
    );
  return {
    path,
    metadata,
    tensors,
    fileBytes,
    async readTensor(tensor) {
      handle ??= await open(path, 'r');
      const buffer = new Uint8Array(tensor.byteLength);
      const { bytesRead } = await handle.read(buffer, 0, tensor.byteLength, tensor.offset);
      if (bytesRead !== tensor.byteLength) throw truncated(tensor);
      return buffer;
    },
    readTensorSync(tensor) {
      fd ??= openSync(path, 'r');
      const buffer = new Uint8Array(tensor.byteLength);
      let done = 0;
      while (done < tensor.byteLength) {
        const n = readSync(fd, buffer, done, tensor.byteLength - done, tensor.offset + done);
        if (n === 0) throw truncated(tensor);
        done += n;
      }
      return buffer;
    },
    async close() {
      await handle?.close();
      handle = undefined;
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** A metadata value that must be there, with the type asked for. */
export function requireNumber(file: GgufFile, key: string): number {
  const value = file.metadata[key];
  if (typeof value !== 'number')
    throw new GgufFormatError(`${file.path}: metadata key ${key} is missing or not a number`);
  return value;
}

export function optionalNumber(file: GgufFile, key: string): number | undefined {
  const value = file.metadata[key];
  return typeof value === 'number' ? value : undefined;
}

export function optionalString(file: GgufFile, key: string): string | undefined {
  const value = file.metadata[key];
  return typeof value === 'string' ? value : undefined;
}
