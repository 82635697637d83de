/**
 * The engine end to end in Node on the synthetic models: scripted answers with offsets, streaming
 * events, prefix reuse equal to full re-encode, constrained decoding on random weights, long passages.
 */
import { describe, expect, it } from 'vitest';
import { doneByType, engineFor, extractEvents } from './engine-helpers';
import { expectValidKeptItems } from '../decoding/constraint/helpers';
import type { FromWorker } from '../../../../workers/protocol';

const PASSAGE = 'Barack Obama was born in Hawaii. Later, Obama moved to Chicago, far from Hawaii.';

describe('scripted-llama through the whole engine', () => {
  it('answers ["Barack Obama", "Hawaii"] with every occurrence as offsets', async () => {
    const engine = await engineFor('scripted');
    const events = await extractEvents(engine, PASSAGE, ['person', 'location']);
    const done = doneByType(events);
    for (const type of ['person', 'location']) {
      const result = done.get(type)!;
      expect(result.rawAnswers).toEqual(['["Barack Obama", "Hawaii"]']);
      expect(result.malformed).toBeUndefined();
      const byText = Object.fromEntries(result.entities.map((e) => [e.text, e.spans]));
      expect(byText['Barack Obama']).toEqual([{ start: 0, end: 12 }]);
      const second = PASSAGE.lastIndexOf('Hawaii');
      expect(byText['Hawaii']).toEqual([
        { start: 25, end: 31 },
        { start: second, end: second + 6 },
      ]);
      for (const entity of result.entities) {
        for (const span of entity.spans) expect(PASSAGE.slice(span.start, span.end)).toBe(entity.text);
      }
    }
  });

  it('streams: started, then partial lists that grow, then done, then the request done', async () => {
    const engine = await engineFor('scripted');
    const events = await extractEvents(engine, PASSAGE, ['person']);
    const kinds = events.map((e) => e.type);
    expect(kinds[0]).toBe('type-started');
    expect(kinds.at(-1)).toBe('done');
    const partials = events.filter(
      (e): e is Extract<FromWorker, { type: 'type-partial' }> => e.type === 'type-partial',
    );
    expect(partials.map((p) => p.entities.map((e) => e.text))).toEqual([
      ['Barack Obama'],
      ['Barack Obama', 'Hawaii'],
    ]);
    // The first entity is reported before the answer is complete.
    expect(kinds.indexOf('type-partial')).toBeLessThan(kinds.indexOf('type-done'));
    const done = events.at(-1) as Extract<FromWorker, { type: 'done' }>;
    expect(done.interrupted).toBe(false);
    expect(done.stats.decodeTokens).toBe(12);
    expect(done.stats.prefillTokens).toBeGreaterThan(40);
  });

  it('reports strings that are not in the passage as not found (constraint off)', async () => {
    const engine = await engineFor('scripted');
    const events = await extractEvents(engine, 'Obama visited Hawaii.', ['person'], { constrain: false });
    const result = doneByType(events).get('person')!;
    const obama = result.entities.find((e) => e.text === 'Barack Obama')!;
    expect(obama.spans).toEqual([]);
    expect(obama.match).toBe('none');
    expect(result.entities.find((e) => e.text === 'Hawaii')!.spans).toEqual([{ start: 14, end: 20 }]);
  });

  it('constrained decoding never invents a string the passage lacks', async () => {
    const engine = await engineFor('scripted');
    const events = await extractEvents(engine, 'Obama visited Hawaii.', ['person'], { constrain: true });
    const result = doneByType(events).get('person')!;
    const answer = JSON.parse(result.rawAnswers[0]!) as string[];
    for (const text of answer) expect('Obama visited Hawaii.').toContain(text);
  });

  it('splits a long passage into chunks and maps offsets back to the whole passage', async () => {
    const engine = await engineFor('scripted');
    const sentence =
      'Barack Obama spoke in Hawaii about the weather, the economy and the long history of the islands. ';
    const passage = sentence.repeat(80);
    const events = await extractEvents(engine, passage, ['person'], { maxNewTokens: 32 });
    const done = events.at(-1) as Extract<FromWorker, { type: 'done' }>;
    expect(done.stats.chunks).toBeGreaterThan(1);
    const progress = events.filter(
      (e): e is Extract<FromWorker, { type: 'chunk-progress' }> => e.type === 'chunk-progress',
    );
    // "0 of about N" as soon as the first chunk is found, then one event per finished chunk; the total
    // is an estimate (marked) until the last chunk, whose event carries the exact count.
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: done.stats.chunks + 1 }, (_, i) => i));
    expect(progress.slice(0, -1).every((p) => p.estimated === true && p.total > p.done)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ done: done.stats.chunks, total: done.stats.chunks });
    expect(progress.at(-1)!.estimated).toBeUndefined();
    // Equal sentences: the estimate from the first chunk is already close.
    expect(Math.abs(progress[0]!.total - done.stats.chunks)).toBeLessThanOrEqual(1);
    const obama = doneByType(events)
      .get('person')!
      .entities.find((e) => e.text === 'Barack Obama')!;
    expect(obama.spans).toHaveLength(80);
    for (const span of obama.spans) expect(passage.slice(span.start, span.end)).toBe('Barack Obama');
  });
});

