/**
 * `npm run extract -- --server …` as a person runs it, against the REAL llama-cpp-python server on the
 * SmolLM2 GGUF (real-server.ts): a committed corpus compared document by document with our own Node
 * engine on the ONNX conversion of the same GGUF; a kill and `--resume`; and faults (an unreachable
 * server, a 500, a body that is not the API, a slow server) that each stop the run with a clear message,
 * lose no finished document, and let `--resume` finish the corpus.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSmolLM2Onnx } from '../../../../tools/fixtures/real-model';
import { freePort } from '../../../../tools/server/llama-server';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { useLlamaServer } from './real-server';

const root = resolve(import.meta.dirname, '../../../..');
const node = [process.execPath, '--import', 'tsx', resolve(root, 'tools/cli/extract.ts')];
const CORPUS = resolve(root, 'test/fixtures/server-corpus/corpus.jsonl');
const IDS = ['obama', 'curie', 'lovelace', 'mandela', 'einstein', 'tokyo'];
const TYPES = ['--type', 'person', '--type', 'location'];
/** Short answers: the list closes well before this, and runaway answers stay cheap. */
const BUDGET = ['--max-new-tokens', '48'];

const server = useLlamaServer();

interface ResultLine {
  id: string;
  text: string;
  spans: { start: number; end: number; label: string; score?: number }[];
}

/**
 * Runs the CLI and waits for it without blocking this process: the fault proxy lives here and must keep
 * answering while the CLI talks to it (spawnSync would freeze it).
 */
function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(node[0]!, [...node.slice(1), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

function readLines(path: string): string[] {
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
    : [];
}

function results(path: string): ResultLine[] {
  return readLines(path).map((line) => JSON.parse(line) as ResultLine);
}

function outPath(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'server-cli-')), name);
}

/** The spans of a result line as comparable strings, "label start-end". */
function spanKeys(line: ResultLine): string[] {
  return line.spans.map((span) => `${span.label} ${span.start}-${span.end}`).sort();
}

/** Runs until `path` holds `lines` whole lines, then kills the process outright (SIGKILL). */
function runAndKill(args: string[], path: string, lines: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(node[0]!, [...node.slice(1), ...args], { cwd: root, stdio: 'ignore' });
    const timer = setInterval(() => {
      if (readLines(path).length >= lines) child.kill('SIGKILL');
    }, 50);
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      if (signal === 'SIGKILL') resolvePromise();
      else reject(new Error(`the run ended by itself (code ${code}) before ${lines} lines`));
    });
  });
}

describe('extract --server on a corpus (real llama-cpp-python server)', () => {
  it('agrees with our own Node engine on the same GGUF, document by document', async () => {
    const onnx = await ensureSmolLM2Onnx();
    const serverOut = outPath('server.jsonl');
    const nodeOut = outPath('node.jsonl');
    // The same question format on both sides (Automatic picks UniNER's for SmolLM2-135M too).
    const common = ['--input', CORPUS, ...TYPES, ...BUDGET, '--prompt-style', 'uniner'];
    const viaServer = await run([
      '--server',
      server().url,
      '--concurrency',
      '2',
      ...common,
      '--out',
      serverOut,
    ]);
    expect(viaServer.stderr).toContain("constraint: llama.cpp's grammar");
    expect(viaServer.code).toBe(0);
    const local = await run(['--model', onnx, '--dtype', 'q4', ...common, '--out', nodeOut]);
    expect(local.code).toBe(0);
    const a = results(serverOut);
    const b = results(nodeOut);
    // Same documents, same order, same texts: the runner is the same.
    expect(a.map((line) => line.id)).toEqual(IDS);
    expect(b.map((line) => [line.id, line.text])).toEqual(a.map((line) => [line.id, line.text]));
    const same = a.filter((line, i) => JSON.stringify(spanKeys(line)) === JSON.stringify(spanKeys(b[i]!)));
    const keysA = new Set(a.flatMap((line) => spanKeys(line).map((key) => `${line.id} ${key}`)));
    const keysB = new Set(b.flatMap((line) => spanKeys(line).map((key) => `${line.id} ${key}`)));
    const shared = [...keysA].filter((key) => keysB.has(key)).length;
    console.log(
      `server vs Node engine: ${same.length}/${a.length} documents with identical spans; ` +
        `${shared} spans shared, ${keysA.size - shared} only on the server, ${keysB.size - shared} only in Node`,
    );
    for (const [i, line] of a.entries())
      if (!same.includes(line))
        console.log(
          `  ${line.id}: server ${JSON.stringify(spanKeys(line))} vs Node ${JSON.stringify(spanKeys(b[i]!))}`,
        );
    // Differences are expected: llama.cpp multiplies Q4_1 weights by 8-bit-quantised activations, our
    // ONNX graph by float ones, so greedy choices can split; and llama.cpp's grammar allows any string
    // where our constraint allows only passage substrings. Most documents must still agree.
    expect(shared).toBeGreaterThan(0);
    expect(same.length).toBeGreaterThanOrEqual(Math.ceil(a.length / 2));
    // Scores come from the server's logprobs.
    expect(a.flatMap((line) => line.spans).every((span) => typeof span.score === 'number')).toBe(true);
  });

  it('a killed run resumes: the lines written before the kill stay as they were, every document once', async () => {
    const out = outPath('killed.jsonl');
    const args = [
      '--server',
      server().url,
      '--concurrency',
      '1',
      '--input',
      CORPUS,
      ...TYPES,
      ...BUDGET,
      '--out',
      out,
    ];
    await runAndKill(args, out, 2);
    const before = readLines(out);
    expect(before.length).toBeGreaterThanOrEqual(2);
    const resumed = await run([...args, '--resume']);
    expect(resumed.code).toBe(0);
    const after = readLines(out);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.map((line) => (JSON.parse(line) as ResultLine).id)).toEqual(IDS);
  });
});

