/**
 * JSON over HTTP to an inference server, with the failure rules of the server engine: bounded retries
 * with exponential backoff on 429, 5xx, timeouts and refused connections; an immediate
 * {@link ServerError} for anything a retry cannot fix (401, 404, a body that is not JSON). Plain
 * `fetch` and `AbortController` only, so the page can use it as well as Node.
 *
 * The API key travels in the `Authorization` header and nowhere else: no message built here contains
 * it (errors name the URL and the status only).
 */
import { ServerError } from '../errors';

/** How requests are sent and retried. */
export interface HttpOptions {
  /** Sent as `Authorization: Bearer …` when set. Never logged, never part of an error message. */
  readonly apiKey?: string;
  /** One attempt's time limit (connect + answer), in ms. */
  readonly timeoutMs: number;
  /** Attempts after the first, on 429, 5xx, timeouts and network errors. */
  readonly retries: number;
  /** First backoff in ms; it doubles per retry (capped at {@link MAX_BACKOFF_MS}), with jitter. */
  readonly retryBaseMs: number;
  /** Told about each retry (what failed, the wait), so a run can say why it is slow. */
  readonly onRetry?: (message: string) => void;
  /** Injected for tests of the page; defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
}

/** The longest single wait between two attempts. */
export const MAX_BACKOFF_MS = 30_000;

/** A failure that another attempt may cure (the server is busy, restarting or slow). */
class Transient extends Error {}

/** Thrown when the caller's signal aborted the request (an interrupt): not a server failure. */
export class Aborted extends Error {
  override name = 'AbortError';
}

/**
 * POSTs `body` as JSON to `url` (GET when `body` is undefined) and returns the parsed JSON answer.
 *
 * @throws {ServerError} when the server cannot be used (after the retries, or at once when retrying
 *   cannot help).
 * @throws {Aborted} when `signal` aborts.
 */
export async function requestJson(
  url: string,
  body: unknown,
  options: HttpOptions,
  signal?: AbortSignal,
): Promise<unknown> {
  let attempt = 0;
  for (;;) {
    try {
      return await attemptOnce(url, body, options, signal);
    } catch (error) {
      if (!(error instanceof Transient)) throw error;
      if (attempt >= options.retries) {
        throw new ServerError(
          `${error.message} (gave up after ${attempt + 1} attempt${attempt === 0 ? '' : 's'}). ` +
            'Check that the server is running and reachable at that address, or raise the timeout.',
        );
      }
      const wait = Math.min(MAX_BACKOFF_MS, options.retryBaseMs * 2 ** attempt) * (0.75 + Math.random() / 2);
      options.onRetry?.(`${error.message}; retrying in ${(wait / 1000).toFixed(1)} s`);
      attempt++;
      await sleep(wait, signal);
    }
  }
}

async function attemptOnce(
  url: string,
  body: unknown,
  options: HttpOptions,
  outer: AbortSignal | undefined,
): Promise<unknown> {
  if (outer?.aborted) throw new Aborted('interrupted');
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onOuterAbort = () => controller.abort();
  outer?.addEventListener('abort', onOuterAbort);
  const where = describeUrl(url);
  try {
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(url, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: controller.signal,
      });
    } catch (error) {
      throw fetchFailure(error, where, timedOut, outer, options.timeoutMs);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw fetchFailure(error, where, timedOut, outer, options.timeoutMs);
    }
    if (response.status === 429 || response.status >= 500) {
      throw new Transient(`${where} answered HTTP ${response.status}${serverMessage(text)}`);
    }
    if (!response.ok) {
      throw withStatus(
        response.status,
        new ServerError(
          `${where} refused the request: HTTP ${response.status}${serverMessage(text)}` +
            (response.status === 401 || response.status === 403
              ? '. Set the API key in the environment variable UNINER_SERVER_API_KEY.'
              : response.status === 404
                ? '. Is this an OpenAI-compatible server (vLLM, llama.cpp, TGI, SGLang, Ollama), and is the model name right?'
                : ''),
        ),
      );
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ServerError(
        `${where} answered something that is not JSON (${JSON.stringify(text.slice(0, 80))}…): ` +
          'is this the base URL of an OpenAI-compatible server?',
      );
    }
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

/** The HTTP status of a refused request, for callers that can do without an optional endpoint. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function withStatus(status: number, error: ServerError): ServerError {
  return Object.assign(error, { status });
}

function fetchFailure(
  error: unknown,
  where: string,
  timedOut: boolean,
  outer: AbortSignal | undefined,
  timeoutMs: number,
): Error {
  if (outer?.aborted) return new Aborted('interrupted');
  if (timedOut) return new Transient(`${where} did not answer within ${(timeoutMs / 1000).toFixed(1)} s`);
  // Node's fetch says "fetch failed" and keeps the reason (ECONNREFUSED…) in `cause`.
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error as Error).message;
  return new Transient(`cannot reach ${where} (${reason})`);
}

/** The server's own error message from a JSON error body, briefly (`: …`), or nothing. */
function serverMessage(text: string): string {
  let message: unknown;
  try {
    const parsed = JSON.parse(text) as {
      error?: { message?: unknown } | string;
      detail?: unknown;
      message?: unknown;
    };
    message =
      typeof parsed.error === 'object'
        ? parsed.error?.message
        : (parsed.error ?? parsed.detail ?? parsed.message);
  } catch {
    message = text;
  }
  if (typeof message !== 'string' || message.trim() === '') return '';
  const flat = message.replace(/\s+/g, ' ').trim();
  return `: ${flat.length > 200 ? `${flat.slice(0, 200)}…` : flat}`;
}

/** `POST http://host:port/v1/completions`, without credentials or query (they may hold secrets). */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'the server';
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Aborted('interrupted'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Aborted('interrupted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