describe('prefix reuse', () => {
  const passage =
    'Ada Lovelace worked with Charles Babbage on the Analytical Engine in London, and wrote what many call the first program.';
  const types = ['person', 'location', 'organization', 'programming language'];

  it.each([
    ['fp32', true],
    ['fp32', false],
    ['q4', true],
  ] as const)(
    'gives the same greedy answers as a full re-encode (tiny-llama %s, constrained %s)',
    async (dtype, constrain) => {
      const engine = await engineFor('tiny', dtype);
      const options = { constrain, maxNewTokens: 24 };
      const reused = await extractEvents(engine, passage, types, { ...options, reusePrefix: true });
      const naive = await extractEvents(engine, passage, types, { ...options, reusePrefix: false });
      const answers = (events: FromWorker[]) => types.map((t) => doneByType(events).get(t)!.rawAnswers);
      expect(answers(reused)).toEqual(answers(naive));
      const stats = (events: FromWorker[]) => (events.at(-1) as Extract<FromWorker, { type: 'done' }>).stats;
      // The passage is encoded once instead of once per type.
      expect(stats(reused).prefillTokens).toBeLessThan(stats(naive).prefillTokens);
      expect(stats(reused).decodeTokens).toBe(stats(naive).decodeTokens);
    },
  );
});

describe('constrained decoding on random weights', () => {
  const passages = [
    'The "Gaussian mixture model" and naive Bayes are used at NeurIPS in Montréal.',
    'München, 東京 and São Paulo host conferences; the café serves crème brûlée 🍰.',
    'C:\\Users\\ada wrote {"key": [1, 2]} in JavaScript.\nThen she left.',
  ];

  it.each(passages)('answers valid JSON lists of distinct passage substrings: %s', async (passage) => {
    const engine = await engineFor('tiny', 'q4');
    const events = await extractEvents(engine, passage, ['person', 'location', 'misc'], { maxNewTokens: 40 });
    for (const result of doneByType(events).values()) {
      expectValidKeptItems(
        result.rawAnswers[0]!,
        result.entities.map((e) => e.text),
        passage,
      );
      expect(result.malformed).toBeUndefined();
    }
  });
});

describe('batched decoding of several types', () => {
  const passage = 'Ada Lovelace worked with Charles Babbage on the Analytical Engine in London.';
  // Questions of different token lengths, so the batch pads between prefix and question.
  const types = ['person', 'location', 'programming language', 'organisation or company', 'misc'];

  it.each([
    ['fp32', false],
    ['fp32', true],
    ['q4', true],
  ] as const)(
    'gives the same greedy answers as one type at a time (tiny-llama %s, constrained %s)',
    async (dtype, constrain) => {
      const engine = await engineFor('tiny', dtype);
      const options = { constrain, maxNewTokens: 20 };
      const single = await extractEvents(engine, passage, types, { ...options, batchSize: 1 });
      const batched = await extractEvents(engine, passage, types, { ...options, batchSize: 3 });
      const answers = (events: FromWorker[]) => types.map((t) => doneByType(events).get(t)!.rawAnswers);
      expect(answers(batched)).toEqual(answers(single));
      expect(batched.filter((e) => e.type === 'type-started')).toHaveLength(types.length);
    },
  );

  it('streams each row of the batch: scripted answers and offsets per type', async () => {
    const engine = await engineFor('scripted');
    const events = await extractEvents(engine, PASSAGE, ['person', 'programming language', 'x'], {
      batchSize: 3,
    });
    for (const result of doneByType(events).values()) {
      expect(result.rawAnswers).toEqual(['["Barack Obama", "Hawaii"]']);
      expect(result.entities.map((e) => e.text)).toEqual(['Barack Obama', 'Hawaii']);
    }
    expect(events.filter((e) => e.type === 'type-partial')).toHaveLength(6);
  });
});

describe('stopWhenListDecided (evaluation)', () => {
  it('cuts free answers where the official reading is fixed, as a prefix of the full answer', async () => {
    const types = ['person', 'location', 'organization', 'date'];
    const run = async (engine: Awaited<ReturnType<typeof engineFor>>, stop: boolean) =>
      doneByType(
        await extractEvents(engine, PASSAGE, types, {
          constrain: false,
          maxNewTokens: 24,
          stopWhenListDecided: stop,
        }),
      );
    // Random weights write anything: the answers are decided at once (not a list) or run to the budget.
    const tiny = await engineFor('tiny');
    const [full, cut] = [await run(tiny, false), await run(tiny, true)];
    let saved = 0;
    for (const type of types) {
      const [whole, short] = [full.get(type)!, cut.get(type)!];
      expect(whole.rawAnswers[0]!.startsWith(short.rawAnswers[0]!)).toBe(true);
      expect(short.decodeTokens).toBeLessThanOrEqual(whole.decodeTokens);
      saved += whole.decodeTokens - short.decodeTokens;
    }
    expect(saved).toBeGreaterThan(0);
    // A real list is cut right after its closing bracket, with the same entities.
    const scripted = await engineFor('scripted');
    const listed = (await run(scripted, true)).get('person')!;
    expect(listed.rawAnswers).toEqual(['["Barack Obama", "Hawaii"]']);
  });
});
