/**
 * `npm run bench -- --only server`: a corpus through the one corpus runner on an inference server, in
 * documents per minute, at 1, 2, 4 and 8 documents in flight; and the same corpus through our own
 * Node engine on the same model (the ONNX conversion of the same GGUF), one document at a time.
 *
 * The server is llama-cpp-python (tools/server/llama-server.ts) on 127.0.0.1 serving the SmolLM2 GGUF
 * with as many threads as our engine gets. Its OpenAI server runs one completion at a time (a lock
 * around the model), so more requests in flight can only hide the HTTP round trips here: the batching
 * that makes concurrency pay is vLLM's (docs/scale.md).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CorpusRun } from '../../workers/corpus/corpus-runner';
import type { Engine } from '../../workers/engine';
import { createNodeEngine } from '../../workers/node-engine';
import { setNodeThreads } from '../../workers/loading/model-loader';
import { createServerEngine } from '../../workers/server-engine/server-engine';
import { ensureSmolLM2Gguf, ensureSmolLM2Onnx } from '../fixtures/real-model';
import { startLlamaServer } from '../server/llama-server';

/** One row: an engine at one concurrency. */
export interface ServerBenchRow {
  readonly engine: 'server' | 'node';
  readonly concurrency: number;
  readonly documents: number;
  readonly seconds: number;
  readonly documentsPerMinute: number;
  /** Spans found over the corpus (a check that the run did work, not a quality figure). */
  readonly spans: number;
}

/** What the server section measured. */
export interface ServerFigures {
  readonly server: string;
  readonly model: string;
  readonly threads: number;
  readonly types: readonly string[];
  readonly maxNewTokens: number;
  readonly rows: readonly ServerBenchRow[];
}

export const SERVER_CONCURRENCIES = [1, 2, 4, 8] as const;
const TYPES = ['person', 'location'];
const MAX_NEW_TOKENS = 48;
/** The committed test corpus, four times over (ids made unique): 24 short documents. */
const REPEAT = 4;

function corpus(repo: string): { id: string; name: string; text: string }[] {
  const lines = readFileSync(resolve(repo, 'test/fixtures/server-corpus/corpus.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { id: string; text: string });
  return Array.from({ length: REPEAT }, (_, round) =>
    lines.map((line) => ({ id: `${line.id}-${round}`, name: line.id, text: line.text })),
  ).flat();
}

async function timeRun(engine: Engine, documents: ReturnType<typeof corpus>, concurrency: number) {
  let spans = 0;
  const started = performance.now();
  const result = await new CorpusRun({
    engine,
    documents,
    types: TYPES,
    options: { constrain: true, maxNewTokens: MAX_NEW_TOKENS },
    model: 'bench',
    concurrency,
    hooks: {
      done: (_document, found) => {
        spans += found.length;
        return Promise.resolve();
      },
      failed: (document, error) =>
        Promise.reject(new Error(`${document.id}: ${error.name}: ${error.message}`)),
    },
  }).run();
  if (result.outcome !== 'finished') throw new Error(`the bench run ended ${JSON.stringify(result)}`);
  const seconds = (performance.now() - started) / 1000;
  return { seconds, spans, documentsPerMinute: (60 * documents.length) / seconds };
}

/** Runs the server rows and the Node row; `threads` is given to both engines. */
export async function serverBench(options: {
  readonly repo: string;
  readonly threads: number;
  readonly log: (line: string) => void;
}): Promise<ServerFigures> {
  const gguf = await ensureSmolLM2Gguf();
  const onnx = await ensureSmolLM2Onnx();
  const documents = corpus(options.repo);
  const rows: ServerBenchRow[] = [];
  const server = await startLlamaServer({ gguf, threads: options.threads });
  try {
    for (const concurrency of SERVER_CONCURRENCIES) {
      const engine = createServerEngine({ baseUrl: server.url, concurrency, promptStyle: 'uniner' });
      await engine.load();
      const run = await timeRun(engine, documents, concurrency);
      rows.push({ engine: 'server', concurrency, documents: documents.length, ...run });
      options.log(`  server, ${concurrency} in flight: ${run.documentsPerMinute.toFixed(1)} documents/min`);
    }
  } finally {
    await server.stop();
  }
  setNodeThreads(options.threads);
  try {
    const engine = await createNodeEngine({ source: onnx, dtype: 'q4', promptStyle: 'uniner' });
    const run = await timeRun(engine, documents, 1);
    await engine.dispose();
    rows.push({ engine: 'node', concurrency: 1, documents: documents.length, ...run });
    options.log(`  our Node engine (q4): ${run.documentsPerMinute.toFixed(1)} documents/min`);
  } finally {
    setNodeThreads(undefined);
  }
  return {
    server: 'llama-cpp-python 0.3.36 (python -m llama_cpp.server), 127.0.0.1',
    model: 'SmolLM2-135M-Instruct Q4_1 GGUF (server); its ONNX conversion, q4 (Node)',
    threads: options.threads,
    types: TYPES,
    maxNewTokens: MAX_NEW_TOKENS,
    rows,
  };
}
