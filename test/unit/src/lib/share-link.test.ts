import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import {
  buildShareUrl,
  decodeShareFragment,
  decompressBounded,
  encodeCompressedFragment,
  encodePlainFragment,
  encodeShareFragment,
  MAX_FRAGMENT_CHARS,
  parseMinScore,
  type SharedState,
} from '../../../../src/lib/share-link';
import { MAX_PASSAGE_CHARS } from '../../../../src/lib/passage-limits';

const FULL: SharedState = {
  passage: 'Barack Obama was born in Hawaii. 50% of “quotes” & ampersands = fine, + plus #hash',
  types: ['person', 'salt, pepper', 'a&b=c', 'ünïcødé 日本'],
  model: 'http://127.0.0.1:4173/models/scripted-llama',
  device: 'wasm',
  dtype: 'q4',
  minScore: 0.35,
};

/** No lone surrogates (those cannot be percent-encoded; the editor never holds them in practice). */
function wellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

function decodeOk(hash: string): SharedState {
  const result = decodeShareFragment(hash);
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result.state;
}

describe('share links: round trips', () => {
  it('plain and compressed forms decode to the same state', () => {
    expect(decodeOk('#' + encodePlainFragment(FULL))).toEqual(FULL);
    expect(decodeOk('#' + encodeCompressedFragment(FULL))).toEqual(FULL);
    expect(decodeOk(encodeShareFragment(FULL))).toEqual(FULL);
  });

  it('picks the shorter form', () => {
    const long: SharedState = { passage: 'the same sentence again. '.repeat(200), types: ['person'] };
    expect(encodeShareFragment(long).startsWith('z=')).toBe(true);
    const short: SharedState = { types: ['person'] };
    expect(encodeShareFragment(short)).toBe('types=person');
  });

  it('round-trips arbitrary passages and types (property)', () => {
    const type = fc.string({ minLength: 1, maxLength: 30 }).filter((t) => t.trim() === t && t.length > 0);
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300, unit: 'binary' }),
        fc.array(type, { maxLength: 6 }),
        (passage, types) => {
          fc.pre(wellFormed(passage));
          fc.pre(types.every(wellFormed));
          const state: SharedState = { passage, types };
          expect(decodeOk(encodePlainFragment(state))).toEqual(state);
          expect(decodeOk(encodeCompressedFragment(state))).toEqual(state);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('buildShareUrl replaces an existing fragment and refuses what is too long', () => {
    expect(buildShareUrl('https://x.test/app/?q=1#old', { types: ['person'] })).toBe(
      'https://x.test/app/?q=1#types=person',
    );
    // Random-looking text does not compress: over the limit in both forms.
    let noise = '';
    for (let i = 0; noise.length < MAX_PASSAGE_CHARS; i++)
      noise += String.fromCharCode(0x4e00 + ((i * 7919) % 20000));
    const big = buildShareUrl('https://x.test/', { passage: noise.slice(0, MAX_PASSAGE_CHARS) });
    expect(big === null || big.length - 'https://x.test/#'.length <= MAX_FRAGMENT_CHARS).toBe(true);
  });
});

describe('share links: hand-written', () => {
  it('reads the plain form a person would type', () => {
    expect(decodeOk('#text=Barack%20Obama%20was%20born%20in%20Hawaii.&types=person,location')).toEqual({
      passage: 'Barack Obama was born in Hawaii.',
      types: ['person', 'location'],
    });
  });

  it('splits types on commas, then percent-decodes (escaped commas stay inside a type)', () => {
    expect(decodeOk('#types=salt%2C%20pepper, person ,,medical%20condition').types).toEqual([
      'salt, pepper',
      'person',
      'medical condition',
    ]);
  });

  it('reads + as a space, the way URLSearchParams and Python urlencode write links', () => {
    const passage = 'Barack Obama was born in Hawaii. C++ & 50% = fine';
    const types = ['person', 'programming language', 'salt, pepper'];
    // URLSearchParams, what a JavaScript tool writes (it escapes commas, so types are added by hand).
    const params = new URLSearchParams({ text: passage, model: 'https://example.org/my models/m' });
    expect(params.toString()).toContain('Barack+Obama');
    const fromParams = decodeOk(`#${params.toString()}&types=person,programming+language`);
    expect(fromParams.passage).toBe(passage);
    expect(fromParams.model).toBe('https://example.org/my models/m');
    expect(fromParams.types).toEqual(['person', 'programming language']);
    // Python: urllib.parse.urlencode({"text": passage, "types": "person,programming language"}, safe=",").
    const fromPython = decodeOk(
      '#text=Barack+Obama+was+born+in+Hawaii.+C%2B%2B+%26+50%25+%3D+fine&types=person,programming+language',
    );
    expect(fromPython.passage).toBe(passage);
    expect(fromPython.types).toEqual(['person', 'programming language']);
    expect(decodeOk('#types=person,programming+language,salt%2C+pepper').types).toEqual(types);
  });

  it("writes a literal plus as %2B, so the app's own links keep it", () => {
    const state: SharedState = { passage: 'C++ and 1+1', types: ['a+b'], model: 'https://example.org/c++/m' };
    const plain = encodePlainFragment(state);
    expect(plain).not.toMatch(/\+/);
    expect(plain).toContain('C%2B%2B');
    expect(decodeOk(`#${plain}`)).toEqual(state);
    expect(decodeOk(`#${encodeCompressedFragment(state)}`)).toEqual(state);
  });

  it('accepts v=1, preset ids, Hub ids and URLs, and ignores unknown keys', () => {
    expect(decodeOk('#v=1&model=qwen2.5-0.5b-instruct&future=1').model).toBe('qwen2.5-0.5b-instruct');
    expect(decodeOk('#model=onnx-community/Qwen2.5-0.5B-Instruct&device=webgpu')).toEqual({
      model: 'onnx-community/Qwen2.5-0.5B-Instruct',
      device: 'webgpu',
    });
    expect(decodeOk('#model=https%3A%2F%2Fexample.org%2Fm&dtype=auto').model).toBe('https://example.org/m');
  });

  it('accepts a model folder next to the app, kept as written', () => {
    expect(decodeOk('#model=/models/uniner-7b').model).toBe('/models/uniner-7b');
    expect(decodeOk('#model=./models/uniner-7b').model).toBe('./models/uniner-7b');
    expect(decodeOk('#model=..%2Fmodels%2Funiner-7b').model).toBe('../models/uniner-7b');
    expect(decodeOk(`#${encodePlainFragment({ model: './models/uniner-7b' })}`).model).toBe(
      './models/uniner-7b',
    );
  });
});

describe('share links: the confidence threshold (min)', () => {
  it('reads decimals from 0 to 1, kept to two decimals', () => {
    expect(decodeOk('#text=x&min=0.5').minScore).toBe(0.5);
    expect(decodeOk('#text=x&min=.75').minScore).toBe(0.75);
    expect(decodeOk('#text=x&min=1').minScore).toBe(1);
    expect(decodeOk('#text=x&min=0').minScore).toBe(0);
    expect(decodeOk('#text=x&min=0.333').minScore).toBe(0.33);
    expect(decodeOk('#text=x&min=0%2E6').minScore).toBe(0.6);
  });

  it.each(['1.5', '-0.1', '50%', 'abc', '', '1e-1', '0x1', 'NaN', 'Infinity', '0.5.5', ' '])(
    'ignores min=%j with a note and applies the rest of the link',
    (raw) => {
      const result = decodeShareFragment(`#text=Hello&min=${encodeURIComponent(raw)}`);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.state).toEqual({ passage: 'Hello' });
      expect(result.notes).toHaveLength(1);
      expect(result.notes[0]).toMatch(/confidence threshold .* not a number from 0 to 1/);
    },
  );

  it('quotes at most 20 characters of a bad value in the note', () => {
    const result = decodeShareFragment(`#text=x&min=${'9'.repeat(500)}`);
    expect(result.ok && result.notes[0]!.length).toBeLessThan(120);
  });

  it('a link without min, or with a good one, has no notes', () => {
    const plain = decodeShareFragment('#text=x');
    expect(plain.ok && plain.notes).toEqual([]);
    const good = decodeShareFragment(`#${encodeCompressedFragment({ passage: 'x', minScore: 0.4 })}`);
    expect(good.ok && good.notes).toEqual([]);
    expect(good.ok && good.state.minScore).toBe(0.4);
  });

  it('writes the shortest decimal and round-trips float noise', () => {
    expect(encodePlainFragment({ types: ['person'], minScore: 0.5 })).toBe('types=person&min=0.5');
    expect(encodePlainFragment({ types: ['person'], minScore: 0.1 + 0.2 })).toBe('types=person&min=0.3');
    expect(decodeOk(encodePlainFragment({ types: ['p'], minScore: 0.05 })).minScore).toBe(0.05);
  });

  it('parseMinScore (property: every two-decimal value from 0 to 1 reads back)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), (n) => {
        expect(parseMinScore(String(n / 100))).toBe(n / 100);
      }),
    );
  });

  it('a link of min alone is not a share link of its own', () => {
    const result = decodeShareFragment('#min=0.5');
    expect(result.ok).toBe(false);
  });
});

