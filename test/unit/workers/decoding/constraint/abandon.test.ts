/**
 * Issue #12: when the model wants a string that is not in the passage, the constraint must let that
 * item go and close the list, never steer the model into passage fragments ("O", "Ob", "Oba"...).
 *
 * A scripted "model" wants a fixed answer token by token (its preferred token gets a large logit, every
 * other token seeded noise), like the scripted-llama fixture; the processor decides each step.
 */
import { describe, expect, it } from 'vitest';
import { Tensor } from '@huggingface/transformers';
import { JsonListLogitsProcessor } from '../../../../../workers/decoding/constraint/logits-processor';
import type { JsonListConstraint } from '../../../../../workers/decoding/constraint';
import { parseAnswer } from '../../../../../workers/text/stream-parser';
import { LLAMA_EOS, llamaId, llamaIdsOf, llamaTokenTable, seededRandom } from './helpers';

const VOCAB = 32000;
const decoder = new TextDecoder('utf-8', { fatal: true });

interface Run {
  readonly ids: number[];
  /** The raw answer text (EOS excluded). */
  readonly text: string;
  /** What the app reports: the streamed entities minus the item the constraint let go. */
  readonly kept: string[];
  readonly constraint: JsonListConstraint;
  /** Steps inside a string, before any abandonment, where the emitted token was not the model's choice. */
  readonly overruledInString: number;
}

/**
 * Greedy decoding through the processor. `prefer(step, constraint)` names the token the model wants
 * (EOS when it returns undefined); every other logit is noise in [0, 10).
 */
function decode(
  passage: string,
  maxNewTokens: number,
  prefer: (step: number, c: JsonListConstraint | undefined) => number | undefined,
  seed = 1,
): Run {
  const processor = new JsonListLogitsProcessor(llamaTokenTable(), passage, {
    eosTokenId: LLAMA_EOS,
    maxNewTokens,
    greedy: true,
  });
  const rand = seededRandom(seed);
  const prompt = [1n, 100n, 101n];
  const ids: number[] = [];
  let overruledInString = 0;
  for (let step = 0; step < maxNewTokens; step++) {
    // Feed what was generated (the processor would do it too) so `prefer` sees the current state.
    const current = processor.constraints[0];
    for (let i = current?.generated ?? ids.length; i < ids.length; i++) current?.advance(ids[i] as number);
    const data = new Float32Array(VOCAB);
    for (let i = 0; i < VOCAB; i++) data[i] = rand() * 10;
    const wanted = prefer(step, current) ?? LLAMA_EOS;
    data[wanted] = 100;
    processor._call([[...prompt, ...ids.map(BigInt)]], new Tensor('float32', data, [1, VOCAB]));
    let best = 0;
    for (let i = 1; i < VOCAB; i++) if ((data[i] as number) > (data[best] as number)) best = i;
    const c = processor.constraints[0] as JsonListConstraint;
    // Inside a string the model's choice stands, unless the item is being let go.
    if (c.insideString && !c.abandoned && best !== wanted) overruledInString++;
    ids.push(best);
    if (best === LLAMA_EOS) break;
  }
  const constraint = processor.constraints[0] as JsonListConstraint;
  // generate stops without calling the processor again after EOS: feed the rest the same way.
  for (let i = constraint.generated; i < ids.length; i++) constraint.advance(ids[i] as number);
  const table = llamaTokenTable();
  const end = ids.indexOf(LLAMA_EOS);
  const bytes = (end < 0 ? ids : ids.slice(0, end)).flatMap((id) => [...(table.tokenBytes[id] ?? [])]);
  const text = decoder.decode(Uint8Array.from(bytes));
  return {
    ids,
    text,
    kept: constraint.keptEntities(parseAnswer(text).entities),
    constraint,
    overruledInString,
  };
}

/** A model that wants `script` token by token, then EOS (positional, like the scripted fixture). */
function scripted(script: readonly number[]) {
  return (step: number) => script[step];
}

