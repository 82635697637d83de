/**
 * Stall detection for model downloads.
 *
 * transformers.js 4.3.1 fetches every model file through `env.fetch` and sets no timeout: a model host
 * that accepts the connection and then never answers (or stops sending half-way through a 400 MB
 * weight file) leaves the load pending forever, with the progress bar frozen. This module wraps
 * `env.fetch` so that a request which makes *no progress* for {@link DEFAULT_STALL_MS} fails with a
 * {@link DownloadStalledError} that names the file; the loader turns it into a ModelLoadError and the
 * person can retry. Slow but moving downloads are never cut: the clock restarts with every chunk, and
 * it only runs while transformers.js is waiting for data.
 *
 * Importing this module installs the guard on transformers.js's `env` (idempotent). The worker entry
 * and the Node engine import it for that side effect.
 */
import { env } from '@huggingface/transformers';

/** No response headers, or no new body bytes, for this long means the download is stuck. */
export const DEFAULT_STALL_MS = 30_000;

/** A download that made no progress for too long. The message names the file and says what to do. */
export class DownloadStalledError extends Error {
  override readonly name = 'DownloadStalledError';
}

/** The `fetch` shape transformers.js calls (`env.fetch(url, { headers })`). */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Options of {@link guardFetch}. */
export interface FetchGuardOptions {
  /** Milliseconds without progress before the request is aborted (default {@link DEFAULT_STALL_MS}). */
  readonly stallMs?: number;
}

const GUARDED = Symbol.for('uniner.fetchGuard');

function urlOf(input: string | URL | Request): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

function stalledError(url: string, stallMs: number, phase: 'answer' | 'data'): DownloadStalledError {
  const seconds = Math.round(stallMs / 100) / 10;
  const what = phase === 'answer' ? 'did not answer' : 'stopped sending data';
  return new DownloadStalledError(
    `The download of ${url} stalled: the model host ${what} for ${seconds} s. ` +
      'Check the network connection and the model URL, then load the model again.',
  );
}

/**
 * Wraps `fetchFn` so that a request with no progress for `stallMs` rejects (before the response) or
 * errors its body stream (during the download) with a {@link DownloadStalledError}. A caller's own
 * `signal` still works. Responses without a body (HEAD, 304) are returned as they are.
 */
export function guardFetch(fetchFn: FetchLike, options: FetchGuardOptions = {}): FetchLike {
  const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  const guarded: FetchLike = async (input, init = {}) => {
    const url = urlOf(input);
    const controller = new AbortController();
    const outer = init.signal;
    if (outer) {
      if (outer.aborted) controller.abort(outer.reason);
      else outer.addEventListener('abort', () => controller.abort(outer.reason), { once: true });
    }
    let stall: DownloadStalledError | undefined;
    const headersTimer = setTimeout(() => {
      stall = stalledError(url, stallMs, 'answer');
      controller.abort(stall);
    }, stallMs);
    let response: Response;
    try {
      response = await fetchFn(input, { ...init, signal: controller.signal });
    } catch (error) {
      throw stall ?? error;
    } finally {
      clearTimeout(headersTimer);
    }
    const source = response.body;
    if (!source || response.type === 'opaque') return response;

    const reader = source.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(stream) {
        const timer = setTimeout(() => {
          stall = stalledError(url, stallMs, 'data');
          controller.abort(stall);
          reader.cancel(stall).catch(() => undefined);
        }, stallMs);
        try {
          const { done, value } = await reader.read();
          if (stall) throw stall;
          if (done) stream.close();
          else stream.enqueue(value);
        } catch (error) {
          stream.error(stall ?? error);
        } finally {
          clearTimeout(timer);
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return Object.assign(guarded, { [GUARDED]: true });
}

/** True when `fetchFn` is already wrapped by {@link guardFetch}. */
export function isGuarded(fetchFn: unknown): boolean {
  return typeof fetchFn === 'function' && GUARDED in fetchFn;
}

/**
 * Wraps `target.fetch` (transformers.js's `env` by default) with {@link guardFetch}, once. Called on
 * import; call it again with other options to change nothing (the first guard stays).
 */
export function installFetchGuard(
  target: { fetch?: FetchLike } = env as unknown as { fetch?: FetchLike },
  options: FetchGuardOptions = {},
): void {
  if (!target.fetch || isGuarded(target.fetch)) return;
  target.fetch = guardFetch(target.fetch, options);
}

installFetchGuard();
