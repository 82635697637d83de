/**
 * The server engine against a REAL OpenAI-compatible server: llama-cpp-python serving the SmolLM2
 * GGUF on 127.0.0.1 (see real-server.ts). Faults (500, a body that is not the API, a slow answer, a
 * hang-up) come from a tiny proxy in front of it (fault-proxy.ts), never from a mock of the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../../workers/engine';
import {
  createServerEngine,
  type ServerEngineOptions,
} from '../../../../workers/server-engine/server-engine';
import { freePort } from '../../../../tools/server/llama-server';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { useLlamaServer } from './real-server';

const server = useLlamaServer();
const passage = 'Barack Obama was born in Hawaii and later moved to Chicago.';
const types = ['person', 'location'];
/** Short answers keep the tests quick; the grammar closes the list well before this. */
const options = { constrain: true, maxNewTokens: 48 };

/**
 * Whether `raw` is a JSON list of strings, or one cut by the token budget (the grammar bounds the
 * form, not the length): closing the open string and list makes it one.
 */
function isStringListOrCutOne(raw: string): boolean {
  for (const ending of ['', ']', '"]', '""]']) {
    try {
      const parsed: unknown = JSON.parse(raw + ending);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return true;
    } catch {
      // try the next ending
    }
  }
  return false;
}

function engineOn(url: string, extra: Partial<ServerEngineOptions> = {}) {
  return createServerEngine({ baseUrl: url, retries: 2, retryBaseMs: 20, timeoutMs: 60_000, ...extra });
}

async function run(engine: ReturnType<typeof engineOn>, text = passage) {
  const events: EngineEvent[] = [];
  const done = await engine.extract({ passage: text, entityTypes: types, options }, (e) => events.push(e));
  return { done, events, doneEvents: events.filter((e) => e.type === 'type-done') };
}

describe('server engine on llama-cpp-python', () => {
  it('loads: the model the server lists, the grammar constraint (auto on llama.cpp), the server device', async () => {
    const engine = engineOn(server().url);
    const model = await engine.load();
    expect(model.source).toContain(server().model);
    expect(model.device).toBe('server');
    expect(model.promptStyle).toBe('uniner');
    expect(engine.constraint).toBe('grammar');
  });

  it('answers every type with a valid JSON list of strings under the grammar, with spans and scores', async () => {
    const engine = engineOn(server().url);
    const { done, events, doneEvents } = await run(engine);
    expect(done.interrupted).toBe(false);
    expect(done.stats.decodeTokens).toBeGreaterThan(0);
    expect(doneEvents.map((e) => e.entityType).sort()).toEqual([...types].sort());
    expect(events.filter((e) => e.type === 'type-started')).toHaveLength(types.length);
    for (const event of doneEvents) {
      expect(event.rawAnswers).toHaveLength(1);
      expect(isStringListOrCutOne(event.rawAnswers[0]!)).toBe(true);
      for (const entity of event.entities) {
        for (const span of entity.spans)
          expect(passage.slice(span.start, span.end).length).toBeGreaterThan(0);
      }
    }
    const found = doneEvents.flatMap((e) => e.entities.filter((entity) => entity.spans.length > 0));
    expect(found.length).toBeGreaterThan(0);
    // llama-cpp-python returns logprobs: every entity read from an answer has a probability.
    expect(engine.scores).toBe(true);
    for (const entity of found) {
      expect(entity.score).toBeGreaterThan(0);
      expect(entity.score).toBeLessThanOrEqual(1);
    }
  });

  it('without a constraint, sends the raw UniNER prompt and reads whatever comes back', async () => {
    const engine = engineOn(server().url, { constraint: 'none' });
    const { doneEvents } = await run(engine);
    expect(engine.constraint).toBe('none');
    expect(doneEvents).toHaveLength(2);
    // The tiny model answers prose without a grammar (DESIGN.md): the parser salvages and says so.
    for (const event of doneEvents)
      expect(event.type === 'type-done' && event.rawAnswers[0]).toBeTypeOf('string');
  });

  it('an interrupt aborts the requests in flight and ends with interrupted: true', async () => {
    const engine = engineOn(server().url, { constraint: 'none' });
    await engine.load();
    const running = engine.extract({
      passage,
      entityTypes: types,
      options: { constrain: false, maxNewTokens: 64 },
    });
    setTimeout(() => engine.interrupt(), 50);
    const done = await running;
    expect(done.interrupted).toBe(true);
  });
});

