/**
 * The real llama-cpp-python server on the SmolLM2 GGUF, for the server-engine tests: built once into
 * ~/.cache/uniner-web/venv-llama-server (tools/server/llama-server.ts; a failed build fails the tests
 * with pip's output), started on a free port of 127.0.0.1 per test file, stopped after it.
 */
import { afterAll, beforeAll } from 'vitest';
import { startLlamaServer, type LlamaServer } from '../../../../tools/server/llama-server';
import { ensureSmolLM2Gguf } from '../../../../tools/fixtures/real-model';

/**
 * The first run builds llama-cpp-python from source: 1,039 s (17 min) measured on two cores shared with
 * other work (docs/scale.md), well inside CI's 90-minute budget; later runs reuse the cached venv and
 * start the server in a few seconds. A second test file waiting for that build waits under this limit too.
 */
export const BUILD_TIMEOUT_MS = 40 * 60 * 1000;

/** Starts the server before the file's tests and stops it after them; `server()` gives it. */
export function useLlamaServer(): () => LlamaServer {
  let server: LlamaServer | undefined;
  beforeAll(async () => {
    const gguf = await ensureSmolLM2Gguf();
    server = await startLlamaServer({ gguf });
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('the llama-cpp-python server did not start (see the beforeAll error)');
    return server;
  };
}
