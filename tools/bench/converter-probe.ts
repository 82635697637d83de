/**
 * Which converter choices make SmolLM2-135M's q4 graph fastest: builds graph variants of the real
 * model (MatMulNBits accuracy_level, a 4-bit or table tied head) into a cache folder and times each
 * side by side, interleaved, on onnxruntime-node (1 and 2 threads) and onnxruntime-web's WASM build
 * in Node (1 thread): one decode step over a 100-token cache, and a 300-token prefill. Ratios, not
 * absolute speeds, are the result (the machine is shared).
 *
 *   npx tsx tools/bench/converter-probe.ts [--repeats 5] [--variants q4-l0-table,q4-l4-q4]
 *       [--profile out-dir]   (one decode step per variant under onnxruntime-node's profiler)
 */
import { mkdirSync, readFileSync, existsSync, writeFileSync, readdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ortNode from 'onnxruntime-node';
import { buildLlamaOnnx, type TiedHead, type WeightFormat } from '../convert/graph/llama-graph';
import { ChunkedExternalData } from '../convert/graph/external-data';
import { openModelSource } from '../convert/sources/open-source';
import { ensureSmolLM2Gguf } from '../fixtures/real-model';

/** One graph to time. */
export interface ProbeVariant {
  readonly name: string;
  readonly format: WeightFormat;
  readonly accuracyLevel: number;
  readonly tiedHead: TiedHead;
}

const ALL_VARIANTS: ProbeVariant[] = [
  { name: 'q4-l0-table', format: 'q4', accuracyLevel: 0, tiedHead: 'table' },
  { name: 'q4-l4-table', format: 'q4', accuracyLevel: 4, tiedHead: 'table' },
  { name: 'q4-l0-q4', format: 'q4', accuracyLevel: 0, tiedHead: 'q4' },
  { name: 'q4-l4-q4', format: 'q4', accuracyLevel: 4, tiedHead: 'q4' },
  { name: 'q4-l0-q8', format: 'q4', accuracyLevel: 0, tiedHead: 'q8' },
  { name: 'q4-l4-q8', format: 'q4', accuracyLevel: 4, tiedHead: 'q8' },
  { name: 'fp32', format: 'fp32', accuracyLevel: 0, tiedHead: 'table' },
];

const CACHE = join(homedir(), '.cache', 'uniner-web', 'converter-probe');
const PROBE_VERSION = 1;

async function buildVariant(v: ProbeVariant): Promise<string> {
  const dir = join(CACHE, `v${PROBE_VERSION}-${v.name}`);
  const file = join(dir, 'model.onnx');
  if (existsSync(file)) return file;
  const staging = `${dir}.staging-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  const source = await openModelSource(await ensureSmolLM2Gguf());
  const sink = new ChunkedExternalData({ dir: staging, modelFile: 'model.onnx' });
  const graph = buildLlamaOnnx(source.dims, source.weights, {
    format: v.format,
    q4Scheme: 'symmetric',
    tiedEmbeddings: source.tiedEmbeddings,
    tiedHead: v.tiedHead,
    accuracyLevel: v.accuracyLevel,
    external: sink,
  });
  sink.close();
  writeFileSync(join(staging, 'model.onnx'), graph);
  renameSync(staging, dir);
  return file;
}

type Ort = typeof ortNode;
type Session = ortNode.InferenceSession;

interface Dims {
  layers: number;
  kvHeads: number;
  headDim: number;
}

function feeds(ort: Ort, d: Dims, past: number, seq: number): Record<string, ortNode.Tensor> {
  const ids = BigInt64Array.from({ length: seq }, (_, i) => BigInt(100 + ((i * 37) % 20000)));
  const total = past + seq;
  const out: Record<string, ortNode.Tensor> = {
    input_ids: new ort.Tensor('int64', ids, [1, seq]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
    position_ids: new ort.Tensor(
      'int64',
      BigInt64Array.from({ length: seq }, (_, i) => BigInt(past + i)),
      [1, seq],
    ),
    num_logits_to_keep: new ort.Tensor('int64', BigInt64Array.from([1n]), []),
  };
  for (let i = 0; i < d.layers; i++) {
    for (const kind of ['key', 'value']) {
      const data = new Float32Array(d.kvHeads * past * d.headDim).map((_, j) => Math.sin(j) * 0.5);
      out[`past_key_values.${i}.${kind}`] = new ort.Tensor('float32', data, [1, d.kvHeads, past, d.headDim]);
    }
  }
  return out;
}

/**
 * Fastest of `repeats` runs of one forward (after one warm-up), in ms of the process's CPU time
 * (user + system), not wall time: with one compute thread, CPU time barely moves when other work
 * shares the cores, while wall time on this 2-core machine shared by several builds swings 3×.
 */
async function timeRun(
  session: Session,
  f: Record<string, ortNode.Tensor>,
  repeats: number,
): Promise<number> {
  await session.run(f);
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t = process.cpuUsage();
    await session.run(f);
    const used = process.cpuUsage(t);
    times.push((used.user + used.system) / 1000);
  }
  return Math.min(...times);
}

interface Engine {
  readonly label: string;
  open(file: string): Promise<Session>;
  readonly ort: Ort;
}

async function engines(): Promise<Engine[]> {
  // Only 1 thread: CPU time cannot show a second thread's gain (the wall-clock bench does, see README).
  const list: Engine[] = [1].map((threads) => ({
    label: `node ${threads}t`,
    ort: ortNode,
    open: (file: string) =>
      ortNode.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1 }),
  }));
  // onnxruntime-web's WASM build, run in Node: the same kernels the browser runs (single thread).
  const ortWeb = (await import('onnxruntime-web')) as unknown as Ort & {
    env: { wasm: { numThreads: number } };
  };
  ortWeb.env.wasm.numThreads = 1;
  list.push({
    label: 'wasm 1t',
    ort: ortWeb,
    open: async (file: string) => {
      const dir = join(file, '..');
      const externalData = readdirSync(dir)
        .filter((name) => name.startsWith('model.onnx_data'))
        .map((name) => ({ path: name, data: new Uint8Array(readFileSync(join(dir, name))) }));
      return (await ortWeb.InferenceSession.create(new Uint8Array(readFileSync(file)), {
        externalData,
        executionProviders: ['wasm'],
      } as never)) as unknown as Session;
    },
  });
  return list;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      repeats: { type: 'string', default: '5' },
      variants: { type: 'string' },
      engines: { type: 'string' },
      profile: { type: 'string' },
    },
  });
  const repeats = Number(values.repeats);
  const wanted = values.variants?.split(',');
  const variants = ALL_VARIANTS.filter((v) => !wanted || wanted.includes(v.name));
  const source = await openModelSource(await ensureSmolLM2Gguf());
  const d: Dims = {
    layers: source.dims.numLayers,
    kvHeads: source.dims.numKvHeads,
    headDim: source.dims.headDim,
  };
  const files = new Map<string, string>();
  for (const v of variants) files.set(v.name, await buildVariant(v));

  if (values.profile) {
    mkdirSync(values.profile, { recursive: true });
    for (const v of variants) {
      const session = await ortNode.InferenceSession.create(files.get(v.name)!, {
        intraOpNumThreads: 1,
        enableProfiling: true,
        profileFilePrefix: join(values.profile, v.name),
      });
      const f = feeds(ortNode, d, 100, 1);
      for (let r = 0; r < 6; r++) await session.run(f);
      session.endProfiling();
      await session.release();
    }
    return;
  }

  const wantedEngines = values.engines?.split(',');
  const rows: Record<string, Record<string, { decodeTokPerS: number; prefillTokPerS: number }>> = {};
  for (const engine of await engines()) {
    if (wantedEngines && !wantedEngines.some((e) => engine.label.startsWith(e))) continue;
    const sessions = new Map<string, Session>();
    for (const v of variants) sessions.set(v.name, await engine.open(files.get(v.name)!));
    const decode = feeds(engine.ort, d, 100, 1);
    const prefill = feeds(engine.ort, d, 0, 300);
    const decodeMs = new Map<string, number[]>();
    const prefillMs = new Map<string, number[]>();
    // Interleaved rounds, so load changes on the shared machine hit every variant alike.
    for (let round = 0; round < 2; round++) {
      for (const v of variants) {
        const s = sessions.get(v.name)!;
        decodeMs.set(v.name, [...(decodeMs.get(v.name) ?? []), await timeRun(s, decode, repeats)]);
        prefillMs.set(v.name, [...(prefillMs.get(v.name) ?? []), await timeRun(s, prefill, 1)]);
      }
    }
    const best = (xs: number[]) => Math.min(...xs);
    rows[engine.label] = {};
    for (const v of variants) {
      rows[engine.label]![v.name] = {
        decodeTokPerS: 1000 / best(decodeMs.get(v.name)!),
        prefillTokPerS: 300_000 / best(prefillMs.get(v.name)!),
      };
      console.log(
        `${engine.label.padEnd(8)} ${v.name.padEnd(12)} decode ${rows[engine.label]![v.name]!.decodeTokPerS.toFixed(1).padStart(6)} tok/s   prefill(300) ${rows[engine.label]![v.name]!.prefillTokPerS.toFixed(0).padStart(5)} tok/s`,
      );
    }
    for (const s of sessions.values()) await s.release();
  }
  console.log(JSON.stringify(rows));
}

await main();
