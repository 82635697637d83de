/**
 * Writes a GGUF v3 file: typed metadata, a tensor table with aligned offsets, and the tensor bytes,
 * which come from a callback one tensor at a time so a multi-GB model never sits in memory whole.
 *
 * Layout (little-endian): "GGUF", version u32, tensor count u64, kv count u64, the key/value pairs,
 * the tensor infos (name, n_dims u32, dims u64 each in ggml order, type u32, offset u64 relative to
 * the data section), zero padding to the alignment, then each tensor padded to the alignment.
 */
import { open } from 'node:fs/promises';
import { GGUFValueType, serializeGgufMetadata, type GGUFTypedMetadata } from '@huggingface/gguf';
import { tensorByteLength } from './ggml-types';

export const GGUF_DEFAULT_ALIGNMENT = 32;

/** Scalar metadata types by their GGUF names. */
export type GgufScalarType =
  | 'uint8'
  | 'int8'
  | 'uint16'
  | 'int16'
  | 'uint32'
  | 'int32'
  | 'float32'
  | 'bool'
  | 'string'
  | 'uint64'
  | 'int64'
  | 'float64';

type Scalar = number | bigint | boolean | string;

/** One typed metadata value: a scalar, or an array of one scalar type. */
export type GgufWriteValue =
  | { type: GgufScalarType; value: Scalar }
  | { type: 'array'; itemType: GgufScalarType; value: readonly Scalar[] };

/** Short constructors for typed metadata values. */
export const gv = {
  u8: (value: number): GgufWriteValue => ({ type: 'uint8', value }),
  i8: (value: number): GgufWriteValue => ({ type: 'int8', value }),
  u16: (value: number): GgufWriteValue => ({ type: 'uint16', value }),
  i16: (value: number): GgufWriteValue => ({ type: 'int16', value }),
  u32: (value: number): GgufWriteValue => ({ type: 'uint32', value }),
  i32: (value: number): GgufWriteValue => ({ type: 'int32', value }),
  f32: (value: number): GgufWriteValue => ({ type: 'float32', value }),
  u64: (value: number | bigint): GgufWriteValue => ({ type: 'uint64', value }),
  i64: (value: number | bigint): GgufWriteValue => ({ type: 'int64', value }),
  f64: (value: number): GgufWriteValue => ({ type: 'float64', value }),
  bool: (value: boolean): GgufWriteValue => ({ type: 'bool', value }),
  str: (value: string): GgufWriteValue => ({ type: 'string', value }),
  arr: (itemType: GgufScalarType, value: readonly Scalar[]): GgufWriteValue => ({
    type: 'array',
    itemType,
    value,
  }),
};

const TYPE_IDS: Record<GgufScalarType, GGUFValueType> = {
  uint8: GGUFValueType.UINT8,
  int8: GGUFValueType.INT8,
  uint16: GGUFValueType.UINT16,
  int16: GGUFValueType.INT16,
  uint32: GGUFValueType.UINT32,
  int32: GGUFValueType.INT32,
  float32: GGUFValueType.FLOAT32,
  bool: GGUFValueType.BOOL,
  string: GGUFValueType.STRING,
  uint64: GGUFValueType.UINT64,
  int64: GGUFValueType.INT64,
  float64: GGUFValueType.FLOAT64,
};

/** A tensor to write: shape in ggml order (shape[0] contiguous), type a `GgmlType` id. */
export interface GgufTensorSpec {
  name: string;
  shape: readonly number[];
  type: number;
}

export interface GgufWriteOptions {
  metadata: Record<string, GgufWriteValue>;
  tensors?: readonly GgufTensorSpec[];
  /** The bytes of tensor `index`; called once per tensor, in order. */
  tensorData?: (tensor: GgufTensorSpec, index: number) => Uint8Array | Promise<Uint8Array>;
}

export interface GgufWriteResult {
  bytes: number;
  /** Absolute offset of the tensor data section. */
  dataOffset: number;
}

function checkScalar(key: string, type: GgufScalarType, value: Scalar): Scalar {
  const bad = () => new Error(`GGUF metadata ${key}: ${JSON.stringify(String(value))} is not a ${type}`);
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw bad();
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw bad();
      return value;
    case 'uint64':
    case 'int64':
      if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isInteger(value))) throw bad();
      return BigInt(value);
    case 'float32':
    case 'float64':
      if (typeof value !== 'number') throw bad();
      return value;
    default: {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw bad();
      const bits = Number(type.replace(/\D/g, ''));
      const [lo, hi] = type.startsWith('u') ? [0, 2 ** bits - 1] : [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
      if (value < lo || value > hi) throw bad();
      return value;
    }
  }
}

const encoder = new TextEncoder();

function u64(view: DataView, offset: number, value: number): void {
  view.setBigUint64(offset, BigInt(value), true);
}