/** Asserts the guarantees every constrained answer keeps. */
function expectValid(run: Run, passage: string, maxNewTokens: number): string[] {
  expect(run.ids.at(-1)).toBe(LLAMA_EOS);
  expect(run.ids.length).toBeLessThanOrEqual(maxNewTokens);
  expect(run.constraint.violation).toBeNull();
  expect(run.constraint.isComplete()).toBe(true);
  const items = JSON.parse(run.text) as string[];
  expect(Array.isArray(items)).toBe(true);
  for (const item of items) expect(passage).toContain(item);
  for (const entity of run.kept) expect(entity.length).toBeGreaterThan(0);
  return items;
}

describe('constrained decoding lets an invented item go', () => {
  it('closes the list instead of spelling fragments of the passage (the scripted model on "Kenya")', () => {
    const passage = 'Barack Obama was born in Kenya.';
    const script = llamaIdsOf(' ["Barack Obama", "Hawaii"]');
    for (let seed = 1; seed <= 10; seed++) {
      const run = decode(passage, 64, scripted(script), seed);
      const items = expectValid(run, passage, 64);
      expect(run.kept).toEqual(['Barack Obama']);
      // The raw answer shows the item that was let go, empty since not even its first token fits.
      expect(items).toEqual(['Barack Obama', '']);
      expect(run.constraint.abandoned).toBe(true);
      expect(run.constraint.dropped).toBe('');
      expect(run.overruledInString).toBe(0);
      // `", "` was the model's, then `"]` and EOS: nothing spent on fragments.
      expect(run.ids.length).toBeLessThanOrEqual(script.indexOf(llamaId('▁"')) + 4);
    }
  });

  it('drops an item that left the passage half-way, keeping the raw answer valid JSON', () => {
    const passage = 'Barack Obama studied at Harvard, not in Kenya.';
    const script = [
      ...llamaIdsOf(' ["Barack Obama", "'),
      llamaId('Ha'),
      llamaId('wa'),
      llamaId('ii'),
      ...llamaIdsOf('"]'),
    ];
    const run = decode(passage, 64, scripted(script));
    const items = expectValid(run, passage, 64);
    expect(items).toEqual(['Barack Obama', 'Ha']);
    expect(run.constraint.dropped).toBe('Ha');
    expect(run.kept).toEqual(['Barack Obama']);
    expect(run.overruledInString).toBe(0);
  });

  it('drops the string the token budget would cut short instead of reporting its prefix', () => {
    const passage = 'Barack Obama was born in Kenya.';
    const script = llamaIdsOf(' ["Kenya", "Barack Obama"]');
    // One token short of the whole answer plus EOS.
    const budget = script.length;
    const run = decode(passage, budget, scripted(script));
    expectValid(run, passage, budget);
    expect(run.kept).toEqual(['Kenya']);
    expect(run.constraint.abandoned).toBe(true);
    expect(run.overruledInString).toBe(0);
  });

  it('ends the list when the model repeats an item', () => {
    const passage = 'Obama met Obama in Kenya.';
    const script = llamaIdsOf(' ["Obama", "Obama", "Obama", "Obama"]');
    const run = decode(passage, 64, scripted(script));
    const items = expectValid(run, passage, 64);
    expect(items).toEqual(['Obama', 'Obama']);
    expect(run.constraint.dropped).toBe('Obama');
    expect(run.kept).toEqual(['Obama']);
  });

  it('ends the list when the model stops inside a string', () => {
    const passage = 'Barack Obama was born in Kenya.';
    const run = decode(passage, 64, scripted(llamaIdsOf(' ["Kenya", "Barack')));
    expectValid(run, passage, 64);
    expect(run.kept).toEqual(['Kenya']);
    expect(run.constraint.dropped).toBe('Barack');
  });

  it('leaves an answer made of passage strings exactly as the model wrote it', () => {
    const passage = 'Barack Obama was born in Honolulu, Hawaii.';
    const answer = ' ["Barack Obama", "Honolulu", "Hawaii"]';
    const run = decode(passage, 64, scripted(llamaIdsOf(answer)));
    expectValid(run, passage, 64);
    expect(run.text).toBe(answer);
    expect(run.constraint.abandoned).toBe(false);
    expect(run.constraint.dropped).toBeNull();
    expect(run.kept).toEqual(['Barack Obama', 'Honolulu', 'Hawaii']);
  });

  it('answers [] when the model wants to stop before the list', () => {
    const passage = 'Barack Obama was born in Kenya.';
    const run = decode(passage, 64, scripted([]));
    expect(expectValid(run, passage, 64)).toEqual([]);
    expect(run.constraint.abandoned).toBe(true);
    expect(run.ids.length).toBeLessThanOrEqual(3);
  });

  it('turns prose before the list into list syntax, but never into item text', () => {
    const passage = 'Barack Obama was born in Kenya.';
    for (let seed = 1; seed <= 5; seed++) {
      const run = decode(passage, 64, scripted(llamaIdsOf(' The text describes a person.')), seed);
      expectValid(run, passage, 64);
      expect(run.kept).toEqual([]);
      expect(run.overruledInString).toBe(0);
    }
  });

  it('closes the list when the model goes on in prose after an item', () => {
    const passage = 'Barack Obama was born in Kenya.';
    const run = decode(passage, 64, scripted(llamaIdsOf(' ["Barack Obama" and "Kenya"]')));
    expect(expectValid(run, passage, 64)).toEqual(['Barack Obama']);
    expect(run.kept).toEqual(['Barack Obama']);
  });

  it('still repairs list syntax the grammar refuses (a space after [)', () => {
    const passage = 'Barack Obama was born in Kenya.';
    const run = decode(passage, 64, scripted(llamaIdsOf('[ "Kenya"]')));
    expect(run.constraint.abandoned).toBe(false);
    expectValid(run, passage, 64);
  });

  it('keeps the earlier of two equal items when the later one is let go', () => {
    const c = decode('Obama met Obama.', 64, scripted(llamaIdsOf(' ["Obama", "Obama"]'))).constraint;
    expect(c.keptEntities(['Obama', 'met', 'Obama'])).toEqual(['Obama', 'met']);
    expect(c.keptEntities(['Obama', 'met'])).toEqual(['Obama', 'met']); // only ever the last one
    expect(c.keptEntities([])).toEqual([]);
  });
});

