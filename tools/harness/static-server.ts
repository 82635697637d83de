/**
 * A plain static file server for browser tests: the built app plus model folders, with the
 * cross-origin-isolation headers that give onnxruntime-web its threads, and real 404s (Vite's
 * preview answers a missing model file with index.html and status 200, which breaks the loader).
 */
import { createServer, type Server } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.onnx': 'application/octet-stream',
  '.onnx_data': 'application/octet-stream',
};

/** A URL prefix served from a folder. */
export interface Mount {
  readonly prefix: string;
  readonly dir: string;
}

export interface StaticServer {
  readonly origin: string;
  /** Every request path seen, in order (privacy tests read it). */
  readonly requests: string[];
  close(): Promise<void>;
}

function resolveInside(dir: string, relative: string): string | null {
  const root = resolve(dir);
  const full = resolve(root, normalize(relative).replace(/^([/\\])+/, ''));
  return full === root || full.startsWith(root + sep) ? full : null;
}

/** Serves `mounts` (longest prefix first) on 127.0.0.1 and an ephemeral port. */
export async function startStaticServer(
  mounts: readonly Mount[],
  options: { isolate?: boolean } = {},
): Promise<StaticServer> {
  const isolate = options.isolate ?? true;
  const sorted = [...mounts].sort((a, b) => b.prefix.length - a.prefix.length);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url.pathname + url.search);
    const headers: Record<string, string> = {
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Cache-Control': 'no-cache',
    };
    if (isolate) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    const mount = sorted.find((m) => url.pathname.startsWith(m.prefix));
    let file = mount
      ? resolveInside(mount.dir, decodeURIComponent(url.pathname.slice(mount.prefix.length)))
      : null;
    try {
      if (file && statSync(file).isDirectory()) file = join(file, 'index.html');
      const stat = file ? statSync(file) : null;
      if (!file || !stat || !stat.isFile()) throw new Error('not found');
      res.writeHead(200, {
        ...headers,
        'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
        'Content-Length': String(stat.size),
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end('Not found');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
