/** The GGUF writer: every value type and tensors round-trip through openGguf; llama.cpp loads its output. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTestLlama } from '../../../fixtures/llama-cpp';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { GgmlType } from '../../../../tools/convert/gguf/ggml-types';
import { openGguf } from '../../../../tools/convert/gguf/read';
import { gv, writeGguf } from '../../../../tools/convert/gguf/write';
import { spmGgufMetadata } from '../../../fixtures/spm-gguf';

const dir = mkdtempSync(join(tmpdir(), 'gguf-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeGguf', () => {
  it('writes metadata of every type and aligned tensors that openGguf reads back', async () => {
    const path = join(dir, 'all.gguf');
    const a = Float32Array.from({ length: 6 }, (_, i) => i + 0.5);
    const b = Uint8Array.from({ length: 3 * 18 }, (_, i) => i % 251); // 3 Q4_0 blocks
    const calls: string[] = [];
    await writeGguf(path, {
      metadata: {
        'general.architecture': gv.str('llama'),
        u8: gv.u8(255),
        i8: gv.i8(-128),
        u16: gv.u16(65535),
        i16: gv.i16(-32768),
        u32: gv.u32(4294967295),
        i32: gv.i32(-5),
        f32: gv.f32(0.25),
        u64: gv.u64(2n ** 40n),
        i64: gv.i64(-7),
        f64: gv.f64(Math.PI),
        yes: gv.bool(true),
        text: gv.str('héllo ▁ 😀'),
        strings: gv.arr('string', ['a', '', 'ü']),
        ints: gv.arr('int32', [1, -2, 3]),
        floats: gv.arr('float32', [0.5, -1.5]),
      },
      tensors: [
        { name: 'a', shape: [3, 2], type: GgmlType.F32 },
        { name: 'b', shape: [96], type: GgmlType.Q4_0 },
      ],
      tensorData: (t) => {
        calls.push(t.name);
        return t.name === 'a' ? new Uint8Array(a.buffer) : b;
      },
    });
    expect(calls).toEqual(['a', 'b']);
    const g = await openGguf(path);
    try {
      const m = g.metadata;
      expect([m.u8, m.i8, m.u16, m.i16, m.u32, m.i32, m.f32, m.u64, m.i64]).toEqual([
        255,
        -128,
        65535,
        -32768,
        4294967295,
        -5,
        0.25,
        2 ** 40,
        -7,
      ]);
      expect(m.f64).toBeCloseTo(Math.PI, 12);
      expect([m.yes, m.text, m.strings, m.ints, m.floats]).toEqual([
        true,
        'héllo ▁ 😀',
        ['a', '', 'ü'],
        [1, -2, 3],
        [0.5, -1.5],
      ]);
      expect(g.tensors.map((t) => [t.name, t.shape, t.offset % 32])).toEqual([
        ['a', [3, 2], 0],
        ['b', [96], 0],
      ]);
      expect(new Float32Array((await g.readTensor(g.tensors[0]!)).buffer)).toEqual(a);
      expect(await g.readTensor(g.tensors[1]!)).toEqual(b);
    } finally {
      await g.close();
    }
  });

  it('rejects values that do not fit their type and tensor data of the wrong size', async () => {
    await expect(writeGguf(join(dir, 'x.gguf'), { metadata: { k: gv.u8(256) } })).rejects.toThrow(
      /not a uint8/,
    );
    await expect(
      writeGguf(join(dir, 'y.gguf'), {
        metadata: {},
        tensors: [{ name: 't', shape: [4], type: GgmlType.F32 }],
        tensorData: () => new Uint8Array(3),
      }),
    ).rejects.toThrow(/got 3 bytes/);
  });

  it('writes a file llama.cpp loads (vocab-only LLaMA tokenizer)', async () => {
    const path = join(dir, 'spm.gguf');
    await writeGguf(path, { metadata: spmGgufMetadata() });
    // The load must not print llama.cpp's expected "missing tensor" noise (fixtures/llama-cpp.ts).
    const printed: string[] = [];
    const spies = (['error', 'warn', 'log', 'info'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void printed.push(args.join(' '))),
    );
    const llama = await getTestLlama();
    try {
      const model = await llama.loadModel({ modelPath: path, vocabOnly: true });
      expect(model.tokenize('Hello world', false)).toEqual([15043, 3186]);
      await model.dispose();
    } finally {
      await llama.dispose();
      for (const spy of spies) spy.mockRestore();
    }
    expect(printed.filter((line) => /llama|tensor|simulat/i.test(line))).toEqual([]);
  }, 60_000);
});
