/**
 * A second origin for browser tests: serves test/fixtures/models the way a model host (the Hub, a
 * CDN, a person's own server) would, with CORS, and misbehaves on request. Every request is logged
 * with its method, URL, headers and body, so privacy tests can search them for the passage.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

/** What to do with requests whose path ends with a given suffix. */
export type Fault =
  /** Answer 404. */
  | 'missing'
  /** Accept a GET and never answer (HEAD requests are still answered). */
  | 'hang'
  /** Send the headers and the first half of the body (Content-Length of the whole), then go silent. */
  | 'stall-half'
  /** Serve the first half of the file as if it were the whole file (a corrupt or cut-off upload). */
  | 'truncate';

export interface LoggedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export interface ModelHost {
  readonly origin: string;
  readonly requests: LoggedRequest[];
  /** Faults by path suffix (`onnx/model_q4.onnx`); cleared with `faults.clear()`. */
  readonly faults: Map<string, Fault>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => done(''));
  });
}

/** Serves `dir` at `/models/` on 127.0.0.1 (a different port, so a different origin, from the app). */
export async function startModelHost(dir: string): Promise<ModelHost> {
  const root = resolve(dir);
  const requests: LoggedRequest[] = [];
  const faults = new Map<string, Fault>();
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: { ...req.headers }, body });
      const headers = {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Headers': '*',
        'Access-Control-Expose-Headers': 'Content-Length, ETag',
        'Cross-Origin-Resource-Policy': 'cross-origin',
        'Cache-Control': 'no-cache',
      };
      if (req.method === 'OPTIONS') {
        res.writeHead(204, headers);
        res.end();
        return;
      }
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const fault = [...faults.entries()].find(([suffix]) => path.endsWith(suffix))?.[1];
      const file = path.startsWith('/models/') ? resolve(root, decodeURIComponent(path.slice(8))) : '';
      let bytes: Buffer | undefined;
      try {
        if (file.startsWith(root + sep) && statSync(file).isFile()) bytes = readFileSync(file);
      } catch {
        bytes = undefined;
      }
      if (!bytes || fault === 'missing') {
        res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
        res.end('Not found');
        return;
      }
      if (fault === 'hang' && req.method !== 'HEAD') {
        hanging.add(res);
        return;
      }
      const half = bytes.subarray(0, Math.floor(bytes.length / 2));
      if (fault === 'stall-half') {
        hanging.add(res);
        res.writeHead(200, { ...headers, 'Content-Length': String(bytes.length) });
        res.write(half);
        return;
      }
      const sent = fault === 'truncate' ? half : bytes;
      res.writeHead(200, {
        ...headers,
        'Content-Type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream',
        'Content-Length': String(sent.length),
      });
      res.end(req.method === 'HEAD' ? undefined : sent);
    })();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    faults,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