describe('share links: refusals (never throw)', () => {
  const cases: [string, string][] = [
    ['#z=garbage', 'malformed'],
    ['#z=', 'malformed'],
    ['#v=9&text=x', 'unknown-version'],
    ['#v=2&z=' + compressToEncodedURIComponent('text=x'), 'unknown-version'],
    ['#text=%E0%A4%A', 'malformed'],
    ['#types=%ZZ', 'malformed'],
    ['#text=a&text=b', 'malformed'],
    ['#text=x&device=tpu', 'malformed'],
    ['#text=x&dtype=int3', 'malformed'],
    ['#model=javascript:alert(1)', 'malformed'],
    ['#model=data:text/html,x', 'malformed'],
    ['#model=file:///etc/models', 'malformed'],
    ['#model=ftp://example.org/m', 'malformed'],
    ['#model=//evil.example/models/m', 'malformed'],
    ['#model=/%5Cevil.example/models/m', 'malformed'],
    ['#model=blob:https://x/y', 'malformed'],
    ['#device=wasm', 'malformed'],
    ['#text=' + 'a'.repeat(MAX_FRAGMENT_CHARS), 'too-large'],
    ['#text=' + 'a'.repeat(MAX_PASSAGE_CHARS + 1), 'too-large'],
    ['#types=' + Array.from({ length: 201 }, (_, i) => `t${i}`).join(','), 'too-large'],
    ['#z=' + compressToEncodedURIComponent('text=' + 'a'.repeat(MAX_PASSAGE_CHARS + 1)), 'too-large'],
    ['#z=' + compressToEncodedURIComponent('hello'), 'malformed'],
  ];
  it.each(cases)('%s → %s', (hash, code) => {
    const result = decodeShareFragment(hash);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe(code);
      expect(result.reason.length).toBeGreaterThan(0);
    }
  });

  it('stays silent for ordinary anchors', () => {
    for (const hash of ['', '#', '#section-2', '#foo=bar', '#a&a']) {
      const result = decodeShareFragment(hash);
      expect(result.ok ? 'ok' : result.code).toBe('not-a-share-link');
    }
  });

  it('never throws on arbitrary fragments (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (raw) => {
        const result = decodeShareFragment(raw);
        expect(typeof result.ok).toBe('boolean');
        const z = decodeShareFragment('#z=' + raw);
        expect(typeof z.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('bounded decompression', () => {
  it('agrees with lz-string on valid input (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000, unit: 'binary' }), (text) => {
        const packed = compressToEncodedURIComponent(text);
        expect(decompressBounded(packed, 10_000)).toBe(decompressFromEncodedURIComponent(packed));
      }),
      { numRuns: 500 },
    );
  });

  it('stops at the bound instead of expanding a bomb', () => {
    const packed = compressToEncodedURIComponent('a'.repeat(500_000));
    expect(packed.length).toBeLessThan(2_000);
    const started = performance.now();
    expect(decompressBounded(packed, 50_000)).toBeNull();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(decompressBounded(packed, 600_000)).toBe('a'.repeat(500_000));
  });

  it('returns null on truncated or foreign input', () => {
    const packed = compressToEncodedURIComponent('Barack Obama was born in Hawaii.');
    expect(decompressBounded(packed.slice(0, 5), 1000)).toBeNull();
    expect(decompressBounded('', 1000)).toBeNull();
  });
});
