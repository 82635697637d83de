import { describe, expect, it } from 'vitest';
import { JsonListConstraint } from '../../../../../workers/decoding/constraint';
import { LLAMA_EOS, byteToken, llamaId, llamaTokenTable, randomWalk } from './helpers';

const encoder = new TextEncoder();

const PASSAGES = [
  'Barack Obama was born in Honolulu, Hawaii, and served as the 44th president of the United States.',
  'He said "no" twice, then typed C:\\Users\\ana\\notes.txt and a URL like https://example.org/a/b.',
  'Café au lait, naïve façade — Zürich. 東京都と大阪府は日本の都市です。 Emoji: 😀👍🏽 fin.',
  'Line one\nLine two\twith a tab\r\nand a bell \u0007 and a \u001f unit separator.',
  'ab',
  '',
];

/** Asserts everything a finished answer must satisfy. */
function expectValidAnswer(passage: string, text: string): string[] {
  const parsed: unknown = JSON.parse(text);
  expect(Array.isArray(parsed)).toBe(true);
  const items = parsed as unknown[];
  for (const item of items) {
    expect(typeof item).toBe('string');
    expect((item as string).length).toBeGreaterThan(0);
    expect(passage.includes(item as string)).toBe(true);
  }
  expect(new Set(items).size).toBe(items.length);
  return items as string[];
}

/** A constraint over the LLaMA vocabulary, fed byte by byte through `<0xNN>` tokens. */
function constraintAfter(passage: string, prefix: string, maxNewTokens = 256, maxItems?: number) {
  const c = new JsonListConstraint(llamaTokenTable(), passage, {
    eosTokenId: LLAMA_EOS,
    maxNewTokens,
    ...(maxItems !== undefined ? { maxItems } : {}),
  });
  for (const b of encoder.encode(prefix)) {
    expect(c.allowedTokens()).toContain(byteToken(b));
    c.advance(byteToken(b));
  }
  expect(c.violation).toBeNull();
  return c;
}

/** First bytes of the allowed tokens. */
function firstBytes(c: JsonListConstraint): Set<number> {
  const table = llamaTokenTable();
  return new Set([...c.allowedTokens()].map((id) => table.tokenBytes[id]?.[0] ?? -1));
}

describe('JsonListConstraint: random walks over the LLaMA vocabulary', () => {
  const budgets = [6, 10, 16, 32, 64, 256];
  PASSAGES.forEach((passage, p) => {
    it(`always ends with EOS in budget and yields a valid answer (passage ${p})`, () => {
      let nonEmpty = 0;
      for (let seed = 1; seed <= 60; seed++) {
        const maxNewTokens = budgets[seed % budgets.length] as number;
        const walk = randomWalk(llamaTokenTable(), passage, {
          seed: seed * 31 + p,
          maxNewTokens,
          closeBias: (seed % 4) / 4,
        });
        expect(walk.constraint.violation).toBeNull();
        expect(walk.endedWithEos).toBe(true);
        expect(walk.ids.length).toBeLessThanOrEqual(maxNewTokens);
        expect(walk.constraint.isComplete()).toBe(true);
        if (expectValidAnswer(passage, walk.text).length > 0) nonEmpty++;
      }
      if (passage.length > 2) expect(nonEmpty).toBeGreaterThan(20);
    });
  });

  it('respects maxItems', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const walk = randomWalk(llamaTokenTable(), PASSAGES[0] as string, {
        seed,
        maxNewTokens: 128,
        closeBias: 0.8,
        maxItems: 2,
      });
      expect(expectValidAnswer(PASSAGES[0] as string, walk.text).length).toBeLessThanOrEqual(2);
    }
  });
});

