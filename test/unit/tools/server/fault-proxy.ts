/**
 * Fault injection in front of the REAL llama-cpp-python server (not a mock of its API): a tiny HTTP
 * proxy on 127.0.0.1 that forwards every request unchanged, except the completions requests the test
 * picks, which it answers with a fault: an HTTP 500, a body that is not the API, or a delay.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** What to do to one completions request. */
export type Fault = 'pass' | '500' | 'html' | 'no-choices' | 'slow' | 'hang-up';

export interface FaultProxy {
  readonly url: string;
  /** Completions requests seen so far (1-based count, including faulted ones). */
  readonly completions: number;
  /** The most completions requests that were open at once since the last {@link resetPeak}. */
  readonly peakInFlight: number;
  resetPeak(): void;
  /** Decides the fault of the n-th completions request (1-based). */
  setFault(rule: (n: number) => Fault): void;
  /** Answers `/v1/models` with a 404, as a server without a model list does. */
  setModelsMissing(missing: boolean): void;
  close(): Promise<void>;
}

/** How long a `slow` fault waits before forwarding. */
export const SLOW_MS = 15_000;

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  let rule: (n: number) => Fault = () => 'pass';
  let completions = 0;
  let modelsMissing = false;
  let inFlight = 0;
  let peak = 0;
  const timers = new Set<NodeJS.Timeout>();
  const forward = async (request: IncomingMessage, body: Buffer, response: ServerResponse) => {
    const upstream = await fetch(`${target}${request.url}`, {
      method: request.method ?? 'GET',
      headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
      ...(request.method === 'POST' ? { body: body.toString('utf8') } : {}),
    });
    const text = Buffer.from(await upstream.arrayBuffer());
    if (response.destroyed) return;
    response.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
    });
    response.end(text);
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      if (request.url?.endsWith('/v1/models') && modelsMissing) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: 'Not Found' } }));
        return;
      }
      const isCompletion = request.url?.includes('/completions') === true;
      const fault = isCompletion ? rule(++completions) : 'pass';
      if (isCompletion) {
        peak = Math.max(peak, ++inFlight);
        response.once('close', () => inFlight--);
      }
      const fail = (error: unknown) => {
        if (!response.headersSent) response.writeHead(502).end(String(error));
      };
      switch (fault) {
        case 'pass':
          forward(request, body, response).catch(fail);
          return;
        case '500':
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { message: 'injected fault: internal error' } }));
          return;
        case 'html':
          response.writeHead(200, { 'content-type': 'text/html' });
          response.end('<html><body>Welcome to nginx!</body></html>');
          return;
        case 'no-choices':
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ status: 'ok' }));
          return;
        case 'hang-up':
          request.socket.destroy();
          return;
        case 'slow': {
          const timer = setTimeout(() => {
            timers.delete(timer);
            forward(request, body, response).catch(fail);
          }, SLOW_MS);
          timers.add(timer);
          return;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('fault proxy: no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    get completions() {
      return completions;
    },
    get peakInFlight() {
      return peak;
    },
    resetPeak() {
      peak = inFlight;
    },
    setFault(next) {
      rule = next;
    },
    setModelsMissing(missing) {
      modelsMissing = missing;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