describe('extract --server: faults stop the run clearly, lose nothing, and --resume finishes', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(server().url);
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('an unreachable server: exit 1, the address named, the output file untouched', async () => {
    const out = outPath('unreachable.jsonl');
    copyFileSync(CORPUS, out); // stands for earlier results: they must survive
    const port = await freePort();
    const result = await run([
      '--server',
      `http://127.0.0.1:${port}`,
      '--server-retries',
      '1',
      '--input',
      CORPUS,
      ...TYPES,
      '--out',
      out,
      '--resume',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/v1/models.*ECONNREFUSED`),
    );
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(CORPUS, 'utf8'));
  });

  it.each([
    ['500', /HTTP 500: injected fault.*gave up after 2 attempts/s, []],
    ['html', /not JSON.*Welcome to nginx/s, []],
    ['slow', /did not answer within 6\.0 s.*gave up after 2 attempts/s, ['--server-timeout', '6']],
  ] as const)(
    'a %s after two documents: exit 1 naming it, two documents kept, --resume finishes',
    async (fault, message, extra) => {
      const out = outPath(`${fault}.jsonl`);
      const start = proxy.completions;
      // Two documents × two types pass, then every completions request gets the fault.
      proxy.setFault((n) => (n <= start + 4 ? 'pass' : fault));
      const args = [
        '--concurrency',
        '1',
        '--server-retries',
        '1',
        '--input',
        CORPUS,
        ...TYPES,
        ...BUDGET,
        '--out',
        out,
      ];
      const failed = await run(['--server', proxy.url, ...args, ...extra]);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/ServerError/);
      expect(failed.stderr).toMatch(message);
      expect(failed.stderr).toMatch(/--resume continues/);
      const kept = readLines(out);
      expect(kept.map((line) => (JSON.parse(line) as ResultLine).id)).toEqual(IDS.slice(0, 2));
      const resumed = await run(['--server', server().url, ...args, '--resume']);
      expect(resumed.code).toBe(0);
      const after = readLines(out);
      expect(after.slice(0, 2)).toEqual(kept);
      expect(after.map((line) => (JSON.parse(line) as ResultLine).id)).toEqual(IDS);
    },
  );

  it('the API key comes from the environment only and is never written to output or logs', async () => {
    const out = outPath('key.jsonl');
    const key = 'sk-test-never-printed-42';
    const result = await run(
      ['--server', server().url, '--input', CORPUS, ...TYPES, '--max-new-tokens', '8', '--out', out],
      { UNINER_SERVER_API_KEY: key },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('API key from UNINER_SERVER_API_KEY');
    expect(result.stderr + result.stdout + readFileSync(out, 'utf8')).not.toContain(key);
  });
});