describe('JsonListConstraint: grammar details', () => {
  const passage = 'Obama met Obama. Café "quoted"\nnext';

  it('allows the empty list and then only EOS', () => {
    const c = constraintAfter(passage, ' [');
    expect(c.allowedTokens()).toContain(llamaId(']'));
    c.advance(llamaId(']'));
    expect([...c.allowedTokens()]).toEqual([LLAMA_EOS]);
    c.advance(LLAMA_EOS);
    expect(c.isComplete()).toBe(true);
  });

  it('accepts multi-byte tokens such as ▁[" and ",', () => {
    const c = constraintAfter(passage, '');
    expect(c.allowedTokens()).toContain(llamaId('▁["'));
    c.advance(llamaId('▁["'));
    c.advance(llamaId('Ob'));
    c.advance(llamaId('ama'));
    expect(c.allowedTokens()).toContain(llamaId('",'));
    expect(c.violation).toBeNull();
  });

  it('allows EOS only right after ]', () => {
    for (const prefix of ['', ' ', '[', '["', '["Obama', '["Obama"', '["Obama",', '["Obama", "met"']) {
      expect(constraintAfter(passage, prefix).allowedTokens()).not.toContain(LLAMA_EOS);
    }
    expect([...constraintAfter(passage, '["Obama"]').allowedTokens()]).toEqual([LLAMA_EOS]);
  });

  it('refuses empty strings', () => {
    expect(firstBytes(constraintAfter(passage, '["')).has(0x22)).toBe(false);
    expect(firstBytes(constraintAfter(passage, '["Obama", "')).has(0x22)).toBe(false);
  });

  it('refuses duplicates, also when spelled with escapes, but allows extending them', () => {
    const c = constraintAfter(passage, '["Obama", "Obama');
    const first = firstBytes(c);
    expect(first.has(0x22)).toBe(false);
    expect(first.has(0x20)).toBe(true); // "Obama met" is new
    expect(first.has(0x2e)).toBe(true); // "Obama." is new
    expect(firstBytes(constraintAfter(passage, '["Obama", "Obam\\u0061')).has(0x22)).toBe(false);
    // A token that closes one string and opens the next sees the string it just closed.
    const d = constraintAfter(passage, '["Obama');
    expect(d.allowedTokens()).toContain(llamaId('","'));
    d.advance(llamaId('","'));
    expect(firstBytes(constraintAfter(passage, '["Obama","Obama')).has(0x22)).toBe(false);
  });

  it('only takes passage substrings, starting and ending on character boundaries', () => {
    const c = constraintAfter(passage, '["Caf');
    expect(c.allowedTokens()).toContain(byteToken(0xc3));
    c.advance(byteToken(0xc3)); // first byte of é
    expect(firstBytes(c)).toEqual(new Set([0xa9])); // only the rest of é: no closing quote mid-character
    expect(firstBytes(constraintAfter(passage, '["')).has(0xa9)).toBe(false); // no string starts mid-character
    expect(firstBytes(constraintAfter(passage, '["Obama')).has(0x21)).toBe(false); // "Obama!" is not in the passage
  });

  it('demands escapes for quotes, backslashes and control characters', () => {
    const c = constraintAfter(passage, '["Café ');
    expect(firstBytes(c).has(0x22)).toBe(true); // closing "Café " is allowed...
    const q = constraintAfter(passage, '["Café \\"quoted\\"');
    expect(firstBytes(q).has(0x0a)).toBe(false); // raw newline never
    expect(firstBytes(q).has(0x5c)).toBe(true); // \n is fine
    const n = constraintAfter(passage, '["Café \\"quoted\\"\\n');
    expect(n.violation).toBeNull();
    expect(firstBytes(n).has(0x6e)).toBe(true); // "next"
    const u = constraintAfter(passage, '["\\u0022quoted\\u0022\\u000a');
    expect(u.violation).toBeNull();
  });

  it('spells characters above U+FFFF with surrogate pairs', () => {
    const c = constraintAfter('see 😀 here', '["\\ud83d\\ude00');
    expect(firstBytes(c).has(0x22)).toBe(true);
    expect(firstBytes(constraintAfter('see 😀 here', '["\\ud83d')).has(0x22)).toBe(false);
  });

  it('allows one space per run and no other whitespace (the official parser rejects it)', () => {
    const start = constraintAfter(passage, '');
    for (const b of [0x09, 0x0a, 0x0d]) expect(firstBytes(start).has(b)).toBe(false);
    const c = constraintAfter(passage, ' ');
    expect(firstBytes(c).has(0x20)).toBe(false);
    expect(firstBytes(c).has(0x5b)).toBe(true);
    const afterComma = constraintAfter(passage, '["Obama", ');
    expect(firstBytes(afterComma).has(0x20)).toBe(false);
    expect(firstBytes(afterComma).has(0x22)).toBe(true);
  });

  it('refuses a comma when every possible string was already given', () => {
    const c = constraintAfter('a', '["a"');
    expect(firstBytes(c).has(0x2c)).toBe(false);
    expect(firstBytes(c).has(0x5d)).toBe(true);
  });

  it('refuses a comma beyond maxItems', () => {
    expect(firstBytes(constraintAfter(passage, '["Obama"', 256, 1)).has(0x2c)).toBe(false);
  });

  it('only offers [] when the passage is empty', () => {
    expect(firstBytes(constraintAfter('', '[')).has(0x22)).toBe(false);
  });
});