function padTo(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

function tensorInfoBytes(tensors: readonly GgufTensorSpec[], offsets: number[]): Uint8Array {
  const names = tensors.map((t) => encoder.encode(t.name));
  const size = names.reduce(
    (sum, name, i) => sum + 8 + name.length + 4 + 8 * tensors[i]!.shape.length + 4 + 8,
    0,
  );
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  tensors.forEach((t, i) => {
    const name = names[i]!;
    u64(view, at, name.length);
    out.set(name, at + 8);
    at += 8 + name.length;
    view.setUint32(at, t.shape.length, true);
    at += 4;
    for (const dim of t.shape) {
      u64(view, at, dim);
      at += 8;
    }
    view.setUint32(at, t.type, true);
    u64(view, at + 4, offsets[i]!);
    at += 12;
  });
  return out;
}

/** The header bytes (up to the aligned start of the tensor data) and each tensor's data size. */
export function ggufHeader(
  metadata: Record<string, GgufWriteValue>,
  tensors: readonly GgufTensorSpec[] = [],
): { header: Uint8Array; sizes: number[]; alignment: number } {
  const alignmentValue = metadata['general.alignment'];
  const alignment = alignmentValue ? Number(alignmentValue.value) : GGUF_DEFAULT_ALIGNMENT;
  if (!Number.isInteger(alignment) || alignment <= 0 || alignment % 8 !== 0) {
    throw new Error(
      `GGUF general.alignment must be a positive multiple of 8, not ${String(alignmentValue?.value)}`,
    );
  }
  const typed: Record<string, { value: unknown; type: GGUFValueType; subType?: GGUFValueType }> = {
    version: { value: 3, type: GGUFValueType.UINT32 },
    tensor_count: { value: BigInt(tensors.length), type: GGUFValueType.UINT64 },
    kv_count: { value: BigInt(Object.keys(metadata).length), type: GGUFValueType.UINT64 },
  };
  for (const [key, entry] of Object.entries(metadata)) {
    if (key in typed) throw new Error(`GGUF metadata key ${key} is reserved`);
    typed[key] =
      entry.type === 'array'
        ? {
            value: entry.value.map((v) => checkScalar(key, entry.itemType, v)),
            type: GGUFValueType.ARRAY,
            subType: TYPE_IDS[entry.itemType],
          }
        : { value: checkScalar(key, entry.type, entry.value), type: TYPE_IDS[entry.type] };
  }
  // serializeGgufMetadata pads its output to the alignment, which is only right when no tensor infos
  // follow; alignment 1 gives the bare key/value bytes and the tensor table is appended here.
  const kv = serializeGgufMetadata(typed as GGUFTypedMetadata, { alignment: 1 });
  const names = new Set<string>();
  const sizes = tensors.map((t) => {
    if (names.has(t.name)) throw new Error(`GGUF tensor ${t.name} is listed twice`);
    names.add(t.name);
    if (t.shape.length < 1 || t.shape.length > 4 || t.shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new Error(`GGUF tensor ${t.name}: shape [${t.shape.join(', ')}] must have 1 to 4 positive dims`);
    }
    return tensorByteLength(
      t.type,
      t.shape.reduce((a, b) => a * b, 1),
    );
  });
  const offsets: number[] = [];
  let offset = 0;
  for (const size of sizes) {
    offsets.push(offset);
    offset = padTo(offset + size, alignment);
  }
  const infos = tensorInfoBytes(tensors, offsets);
  const header = new Uint8Array(padTo(kv.length + infos.length, alignment));
  header.set(kv, 0);
  header.set(infos, kv.length);
  return { header, sizes, alignment };
}

/** Writes `path` (replacing it) and returns its size. */
export async function writeGguf(path: string, options: GgufWriteOptions): Promise<GgufWriteResult> {
  const tensors = options.tensors ?? [];
  if (tensors.length > 0 && !options.tensorData)
    throw new Error('writeGguf: tensors need a tensorData callback');
  const { header, sizes, alignment } = ggufHeader(options.metadata, tensors);
  const handle = await open(path, 'w');
  try {
    await handle.write(header, 0, header.length, 0);
    let at = header.length;
    for (const [i, tensor] of tensors.entries()) {
      const data = await options.tensorData!(tensor, i);
      if (data.length !== sizes[i]) {
        throw new Error(
          `GGUF tensor ${tensor.name}: got ${data.length} bytes, its shape and type need ${sizes[i]}`,
        );
      }
      await handle.write(data, 0, data.length, at);
      at += data.length;
      const padded = padTo(at, alignment); // llama.cpp pads after every tensor, the last one too
      if (padded > at) await handle.write(new Uint8Array(padded - at), 0, padded - at, at);
      at = padded;
    }
    return { bytes: at, dataOffset: header.length };
  } finally {
    await handle.close();
  }
}