describe('server engine failures (a fault proxy in front of the real server)', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(server().url);
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('an unreachable server: a ServerError that names the address and what to check', async () => {
    const port = await freePort();
    const error = (await engineOn(`http://127.0.0.1:${port}`)
      .load()
      .catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('ServerError');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toMatch(/cannot reach.*ECONNREFUSED.*gave up after 3 attempts/s);
  });

  it('keeps at most `concurrency` requests in flight, and sends the types of a passage together', async () => {
    const types3 = ['person', 'location', 'year'];
    const cases: [Partial<ServerEngineOptions>, number][] = [
      [{ concurrency: 1 }, 1],
      [{ concurrency: 2 }, 2],
      [{ concurrency: 4, typesInParallel: false }, 1],
    ];
    for (const [extra, peak] of cases) {
      proxy.setFault(() => 'pass');
      proxy.resetPeak();
      const engine = engineOn(proxy.url, extra);
      const done = await engine.extract({ passage, entityTypes: types3, options });
      expect(done.interrupted).toBe(false);
      expect(proxy.peakInFlight).toBe(peak);
    }
  });

  it('a 500 that passes: retried with backoff, then every type is answered', async () => {
    const start = proxy.completions;
    proxy.setFault((n) => (n <= start + 2 ? '500' : 'pass'));
    const notes: string[] = [];
    const viaProxy = await run(engineOn(proxy.url, { concurrency: 1, onNote: (m) => notes.push(m) }));
    expect(proxy.completions - start).toBe(4); // 2 faults + 2 answers
    expect(notes.some((note) => /HTTP 500: injected fault.*retrying/.test(note))).toBe(true);
    expect(viaProxy.doneEvents.map((e) => e.entityType).sort()).toEqual([...types].sort());
    for (const event of viaProxy.doneEvents)
      if (event.type === 'type-done') expect(isStringListOrCutOne(event.rawAnswers[0]!)).toBe(true);
  });

  it('a 500 that stays: a ServerError after the bounded retries', async () => {
    proxy.setFault(() => '500');
    const error = (await run(engineOn(proxy.url)).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('ServerError');
    expect(error.message).toMatch(/HTTP 500.*gave up after 3 attempts/s);
  });

  it('a body that is not the API: a ServerError at once, naming what came back', async () => {
    proxy.setFault(() => 'html');
    const html = (await run(engineOn(proxy.url)).catch((e: unknown) => e)) as Error;
    expect(html.name).toBe('ServerError');
    expect(html.message).toMatch(/not JSON.*Welcome to nginx/s);
    proxy.setFault(() => 'no-choices');
    const shape = (await run(engineOn(proxy.url)).catch((e: unknown) => e)) as Error;
    expect(shape.name).toBe('ServerError');
    expect(shape.message).toMatch(/without choices\[0\]\.text.*OpenAI-compatible/s);
  });

  it('a slow server: each attempt times out, then a ServerError says so', async () => {
    proxy.setFault(() => 'slow');
    const error = (await run(engineOn(proxy.url, { timeoutMs: 300, retries: 1 })).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.name).toBe('ServerError');
    expect(error.message).toMatch(/did not answer within 0\.3 s.*gave up after 2 attempts/s);
  });

  it('a connection the server drops is retried like a 5xx', async () => {
    const before = proxy.completions;
    proxy.setFault((n) => (n === before + 1 ? 'hang-up' : 'pass'));
    const { done } = await run(engineOn(proxy.url, { concurrency: 1 }));
    expect(done.interrupted).toBe(false);
    expect(proxy.completions - before).toBe(3);
  });

  it('a server without /v1/models: usable when the model is named, else a ServerError that says so', async () => {
    proxy.setFault(() => 'pass');
    proxy.setModelsMissing(true);
    try {
      const unnamed = (await engineOn(proxy.url)
        .load()
        .catch((e: unknown) => e)) as Error;
      expect(unnamed.name).toBe('ServerError');
      expect(unnamed.message).toMatch(/v1\/models refused the request: HTTP 404.*model name/s);
      const named = engineOn(proxy.url, { model: server().model });
      const { done, doneEvents } = await run(named);
      expect(done.interrupted).toBe(false);
      expect(doneEvents).toHaveLength(types.length);
    } finally {
      proxy.setModelsMissing(false);
    }
  });

  it('never puts the API key in an error message', async () => {
    proxy.setFault(() => '500');
    const error = (await run(engineOn(proxy.url, { apiKey: 'sk-secret-123', retries: 0 })).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.name).toBe('ServerError');
    expect(error.message).not.toContain('sk-secret-123');
  });
});