describe('JsonListConstraint: budget rule', () => {
  const passage = 'Barack Obama was born in Hawaii.';
  const table = llamaTokenTable();

  it('with 3 tokens left only allows what can still reach `]` and EOS', () => {
    const c = new JsonListConstraint(table, passage, { eosTokenId: LLAMA_EOS, maxNewTokens: 3 });
    for (const id of c.allowedTokens()) {
      const text = new TextDecoder().decode(table.tokenBytes[id] ?? new Uint8Array());
      expect(text.trim() === '[' || text.trim() === '[]' || /^\s+$/.test(text)).toBe(true);
    }
  });

  it('forces the string, the list and the answer to close as the budget runs out', () => {
    const c = constraintAfter(passage, '["', 6); // 2 tokens used, 4 left: content + " + ] + EOS
    for (const id of c.allowedTokens()) {
      const bytes = table.tokenBytes[id] as Uint8Array;
      expect(bytes[0]).not.toBe(0x22); // a string still needs content
    }
    c.advance(llamaId('Bar'));
    // 3 left: every allowed token must close the string now.
    for (const id of c.allowedTokens()) expect(table.tokenBytes[id]?.[0]).toBe(0x22);
    c.advance(byteToken(0x22));
    // 2 left: only `]` (tokens like "▁]" included).
    for (const id of c.allowedTokens())
      expect(new TextDecoder().decode(table.tokenBytes[id] ?? undefined).trim()).toBe(']');
    c.advance(llamaId(']'));
    expect([...c.allowedTokens()]).toEqual([LLAMA_EOS]);
    c.advance(LLAMA_EOS);
    expect(c.isComplete()).toBe(true);
    expect(c.generated).toBe(6);
  });

  it('refuses to open a string it could not close in budget', () => {
    const c = new JsonListConstraint(table, passage, { eosTokenId: LLAMA_EOS, maxNewTokens: 7 });
    for (const piece of ['["', 'Ob', 'ama', '"']) c.advance(llamaId(piece)); // 4 used, 3 left
    expect(c.violation).toBeNull();
    expect(firstBytes(c).has(0x2c)).toBe(false); // `, "x"]` + EOS needs 6
    expect(firstBytes(c).has(0x5d)).toBe(true);
    const roomy = new JsonListConstraint(table, passage, { eosTokenId: LLAMA_EOS, maxNewTokens: 10 });
    for (const piece of ['["', 'Ob', 'ama', '"']) roomy.advance(llamaId(piece)); // 6 left: `,`"x"]EOS fits
    expect(firstBytes(roomy).has(0x2c)).toBe(true);
  });

  it('falls back to EOS when the budget is already too small', () => {
    const c = new JsonListConstraint(table, passage, { eosTokenId: [LLAMA_EOS, 7], maxNewTokens: 1 });
    expect([...c.allowedTokens()]).toEqual([LLAMA_EOS, 7]);
  });

  it('reports tokens outside the allowed set instead of throwing', () => {
    const c = new JsonListConstraint(table, passage, { eosTokenId: LLAMA_EOS, maxNewTokens: 16 });
    c.advance(llamaId('▁Hello'));
    expect(c.violation).toMatch(/breaks the answer grammar/);
    expect([...c.allowedTokens()]).toEqual([LLAMA_EOS]);
  });
});

describe('JsonListConstraint: the trie walk agrees with a token-by-token check', () => {
  it('allowedTokens() equals { t | accepts(t) } along random walks', () => {
    const table = llamaTokenTable();
    // A dense CJK passage: \u escapes there go through the "characters that can follow" path.
    let cjk = '';
    for (let i = 0; i < 400; i++) cjk += String.fromCodePoint(0x4e00 + ((i * 7919) % 300));
    for (const [p, passage] of [PASSAGES[1], PASSAGES[2], PASSAGES[3], cjk, cjk].entries()) {
      const walk = randomWalk(table, passage as string, { seed: 100 + p, maxNewTokens: 24, closeBias: 0.3 });
      // Replay the walk and compare at every step.
      const c = new JsonListConstraint(table, passage as string, { eosTokenId: LLAMA_EOS, maxNewTokens: 24 });
      for (const id of walk.ids) {
        const fast = new Set(c.allowedTokens());
        const slow = new Set<number>();
        for (let t = 0; t < table.tokenBytes.length; t++) if (c.accepts(t)) slow.add(t);
        expect(fast).toEqual(slow);
        c.advance(id);
      }
    }
  });
});
