/**
 * The server engine's pure pieces: reading the two answer shapes, scoring entities from the server's
 * token log-probabilities the engine's way, the base-URL rules and the constraint's request fields.
 * (The engine itself is tested against a real server in test/unit/tools/server/.)
 */
import { describe, expect, it } from 'vitest';
import { parseAndScore, readAnswer } from '../../../../workers/server-engine/completion';
import {
  autoConstraint,
  constraintFields,
  JSON_STRING_LIST_GBNF,
} from '../../../../workers/server-engine/constraint';
import { serverUrls } from '../../../../workers/server-engine/server-engine';
import { checkServerArgs } from '../../../../tools/engine-factory';
import { withinLengthCaps } from '../../../../workers/server-engine/length-caps';
import { MAX_ENTITY_BYTES, MAX_ENTITY_WORDS } from '../../../../workers/limits';

const completion = (text: string, tokens?: [string, number][]) => ({
  choices: [
    {
      text,
      ...(tokens
        ? { logprobs: { tokens: tokens.map((t) => t[0]), token_logprobs: tokens.map((t) => t[1]) } }
        : { logprobs: null }),
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 57, completion_tokens: tokens?.length ?? 3 },
});

describe('reading answers', () => {
  it('reads /v1/completions and /v1/chat/completions, with and without logprobs', () => {
    const legacy = readAnswer(
      completion(' ["a"]', [
        [' ["', -0.1],
        ['a', -0.2],
        ['"]', -0.3],
      ]),
      'x',
    );
    expect(legacy.text).toBe(' ["a"]');
    expect(legacy.tokens).toHaveLength(3);
    expect(legacy.promptTokens).toBe(57);
    expect(readAnswer(completion('[]'), 'x').tokens).toBeUndefined();
    const chat = readAnswer(
      {
        choices: [{ message: { content: '["b"]' }, logprobs: { content: [{ token: '["', logprob: -1 }] } }],
      },
      'x',
    );
    expect(chat.text).toBe('["b"]');
    expect(chat.tokens).toEqual([{ text: '["', logProb: -1 }]);
  });

  it('refuses JSON that is not a completion, naming the server', () => {
    expect(() => readAnswer({ status: 'ok' }, 'http://h/v1/completions')).toThrow(
      /http:\/\/h\/v1\/completions answered JSON without choices/,
    );
  });

  it('scores an entity by the joint probability of its content tokens and the closing quote', () => {
    const parsed = parseAndScore(
      readAnswer(
        completion(' ["Barack Obama", "Hawaii"]', [
          [' ["', -0.5],
          ['Bar', -0.1],
          ['ack', -0.2],
          [' Obama', -0.3],
          ['",', -0.4],
          [' "', -0.6],
          ['Hawaii', -0.7],
          ['"]', -0.8],
        ]),
        'x',
      ),
    );
    expect(parsed.entities).toEqual(['Barack Obama', 'Hawaii']);
    expect(parsed.wellFormed).toBe(true);
    expect(parsed.scored).toBe(true);
    expect(parsed.scores.get('Barack Obama')).toBeCloseTo(Math.exp(-0.1 - 0.2 - 0.3 - 0.4), 10);
    expect(parsed.scores.get('Hawaii')).toBeCloseTo(Math.exp(-0.7 - 0.8), 10);
  });

  it('keeps entities without scores when the tokens do not spell the text, or are absent', () => {
    const mismatch = parseAndScore(
      readAnswer(
        completion(' ["é"]', [
          [' ["', -0.1],
          ['"]', -0.2],
        ]),
        'x',
      ),
    );
    expect(mismatch.entities).toEqual(['é']);
    expect(mismatch.scored).toBe(false);
    expect(mismatch.scores.size).toBe(0);
    const none = parseAndScore(readAnswer(completion('Sure: ["x"'), 'x'));
    expect(none.scored).toBe(false);
    expect(none.wellFormed).toBe(false);
  });
});

describe('server addresses and flags', () => {
  it('takes the base URL with or without /v1 and trailing slashes', () => {
    expect(serverUrls('http://127.0.0.1:8080')).toEqual({
      api: 'http://127.0.0.1:8080/v1',
      root: 'http://127.0.0.1:8080',
    });
    expect(serverUrls('https://h.example/llm/v1/')).toEqual({
      api: 'https://h.example/llm/v1',
      root: 'https://h.example/llm',
    });
  });

  it('refuses credentials in the URL (the key goes in the environment) and non-HTTP schemes', () => {
    expect(() => serverUrls('http://user:secret@h:1')).toThrow(/UNINER_SERVER_API_KEY/);
    expect(() => serverUrls('ftp://h')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => serverUrls('not a url')).toThrow(/not a URL/);
  });

  it('checks the server flags', () => {
    expect(() => checkServerArgs({ 'server-model': 'm' })).toThrow(/--server-model goes with --server/);
    expect(() => checkServerArgs({ server: 'http://h', 'server-constraint': 'regex' })).toThrow(
      /--server-constraint must be auto or one of/,
    );
    expect(() => checkServerArgs({ server: 'http://h', concurrency: '0' })).toThrow(/at least 1/);
    expect(() =>
      checkServerArgs({ server: 'http://h', concurrency: '8', 'server-timeout': '30' }),
    ).not.toThrow();
  });
});

describe('constraint fields', () => {
  it('asks llama.cpp for its grammar and vLLM for structured outputs; auto follows owned_by', () => {
    expect(constraintFields('grammar')).toEqual({ grammar: JSON_STRING_LIST_GBNF });
    expect(constraintFields('json-schema')).toEqual({
      structured_outputs: { json: { type: 'array', items: { type: 'string' } } },
    });
    expect(constraintFields('none')).toEqual({});
    expect(autoConstraint('vllm')).toBe('json-schema');
    expect(autoConstraint('llamacpp')).toBe('grammar');
    expect(autoConstraint(undefined)).toBe('grammar');
  });
});

describe("length caps on constrained server answers (the local constraint's rules)", () => {
  const passage = 'Nelson Mandela was released from prison in 1990.';
  it('keeps ordinary entities and drops the whole passage, with or without its edge punctuation', () => {
    expect(withinLengthCaps('Nelson Mandela', passage)).toBe(true);
    expect(withinLengthCaps(passage, passage)).toBe(false);
    expect(withinLengthCaps('Nelson Mandela was released from prison in 1990', passage)).toBe(false);
    // A passage of fewer than three words may be named whole ("Paris").
    expect(withinLengthCaps('Paris', 'Paris')).toBe(true);
  });

  it('drops entities over the word or byte cap', () => {
    const long = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    expect(withinLengthCaps(Array(MAX_ENTITY_WORDS).fill('a').join(' '), long)).toBe(true);
    expect(
      withinLengthCaps(
        Array(MAX_ENTITY_WORDS + 1)
          .fill('a')
          .join(' '),
        long,
      ),
    ).toBe(false);
    expect(withinLengthCaps('é'.repeat(MAX_ENTITY_BYTES / 2), long)).toBe(true);
    expect(withinLengthCaps('é'.repeat(MAX_ENTITY_BYTES / 2 + 1), long)).toBe(false);
  });
});