describe('constrained decoding with random models', () => {
  const passages = [
    'Barack Obama was born in Honolulu, Hawaii, and served as the 44th president of the United States.',
    'Café au lait, naïve façade — Zürich. 東京都と大阪府は日本の都市です。 Emoji: 😀👍🏽 fin.',
    'He said "no" twice, then typed C:\\Users\\ana\\notes.txt and left.',
    'ab',
  ];

  it('never overrules the model inside a kept string, and always ends in a valid list within budget', () => {
    let abandoned = 0;
    let keptNonEmpty = 0;
    for (const [p, passage] of passages.entries()) {
      for (let seed = 1; seed <= 40; seed++) {
        const maxNewTokens = [8, 16, 32, 64][seed % 4] as number;
        const rand = seededRandom(seed * 97 + p);
        // Follows the grammar most of the time (a random allowed token, often one that closes a string
        // or the list), sometimes wants anything.
        const table = llamaTokenTable();
        const prefer = (_step: number, c: JsonListConstraint | undefined): number => {
          if (!c) return llamaId('▁["'); // before the first step (the processor builds its constraints then)
          const r = rand();
          const allowed = [...c.allowedTokens()];
          const structural = allowed.filter((id) =>
            table.tokenBytes[id]?.some((b) => b === 0x22 || b === 0x5d),
          );
          const pool =
            r < 0.1 || allowed.length === 0 ? null : r < 0.4 && structural.length > 0 ? structural : allowed;
          return pool
            ? (pool[Math.floor(rand() * pool.length)] as number)
            : 3 + Math.floor(rand() * (VOCAB - 3));
        };
        const run = decode(passage, maxNewTokens, prefer, seed);
        const items = expectValid(run, passage, maxNewTokens);
        expect(run.overruledInString).toBe(0);
        expect(new Set(run.kept).size).toBe(run.kept.length);
        // At most the one dropped item separates the raw answer from the kept entities.
        expect(items.filter((s) => s.trim() !== '').length - run.kept.length).toBeLessThanOrEqual(1);
        if (run.constraint.abandoned) abandoned++;
        if (run.kept.length > 0) keptNonEmpty++;
      }
    }
    // The walks exercise both paths.
    expect(abandoned).toBeGreaterThan(20);
    expect(keptNonEmpty).toBeGreaterThan(20);
  });
});
