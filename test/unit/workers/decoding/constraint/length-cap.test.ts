/**
 * Issue #27: proposals worth reviewing. With the length caps, the constraint never lets a string grow
 * past MAX_ENTITY_WORDS words or MAX_ENTITY_BYTES bytes, nor become the whole passage; a model that
 * writes on past a cap has its item let go there (fewer tokens, nothing kept), like an invented item.
 */
import { describe, expect, it } from 'vitest';
import { Tensor } from '@huggingface/transformers';
import {
  AnswerGrammar,
  Phase,
  type AnswerState,
} from '../../../../../workers/decoding/constraint/answer-grammar';
import { PassageAutomaton } from '../../../../../workers/decoding/constraint/passage-automaton';
import { JsonListLogitsProcessor } from '../../../../../workers/decoding/constraint/logits-processor';
import type { JsonListConstraint } from '../../../../../workers/decoding/constraint';
import { parseAnswer } from '../../../../../workers/text/stream-parser';
import { MAX_ENTITY_BYTES, MAX_ENTITY_WORDS } from '../../../../../workers/limits';
import { LLAMA_EOS, llamaIdsOf, llamaTokenTable, randomWalk } from './helpers';

const encoder = new TextEncoder();

/** The grammar state after `text`, or null where a byte is refused. */
function walk(grammar: AnswerGrammar, text: string): AnswerState | null {
  let s: AnswerState | null = grammar.initial();
  for (const b of encoder.encode(text)) {
    s = s && grammar.step(s, b);
    if (s) s = grammar.commit(s);
  }
  return s;
}

describe('AnswerGrammar length caps', () => {
  const passage =
    'The Association for the Advancement of Artificial Intelligence met in Vancouver last year.';

  it('refuses the byte that would make a string one word too many, and keeps the rest of the grammar', () => {
    const grammar = new AnswerGrammar(new PassageAutomaton(passage), { maxItemWords: 3 });
    expect(walk(grammar, '["Association for the')).not.toBeNull();
    expect(walk(grammar, '["Association for the ')).toBeNull(); // the third space starts a 4th word
    expect(walk(grammar, '["Association for the", "Vancouver"]')).toMatchObject({ phase: Phase.Done });
  });

  it('refuses a string past the byte cap', () => {
    const grammar = new AnswerGrammar(new PassageAutomaton(passage), { maxItemBytes: 11 });
    expect(walk(grammar, '["Association"]')).toMatchObject({ phase: Phase.Done });
    expect(walk(grammar, '["Association ')).toBeNull();
  });

  it('refuses the whole passage (edges of spaces and punctuation aside) in a passage of three words or more', () => {
    const grammar = new AnswerGrammar(new PassageAutomaton(' Ada met Bob. '), { refuseWholePassage: true });
    expect(walk(grammar, '["Ada met Bo')).not.toBeNull();
    expect(walk(grammar, '["Ada met Bob')).toBeNull();
    expect(walk(grammar, '["Ada met"]')).toMatchObject({ phase: Phase.Done });
    const two = new AnswerGrammar(new PassageAutomaton('New York'), { refuseWholePassage: true });
    expect(walk(two, '["New York"]')).toMatchObject({ phase: Phase.Done }); // a short query may be its entity
  });

  it('counts a string that can only finish past a cap as a dead end', () => {
    // "aa aa" is closed; a second "aa aa" must grow to differ ("aa aa b", 3 words): past a 2-word cap.
    const capped = new AnswerGrammar(new PassageAutomaton('aa aa b'), { maxItemWords: 2 });
    expect(capped.finishCost(walk(capped, '["aa aa", "aa aa')!, 100)).toBe(Infinity);
    const uncapped = new AnswerGrammar(new PassageAutomaton('aa aa b'));
    expect(uncapped.finishCost(walk(uncapped, '["aa aa", "aa aa')!, 100)).toBe(4); // "aa aa " differs: ` ` `"` `]` EOS
    const fresh = new AnswerGrammar(new PassageAutomaton('aa aa b'), { maxItemWords: 2 });
    expect(fresh.finishCost(walk(fresh, '["aa aa", "aa')!, 100)).toBe(3); // "aa" may close: `"` `]` EOS
  });
});

describe('constrained decoding with the length caps', () => {
  it('random walks with the app caps: valid answers, every string within the caps', () => {
    const passage =
      'Barack Obama, who served two terms as the 44th president of the United States of America, was born in Honolulu, Hawaii, in 1961.';
    for (let seed = 1; seed <= 40; seed++) {
      const walked = randomWalk(llamaTokenTable(), passage, {
        seed,
        maxNewTokens: 200,
        closeBias: 0.02, // long strings: the caps must do the stopping
        caps: { maxItemWords: MAX_ENTITY_WORDS, maxItemBytes: MAX_ENTITY_BYTES, refuseWholePassage: true },
      });
      expect(walked.constraint.isComplete()).toBe(true);
      for (const item of JSON.parse(walked.text) as string[]) {
        expect(passage).toContain(item);
        expect(item.split(' ').length).toBeLessThanOrEqual(MAX_ENTITY_WORDS);
        expect(encoder.encode(item).length).toBeLessThanOrEqual(MAX_ENTITY_BYTES);
      }
    }
  });

  it('a model that writes out the whole paragraph has the item let go at the cap: nothing kept, fewer tokens', () => {
    const passage =
      'Barack Obama met Angela Merkel in Berlin on Tuesday to discuss trade, climate policy and the war in Ukraine.';
    const script = llamaIdsOf(` ["${passage}", "Berlin"]`);
    const decode = (lengthCap: boolean) => {
      const processor = new JsonListLogitsProcessor(llamaTokenTable(), passage, {
        eosTokenId: LLAMA_EOS,
        maxNewTokens: 256,
        greedy: true,
        ...(lengthCap
          ? { maxItemWords: MAX_ENTITY_WORDS, maxItemBytes: MAX_ENTITY_BYTES, refuseWholePassage: true }
          : {}),
      });
      const ids: number[] = [];
      for (let step = 0; step < 256; step++) {
        const data = new Float32Array(32000);
        data[script[step] ?? LLAMA_EOS] = 100;
        processor._call([[1n, ...ids.map(BigInt)]], new Tensor('float32', data, [1, 32000]));
        let best = 0;
        for (let i = 1; i < data.length; i++) if ((data[i] as number) > (data[best] as number)) best = i;
        ids.push(best);
        if (best === LLAMA_EOS) break;
      }
      const c = processor.constraints[0] as JsonListConstraint;
      for (let i = c.generated; i < ids.length; i++) c.advance(ids[i] as number);
      const table = llamaTokenTable();
      const text = new TextDecoder().decode(
        Uint8Array.from(
          ids.filter((id) => id !== LLAMA_EOS).flatMap((id) => [...(table.tokenBytes[id] ?? [])]),
        ),
      );
      return { ids, kept: c.keptEntities(parseAnswer(text).entities), constraint: c };
    };
    const uncapped = decode(false);
    expect(uncapped.kept).toEqual([passage, 'Berlin']);
    const capped = decode(true);
    expect(capped.constraint.isComplete()).toBe(true);
    expect(capped.kept).toEqual([]); // the paragraph was let go, and the list closed with it
    expect(capped.constraint.dropped!.split(' ')).toHaveLength(MAX_ENTITY_WORDS);
    expect(capped.ids.length).toBeLessThan(uncapped.ids.length);
  });
});
