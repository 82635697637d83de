/**
 * A real OpenAI-compatible server for the server engine's tests and bench: PyPI's llama-cpp-python
 * (`python -m llama_cpp.server`), pinned in tools/server/requirements-llama-server.txt, built from
 * source (CPU only) once into a virtual environment OUTSIDE the repository,
 * ~/.cache/uniner-web/venv-llama-server, and started on 127.0.0.1 on a free port.
 *
 * The build compiles llama.cpp (C and C++): it needs cmake and a C++ compiler, and takes minutes
 * (measured in docs/scale.md and the README); later runs reuse the venv until the pin changes. A failed
 * build throws with pip's output: the tests fail with it, they never skip.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

const REQUIREMENTS = 'tools/server/requirements-llama-server.txt';
export const LLAMA_VENV = join(homedir(), '.cache', 'uniner-web', 'venv-llama-server');
const PYTHON = join(LLAMA_VENV, 'bin', 'python');
/** The requirements the venv was built from: a changed pin rebuilds it. */
const STAMP = join(LLAMA_VENV, 'requirements-llama-server.txt');
const LOCK = `${LLAMA_VENV}.lock`;
/** A lock older than this is a build that died: take it over. */
const STALE_LOCK_MS = 60 * 60 * 1000;

/**
 * CPU only and portable: `GGML_NATIVE=OFF` builds for a common x86-64 level instead of this machine's
 * exact CPU (a cached venv may be reused on another runner); two compile jobs, as the CI machine has
 * two cores.
 */
export const LLAMA_BUILD_ENV = {
  CMAKE_ARGS: '-DGGML_NATIVE=OFF',
  MAKEFLAGS: '-j2',
  CMAKE_BUILD_PARALLEL_LEVEL: '2',
} as const;

function venvIsCurrent(): boolean {
  return (
    existsSync(PYTHON) &&
    existsSync(STAMP) &&
    readFileSync(STAMP, 'utf8') === readFileSync(REQUIREMENTS, 'utf8')
  );
}

function requireTool(command: string, hint: string): void {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      `building llama-cpp-python needs ${command} (${hint}); install it and run the tests again`,
    );
  }
}

/**
 * The venv's Python, building the venv first when it is missing or its pin changed. Several test
 * processes may ask at once: one builds under a lock directory, the others wait for it.
 */
export async function ensureLlamaVenv(log: (message: string) => void = console.log): Promise<string> {
  if (venvIsCurrent()) return PYTHON;
  mkdirSync(join(LLAMA_VENV, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) {
        rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      if (venvIsCurrent()) return PYTHON;
    }
  }
  try {
    if (venvIsCurrent()) return PYTHON;
    requireTool('cmake', 'apt-get install cmake');
    requireTool('c++', 'apt-get install g++');
    rmSync(LLAMA_VENV, { recursive: true, force: true });
    const started = Date.now();
    log(
      'building llama-cpp-python from source into ~/.cache/uniner-web/venv-llama-server (several minutes, once)',
    );
    execFileSync('python3', ['-m', 'venv', LLAMA_VENV], { stdio: 'inherit' });
    try {
      execFileSync(
        join(LLAMA_VENV, 'bin', 'pip'),
        ['install', '--disable-pip-version-check', '-q', '-r', REQUIREMENTS],
        {
          stdio: ['ignore', 'inherit', 'pipe'],
          env: { ...process.env, ...LLAMA_BUILD_ENV },
          maxBuffer: 64 * 1024 * 1024,
        },
      );
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').slice(-4000);
      throw new Error(`pip could not build llama-cpp-python (${REQUIREMENTS}):\n${stderr}`, { cause: error });
    }
    writeFileSync(STAMP, readFileSync(REQUIREMENTS, 'utf8'));
    log(`venv-llama-server built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return PYTHON;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** A free TCP port on 127.0.0.1 (asked of the OS, then released for the server to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A running llama-cpp-python server. */
export interface LlamaServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The model name it serves (`--model_alias`). */
  readonly model: string;
  readonly process: ChildProcess;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and waits for the exit. */
  stop(): Promise<void>;
}

/** Options of {@link startLlamaServer}. */
export interface LlamaServerOptions {
  readonly gguf: string;
  /** Name it serves the model under. Default `smollm2-135m`. */
  readonly alias?: string;
  /** CPU threads (default 1: the tests share two cores). */
  readonly threads?: number;
  readonly contextLength?: number;
  /** How long to wait for it to answer `/v1/models`. Default 120 s. */
  readonly startTimeoutMs?: number;
}

/** Starts `python -m llama_cpp.server` on a free port of 127.0.0.1 and waits until it answers. */
export async function startLlamaServer(options: LlamaServerOptions): Promise<LlamaServer> {
  const python = await ensureLlamaVenv();
  const port = await freePort();
  const alias = options.alias ?? 'smollm2-135m';
  const threads = String(options.threads ?? 1);
  const child = spawn(
    python,
    [
      '-m',
      'llama_cpp.server',
      '--model',
      options.gguf,
      '--model_alias',
      alias,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--n_threads',
      threads,
      '--n_threads_batch',
      threads,
      '--n_ctx',
      String(options.contextLength ?? 2048),
      '--verbose',
      'False',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`llama_cpp.server exited (${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${url}/v1/models`);
      if (response.ok) return { url, model: alias, process: child, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`llama_cpp.server did not answer on ${url} in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
