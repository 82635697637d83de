/**
 * The one validation pass over a GGUF tensor table, run before any tensor is read or anything is
 * allocated from a header number: llama.cpp's own checks (gguf.cpp) plus the ones a converter needs.
 *
 * - `general.alignment` is a power of two no larger than {@link MAX_ALIGNMENT};
 * - the data section starts at the end of the tensor table rounded up to the alignment, computed in
 *   plain Number arithmetic (exact below 2^53; a 32-bit `& ~(a - 1)` wraps for large offsets);
 * - every tensor has a unique name, 1 to 4 positive dimensions, a known type, a whole number of
 *   blocks, an aligned offset, and a byte range inside the file that overlaps no other tensor's.
 *
 * Each refusal names the file, the tensor or key, the value and the rule broken.
 */
import { ggmlTypeName, tensorByteLength } from './ggml-types';

/** Largest `general.alignment` accepted (llama.cpp uses 32; anything past a page is a crafted file). */
export const MAX_ALIGNMENT = 1 << 16;

/** A tensor info as the GGUF parser returns it (64-bit values as bigints). */
export interface RawTensorInfo {
  name: string;
  shape: readonly (bigint | number)[];
  dtype: number;
  /** Relative to the start of the data section. */
  offset: bigint | number;
}

/** One validated tensor: absolute byte range, shape in ggml order. */
export interface LaidOutTensor {
  name: string;
  shape: number[];
  type: number;
  offset: number;
  byteLength: number;
  elements: number;
}

/** A GGUF file that breaks a structural rule. */
export class GgufLayoutError extends Error {
  override name = 'GgufFormatError';
}

/** The alignment the file declares (default 32), refused unless a power of two within bounds. */
export function ggufAlignment(path: string, value: unknown): number {
  if (value === undefined) return 32;
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_ALIGNMENT || (n & (n - 1)) !== 0) {
    throw new GgufLayoutError(
      `${path}: general.alignment is ${String(value)}; it must be a power of two from 1 to ${MAX_ALIGNMENT}`,
    );
  }
  return n;
}

/**
 * Checks the whole table against the file size and returns the tensors with absolute offsets.
 * `tableEnd` is the byte just past the last tensor info (before padding).
 */
export function layOutGgufTensors(
  path: string,
  fileBytes: number,
  alignment: number,
  tableEnd: number,
  infos: readonly RawTensorInfo[],
): { dataStart: number; tensors: LaidOutTensor[] } {
  const dataStart = Math.ceil(tableEnd / alignment) * alignment;
  if (!Number.isSafeInteger(dataStart) || dataStart > fileBytes) {
    throw new GgufLayoutError(
      `${path} is truncated: its tensor data would start at byte ${dataStart} but the file has ${fileBytes}`,
    );
  }
  const dataBytes = fileBytes - dataStart;
  const seen = new Set<string>();
  const tensors = infos.map((info): LaidOutTensor => {
    const where = `${path}: tensor ${JSON.stringify(info.name)}`;
    if (seen.has(info.name))
      throw new GgufLayoutError(`${where} is listed twice; tensor names must be unique`);
    seen.add(info.name);
    if (info.shape.length < 1 || info.shape.length > 4) {
      throw new GgufLayoutError(`${where} has ${info.shape.length} dimensions; 1 to 4 are allowed`);
    }
    const shape = info.shape.map(Number);
    let elements = 1;
    for (const dim of shape) {
      if (!Number.isSafeInteger(dim) || dim < 1) {
        throw new GgufLayoutError(
          `${where} has dimension ${dim}; every dimension must be a positive integer`,
        );
      }
      elements *= dim;
      // A tensor cannot hold more numbers than the file has bits; stop before the product loses precision.
      if (elements > dataBytes * 8) {
        throw new GgufLayoutError(
          `${where} has shape [${shape.join(', ')}], more values than the ${fileBytes}-byte file can hold`,
        );
      }
    }
    let byteLength: number;
    try {
      byteLength = tensorByteLength(info.dtype, elements);
    } catch (error) {
      throw new GgufLayoutError(`${where}: ${(error as Error).message}`);
    }
    const relative = BigInt(info.offset);
    if (relative % BigInt(alignment) !== 0n) {
      throw new GgufLayoutError(
        `${where} starts at data offset ${relative}, not a multiple of the alignment ${alignment}`,
      );
    }
    if (relative + BigInt(byteLength) > BigInt(dataBytes)) {
      throw new GgufLayoutError(
        `${path} is truncated or crafted: tensor ${JSON.stringify(info.name)} (${ggmlTypeName(info.dtype)}, ${byteLength} bytes at data offset ${relative}) ends past the end of the file: it needs ${BigInt(dataStart) + relative + BigInt(byteLength)} bytes but the file has ${fileBytes}; download it again`,
      );
    }
    return {
      name: info.name,
      shape,
      type: info.dtype,
      offset: dataStart + Number(relative),
      byteLength,
      elements,
    };
  });
  const byOffset = [...tensors].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const before = byOffset[i - 1]!;
    const t = byOffset[i]!;
    if (t.offset < before.offset + before.byteLength) {
      throw new GgufLayoutError(
        `${path}: tensor ${JSON.stringify(t.name)} (bytes ${t.offset}–${t.offset + t.byteLength}) overlaps tensor ${JSON.stringify(before.name)} (bytes ${before.offset}–${before.offset + before.byteLength}); tensors must not share bytes`,
      );
    }
  }
  return { dataStart, tensors };
}
