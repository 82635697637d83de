/**
 * workers/fetch-guard.ts against real misbehaving HTTP servers: one that never answers, one that stops
 * half-way through a body, one that is slow but steady (must not be cut), and the whole engine loading
 * a model from a host that hangs (must end in a ModelLoadError, not wait forever).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { env } from '@huggingface/transformers';
import {
  DownloadStalledError,
  guardFetch,
  installFetchGuard,
  isGuarded,
  type FetchLike,
} from '../../../../workers/loading/fetch-guard';
import { InferenceHandler } from '../../../../workers/handler';
import type { FromWorker } from '../../../../workers/protocol';

const STALL_MS = 300;
let server: Server;
let base = '';
const open = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    const path = req.url ?? '/';
    if (path.startsWith('/hang')) return; // accepts the connection, never answers
    if (path.startsWith('/half')) {
      res.writeHead(200, { 'Content-Length': '1000' });
      res.write(Buffer.alloc(500, 1)); // then silence
      return;
    }
    if (path.startsWith('/slow')) {
      // 10 chunks, one every STALL_MS / 3: slower overall than STALL_MS, never silent that long.
      res.writeHead(200, { 'Content-Length': '1000' });
      let sent = 0;
      const timer = setInterval(() => {
        res.write(Buffer.alloc(100, 2));
        if (++sent === 10) {
          clearInterval(timer);
          res.end();
        }
      }, STALL_MS / 3);
      return;
    }
    if (path.startsWith('/missing')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('Not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of open) res.destroy();
  await new Promise<void>((done) => server.close(() => done()));
});

const guarded = () => guardFetch(globalThis.fetch as FetchLike, { stallMs: STALL_MS });

describe('fetch guard', () => {
  it('fails a request whose host never answers, naming the file', async () => {
    const started = performance.now();
    const error = await guarded()(`${base}/hang/onnx/model_q4.onnx`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadStalledError);
    expect((error as Error).message).toMatch(
      /model_q4\.onnx stalled: the model host did not answer for 0\.3 s/,
    );
    expect(performance.now() - started).toBeLessThan(STALL_MS * 5);
  });

  it('fails a download that stops half-way, instead of waiting forever', async () => {
    const response = await guarded()(`${base}/half/onnx/model_q4.onnx`);
    expect(response.status).toBe(200);
    const error = await response.arrayBuffer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadStalledError);
    expect((error as Error).message).toMatch(/stopped sending data/);
  });

  it('never cuts a slow download that keeps moving', async () => {
    const response = await guarded()(`${base}/slow/file.bin`);
    expect((await response.arrayBuffer()).byteLength).toBe(1000);
  });

  it('passes status, headers and bodies through', async () => {
    const ok = await guarded()(`${base}/config.json`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/json');
    expect(await ok.json()).toEqual({ ok: true });
    const missing = await guarded()(`${base}/missing/onnx/model_q4.onnx`);
    expect(missing.status).toBe(404);
  });

  it("keeps the caller's own abort signal working", async () => {
    const controller = new AbortController();
    const pending = guarded()(`${base}/hang/x`, { signal: controller.signal });
    controller.abort(new Error('caller gave up'));
    await expect(pending).rejects.toThrow(/caller gave up/);
  });

  it('installs on transformers.js env.fetch once (importing the module installs it)', () => {
    expect(typeof env.fetch).toBe('function');
    expect(isGuarded(env.fetch)).toBe(true);
    const target: { fetch?: FetchLike } = { fetch: globalThis.fetch as FetchLike };
    installFetchGuard(target);
    const first = target.fetch;
    installFetchGuard(target);
    expect(target.fetch).toBe(first);
    expect(isGuarded(first)).toBe(true);
  });

  it('the engine fails a load from a host that hangs with a ModelLoadError, and still loads afterwards', async () => {
    const original = env.fetch;
    env.fetch = guardFetch(globalThis.fetch as FetchLike, { stallMs: STALL_MS }) as typeof env.fetch;
    try {
      const events: FromWorker[] = [];
      const handler = new InferenceHandler((e) => events.push(e), { runtime: 'node' });
      await handler.handle({
        type: 'load',
        requestId: 'hang',
        device: 'wasm',
        model: { source: `${base}/hang/model` },
      });
      const error = events.at(-1) as Extract<FromWorker, { type: 'error' }>;
      expect(error.type).toBe('error');
      expect(error.error.name).toBe('ModelLoadError');
      expect(error.error.message).toMatch(/config\.json stalled/);
      // The same handler answers the next request (here: a clear error for a missing file, not a hang).
      await handler.handle({
        type: 'load',
        requestId: 'missing',
        device: 'wasm',
        model: { source: `${base}/missing/model` },
      });
      const second = events.at(-1) as Extract<FromWorker, { type: 'error' }>;
      expect(second.requestId).toBe('missing');
      expect(second.error.name).toBe('ModelLoadError');
    } finally {
      env.fetch = original;
    }
  });
});
