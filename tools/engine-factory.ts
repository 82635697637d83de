/**
 * The one place the command-line tools (extract, corpus runs, eval, bench) choose their engine:
 * `--server <url>` gives the server engine (workers/server-engine/), anything else the in-process Node
 * engine. Both are an {@link Engine}; callers never ask which.
 *
 * The server's API key comes only from the environment variable {@link API_KEY_VARIABLE}: argv is
 * visible to every user of the machine (`ps`) and lands in shell history, and nothing here writes the
 * key anywhere.
 */
import type { Engine } from '../workers/engine';
import { createNodeEngine } from '../workers/node-engine';
import type { Dtype, LoadedModelInfo, PromptStyle } from '../workers/protocol';
import {
  SERVER_CONSTRAINTS,
  constraintWords,
  type ServerConstraintSetting,
} from '../workers/server-engine/constraint';
import { createServerEngine, serverUrls, type ServerEngine } from '../workers/server-engine/server-engine';

/** The environment variable the server's API key is read from. */
export const API_KEY_VARIABLE = 'UNINER_SERVER_API_KEY';

/** `parseArgs` options of the server flags, shared by extract and eval. */
export const SERVER_ARG_OPTIONS = {
  server: { type: 'string' },
  'server-model': { type: 'string' },
  'server-constraint': { type: 'string' },
  'server-timeout': { type: 'string' },
  'server-retries': { type: 'string' },
  'server-context': { type: 'string' },
  concurrency: { type: 'string' },
} as const;

/** The usage text of the server flags. */
export const SERVER_USAGE = `--server <base-url>: run on an OpenAI-compatible inference server (vLLM, llama.cpp's server,
  llama-cpp-python, TGI, SGLang, Ollama) instead of in this process, e.g. http://127.0.0.1:8080;
  the API key, if the server needs one, only from the environment: ${API_KEY_VARIABLE}=…
--server-model <name>: the server's model name (default: the only one it serves)
--server-constraint auto|${SERVER_CONSTRAINTS.join('|')}: how the server constrains answers to a JSON
  list of strings (default auto: vLLM's structured outputs on vLLM, llama.cpp's grammar elsewhere)
--concurrency N: requests in flight (default 4; a corpus keeps N documents going)
--server-timeout <s> (default 120), --server-retries N (default 4; on 429, 5xx, timeouts),
--server-context <tokens> (default: what the server says, else 2048)`;

/** The server flags as parsed by `parseArgs`. */
export type ServerArgValues = { readonly [K in keyof typeof SERVER_ARG_OPTIONS]?: string };

/** What a tool asks for: the server when `server` is set, else the Node engine on `source`. */
export interface EngineRequest {
  readonly server?: ServerArgValues;
  readonly source?: string;
  readonly dtype?: Dtype;
  readonly promptStyle?: PromptStyle;
  /** Whether the run constrains its answers (default true); only said in the description. */
  readonly constrain?: boolean;
  /** Retries and other notes of the server engine (stderr in the CLI). */
  readonly onNote?: (message: string) => void;
  /** Where the API key is read from; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** An engine, loaded, and lines that say what runs (model, question format, constraint). */
export interface ChosenEngine {
  readonly engine: Engine;
  readonly model: LoadedModelInfo;
  /** Set for the server engine. */
  readonly server?: ServerEngine;
  /** One line each, for stderr: which model answers, where, how it is constrained. */
  readonly description: readonly string[];
}

/** A usage problem in the server flags (the CLI exits 2). */
export class ServerArgError extends Error {
  override name = 'UsageError';
}

function positiveInteger(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > max)
    throw new ServerArgError(`${flag} must be an integer between 0 and ${max}.`);
  return number;
}

/** Checks the server flags; throws {@link ServerArgError} on a bad one. */
export function checkServerArgs(values: ServerArgValues): void {
  if (values.server === undefined) {
    const stray = Object.keys(SERVER_ARG_OPTIONS).find(
      (key) =>
        key !== 'server' && key !== 'concurrency' && values[key as keyof ServerArgValues] !== undefined,
    );
    if (stray) throw new ServerArgError(`--${stray} goes with --server.`);
  } else {
    try {
      serverUrls(values.server);
    } catch (error) {
      throw new ServerArgError((error as Error).message);
    }
  }
  const constraint = values['server-constraint'];
  if (constraint !== undefined && constraint !== 'auto' && !SERVER_CONSTRAINTS.includes(constraint as never))
    throw new ServerArgError(`--server-constraint must be auto or one of ${SERVER_CONSTRAINTS.join(', ')}.`);
  const concurrency = positiveInteger(values.concurrency, '--concurrency', 256);
  if (concurrency === 0) throw new ServerArgError('--concurrency must be at least 1.');
  positiveInteger(values['server-timeout'], '--server-timeout', 86_400);
  positiveInteger(values['server-retries'], '--server-retries', 20);
  positiveInteger(values['server-context'], '--server-context', 10_000_000);
}

/** Creates and loads the engine a tool asked for. */
export async function createEngine(request: EngineRequest): Promise<ChosenEngine> {
  const server = request.server;
  if (server?.server !== undefined) {
    checkServerArgs(server);
    const apiKey = (request.env ?? process.env)[API_KEY_VARIABLE];
    const timeout = positiveInteger(server['server-timeout'], '--server-timeout', 86_400);
    const retries = positiveInteger(server['server-retries'], '--server-retries', 20);
    const context = positiveInteger(server['server-context'], '--server-context', 10_000_000);
    const concurrency = positiveInteger(server.concurrency, '--concurrency', 256);
    const engine = createServerEngine({
      baseUrl: server.server,
      ...(server['server-model'] !== undefined ? { model: server['server-model'] } : {}),
      ...(apiKey ? { apiKey } : {}),
      ...(request.promptStyle ? { promptStyle: request.promptStyle } : {}),
      ...(server['server-constraint'] !== undefined
        ? { constraint: server['server-constraint'] as ServerConstraintSetting }
        : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
      ...(retries !== undefined ? { retries } : {}),
      ...(context !== undefined ? { contextLength: context } : {}),
      ...(request.onNote ? { onNote: request.onNote } : {}),
    });
    const model = await engine.load();
    return {
      engine,
      model,
      server: engine,
      description: [
        `server: ${engine.apiBase} (${concurrency ?? 4} requests in flight at most${apiKey ? `, API key from ${API_KEY_VARIABLE}` : ''})`,
        request.constrain === false
          ? 'constraint: none (free decoding asked for)'
          : `constraint: ${constraintWords(engine.constraint!)}`,
      ],
    };
  }
  if (request.source === undefined) throw new ServerArgError('--model or --server is required.');
  const engine = await createNodeEngine({
    source: request.source,
    ...(request.dtype ? { dtype: request.dtype } : {}),
    ...(request.promptStyle ? { promptStyle: request.promptStyle } : {}),
  });
  return { engine, model: engine.model, description: [] };
}
