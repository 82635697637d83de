/**
 * The ggml tensor types a GGUF file can hold, with their block layout (elements per block, bytes
 * per block), as llama.cpp's ggml.c `type_traits` defines them. Only the layout lives here; how to
 * turn each type back into numbers is in `dequantize.ts`.
 */
export const GgmlType = {
  F32: 0,
  F16: 1,
  Q4_0: 2,
  Q4_1: 3,
  Q5_0: 6,
  Q5_1: 7,
  Q8_0: 8,
  Q8_1: 9,
  Q2_K: 10,
  Q3_K: 11,
  Q4_K: 12,
  Q5_K: 13,
  Q6_K: 14,
  Q8_K: 15,
  IQ2_XXS: 16,
  IQ2_XS: 17,
  IQ3_XXS: 18,
  IQ1_S: 19,
  IQ4_NL: 20,
  IQ3_S: 21,
  IQ2_S: 22,
  IQ4_XS: 23,
  I8: 24,
  I16: 25,
  I32: 26,
  I64: 27,
  F64: 28,
  IQ1_M: 29,
  BF16: 30,
  TQ1_0: 34,
  TQ2_0: 35,
} as const;
export type GgmlTypeId = (typeof GgmlType)[keyof typeof GgmlType];

/** Elements per block and bytes per block. */
export interface BlockLayout {
  blockSize: number;
  typeSize: number;
}

const LAYOUTS: Partial<Record<number, BlockLayout>> = {
  [GgmlType.F32]: { blockSize: 1, typeSize: 4 },
  [GgmlType.F16]: { blockSize: 1, typeSize: 2 },
  [GgmlType.BF16]: { blockSize: 1, typeSize: 2 },
  [GgmlType.Q4_0]: { blockSize: 32, typeSize: 18 },
  [GgmlType.Q4_1]: { blockSize: 32, typeSize: 20 },
  [GgmlType.Q5_0]: { blockSize: 32, typeSize: 22 },
  [GgmlType.Q5_1]: { blockSize: 32, typeSize: 24 },
  [GgmlType.Q8_0]: { blockSize: 32, typeSize: 34 },
  [GgmlType.Q8_1]: { blockSize: 32, typeSize: 36 },
  [GgmlType.Q2_K]: { blockSize: 256, typeSize: 84 },
  [GgmlType.Q3_K]: { blockSize: 256, typeSize: 110 },
  [GgmlType.Q4_K]: { blockSize: 256, typeSize: 144 },
  [GgmlType.Q5_K]: { blockSize: 256, typeSize: 176 },
  [GgmlType.Q6_K]: { blockSize: 256, typeSize: 210 },
  [GgmlType.Q8_K]: { blockSize: 256, typeSize: 292 },
  [GgmlType.I8]: { blockSize: 1, typeSize: 1 },
  [GgmlType.I16]: { blockSize: 1, typeSize: 2 },
  [GgmlType.I32]: { blockSize: 1, typeSize: 4 },
  [GgmlType.I64]: { blockSize: 1, typeSize: 8 },
  [GgmlType.F64]: { blockSize: 1, typeSize: 8 },
};

/** The name llama.cpp prints for a type id ("Q4_K"), or "type 99" for one we do not know. */
export function ggmlTypeName(type: number): string {
  const entry = Object.entries(GgmlType).find(([, id]) => id === type);
  return entry ? entry[0] : `type ${type}`;
}

/** The block layout of a type, or undefined when this project does not know it. */
export function blockLayout(type: number): BlockLayout | undefined {
  return LAYOUTS[type];
}

/** Bytes a tensor of `elements` numbers takes in `type`; throws for an unknown type or a partial block. */
export function tensorByteLength(type: number, elements: number): number {
  const layout = blockLayout(type);
  if (!layout) throw new Error(`unknown ggml type ${ggmlTypeName(type)}`);
  if (elements % layout.blockSize !== 0) {
    throw new Error(
      `${elements} elements is not a whole number of ${ggmlTypeName(type)} blocks (${layout.blockSize})`,
    );
  }
  return (elements / layout.blockSize) * layout.typeSize;
}
