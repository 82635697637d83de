/**
 * Issue 28, the formats: a Label Studio export stays one valid JSON array with dense task ids
 * whatever fails; types with control characters are refused for the XML config; CoNLL tokens never
 * hold characters a reader splits on; imported spans may not split a surrogate pair, imported page
 * ranges are checked; importing back takes linear steps (a deterministic count, not a clock).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DocumentWithSpans } from '../../../../../workers/corpus/document';
import {
  conllBlock,
  importJsonl,
  importLabelStudio,
  jsonlLine,
  labelStudioConfig,
  labelStudioWriter,
  wordTokens,
} from '../../../../../workers/corpus/formats';
import { entityTypeProblem } from '../../../../../workers/corpus/formats/label-studio';
import { corpusDocument, fresh, reviewed } from './sample';

describe('Label Studio export whatever fails', () => {
  it('a document that cannot be written (first or later) leaves the array valid and the ids dense', () => {
    // A value JSON.stringify cannot write: a cycle in the metadata.
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const bad: DocumentWithSpans = { ...fresh, document: { ...fresh.document, id: 'bad', meta: cyclic } };
    const writer = labelStudioWriter();
    let text = writer.header();
    for (const doc of [bad, reviewed, bad, fresh]) {
      try {
        text += writer.item(doc);
      } catch {
        // that document is reported by the caller; the export goes on
      }
    }
    text += writer.footer();
    const tasks = JSON.parse(text) as { id: number; data: { uniner: { id: string } } }[];
    expect(tasks.map((t) => [t.id, t.data.uniner.id])).toEqual([
      [1, 'doc-1'],
      [2, 'doc-2'],
    ]);
  });

  it('has a footer that does not depend on how many tasks came before (it is written first, and kept at the end)', () => {
    const writer = labelStudioWriter();
    const footer = writer.footer();
    const text = writer.header() + writer.item(reviewed) + writer.item(fresh);
    expect(writer.footer()).toBe(footer);
    expect(JSON.parse(text + footer)).toHaveLength(2);
    expect(JSON.parse(labelStudioWriter().header() + footer)).toEqual([]);
  });
});

describe('types in the labeling config', () => {
  it.each([
    'a\u0007b',
    'tab\there',
    'line\nbreak',
    'nul\u0000',
    'del\u007f',
    'c1\u0085',
    'ls\u2028',
    'ffff\uffff',
    'lone\ud800',
  ])('refuses %j, naming the character', (type) => {
    expect(entityTypeProblem(type)).toMatch(/U\+[0-9A-F]{4}/);
    expect(() => labelStudioConfig(['person', type])).toThrow(/U\+[0-9A-F]{4}/);
  });

  it('escapes what XML needs and keeps ordinary names, accents and emoji', () => {
    for (const type of ['R&D <lab> "x" \'y\'', 'café', 'ε-person', '🎵 song'])
      expect(entityTypeProblem(type)).toBeUndefined();
    expect(labelStudioConfig(['R&D <lab>'])).toContain('<Label value="R&amp;D &lt;lab&gt;"/>');
  });
});

describe('CoNLL tokens', () => {
  // Python's str.split() and splitlines() break on these; JavaScript's \s does not know all of them.
  const SPLITTERS = [
    '\u0085',
    '\u001c',
    '\u001d',
    '\u001e',
    '\u001f',
    '\u2028',
    '\u2029',
    '\u000b',
    '\u000c',
    '\u00a0',
    '\u3000',
  ];

  it.each(SPLITTERS.map((c) => [c.codePointAt(0)!.toString(16).padStart(4, '0'), c]))(
    'never hold U+%s, which readers split on',
    (_, char) => {
      const text = `Ada${char}Lovelace ${char} went${char}${char}home`;
      for (const token of wordTokens(text)) expect(token.text).not.toContain(char);
      const { text: out } = conllBlock({ document: corpusDocument('d', text), spans: [] });
      for (const line of out.split('\n').filter(Boolean)) {
        for (const splitter of SPLITTERS) expect(line, JSON.stringify(line)).not.toContain(splitter);
        expect(line.split(' ')).toHaveLength(4);
      }
    },
  );

  it('writes a label with such a character as one column', () => {
    const text = 'Ada went home';
    const { text: out } = conllBlock({
      document: corpusDocument('d', text, { types: ['a\u0085b'] }),
      spans: [{ start: 0, end: 3, label: 'a\u0085b', source: 'person' }],
    });
    expect(out).toContain('Ada -X- _ B-a_b\n');
  });
});

describe('imported spans and pages', () => {
  const emoji = 'I 🎵 Ada';

  it('refuses a span that splits a surrogate pair (JSONL, UTF-16 offsets)', () => {
    const line = JSON.stringify({
      text: emoji,
      spans: [
        { start: 3, end: 8, label: 'x' },
        { start: 5, end: 8, label: 'person' },
      ],
    });
    const { documents, problems } = importJsonl(line, 'a.jsonl');
    expect(problems).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringMatching(/splits a character .*surrogate/) }),
    ]);
    expect(documents[0]!.spans.map((s) => [s.start, s.end])).toEqual([[5, 8]]);
  });

  it('refuses page ranges outside the text, overlapping or out of order', () => {
    const base = { text: 'page one\npage two', spans: [] };
    const cases: [unknown, RegExp | undefined][] = [
      [
        [
          { start: 0, end: 8, page: 1 },
          { start: 9, end: 17, page: 2 },
        ],
        undefined,
      ],
      [[{ start: 0, end: 80, page: 1 }], /pages/],
      [
        [
          { start: 0, end: 9, page: 1 },
          { start: 5, end: 17, page: 2 },
        ],
        /pages/,
      ],
      [[{ start: 0, end: 8, page: 0 }], /pages/],
      [
        [
          { start: 9, end: 17, page: 2 },
          { start: 0, end: 8, page: 1 },
        ],
        /pages/,
      ],
      [
        [
          { start: 0, end: 8, page: 1 },
          { start: 9, end: 17, page: 1 },
        ],
        /pages/,
      ],
      ['x', /pages/],
    ];
    for (const [pages, problem] of cases) {
      const { documents, problems } = importJsonl(JSON.stringify({ ...base, pages }), 'p.jsonl');
      if (problem) {
        expect(problems, JSON.stringify(pages)).toEqual([
          expect.objectContaining({ message: expect.stringMatching(problem) }),
        ]);
        expect(documents[0]!.document.pages).toBeUndefined();
      } else {
        expect(problems).toEqual([]);
        expect(documents[0]!.document.pages).toEqual(pages);
      }
    }
    const task = [
      { data: { text: base.text, uniner: { pages: [{ start: 0, end: 99, page: 1 }] } }, predictions: [] },
    ];
    const ls = importLabelStudio(JSON.stringify(task), 't.json');
    expect(ls.problems).toEqual([expect.objectContaining({ message: expect.stringMatching(/pages/) })]);
    expect(ls.documents[0]!.document.pages).toBeUndefined();
  });
});

describe('deeply nested values in an import', () => {
  it('are refused per record (JSONL, Label Studio), naming the field, and the rest imports', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const jsonl = `{"text":"a","meta":{"x":${deep}}}\n{"text":"b"}\n`;
    const j = importJsonl(jsonl, 'd.jsonl');
    expect(j.problems).toEqual([
      { file: 'd.jsonl', line: 1, message: expect.stringMatching(/"meta" is nested more than 64 levels/) },
    ]);
    expect(j.documents.map((d) => d.document.text)).toEqual(['b']);
    const ls = `[{"data":{"text":"a","uniner":{"meta":{"x":${deep}}}}},{"data":{"text":"b"}}]`;
    const l = importLabelStudio(ls, 'd.json');
    expect(l.problems).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/"data" is nested more than 64 levels/) }),
    ]);
    expect(l.documents.map((d) => d.document.text)).toEqual(['b']);
  });
});

describe('importing back takes linear steps', () => {
  // Every callback the array methods run is one step: a quadratic search over the spans (the
  // defect: 100k spans took 23 s) shows as n² of them. Deterministic, unlike a clock.
  const METHODS = [
    'find',
    'findIndex',
    'some',
    'every',
    'filter',
    'map',
    'forEach',
    'reduce',
    'flatMap',
  ] as const;
  const originals = new Map<string, unknown>();
  let steps = 0;
  function count<T>(run: () => T): T {
    steps = 0;
    const proto = Array.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const name of METHODS) {
      const original = proto[name]!;
      originals.set(name, original);
      proto[name] = function (this: unknown[], callback: unknown, ...rest: unknown[]) {
        const counted =
          typeof callback === 'function'
            ? (...args: unknown[]) => {
                steps++;
                return (callback as (...a: unknown[]) => unknown)(...args);
              }
            : callback;
        return original.call(this, counted, ...rest);
      };
    }
    try {
      return run();
    } finally {
      restore();
    }
  }
  function restore() {
    const proto = Array.prototype as unknown as Record<string, unknown>;
    for (const [name, original] of originals) proto[name] = original;
    originals.clear();
  }
  afterEach(restore);

  /** A document of `n` words with a person's span and a model span (reviewed) on each, emoji between. */
  function big(n: number): DocumentWithSpans {
    const words = Array.from({ length: n }, (_, i) => `w${i}`);
    const text = words.join(' 🎵 ');
    const spans: DocumentWithSpans['spans'][number][] = [];
    let at = 0;
    for (const word of words) {
      spans.push({ start: at, end: at + word.length, label: 'person', source: 'person' });
      spans.push({
        start: at,
        end: at + word.length,
        label: 'thing',
        source: 'model',
        model: 'm',
        decision: 'accepted',
      });
      at += word.length + 4;
    }
    return { document: corpusDocument('big', text, { types: ['person', 'thing'], reviewed: true }), spans };
  }

  it.each([
    ['JSONL', (doc: DocumentWithSpans) => importJsonl(jsonlLine(doc), 'big.jsonl')],
    ['spaCy JSONL', (doc: DocumentWithSpans) => importJsonl(jsonlLine(doc, 'codepoint'), 'big.jsonl')],
    [
      'Label Studio',
      (doc: DocumentWithSpans) => {
        const writer = labelStudioWriter();
        return importLabelStudio(writer.header() + writer.item(doc) + writer.footer(), 'big.json');
      },
    ],
  ])('%s: 4× the spans take at most 4.5× the steps, and every span is back', (_, load) => {
    const small = big(1_000);
    const large = big(4_000);
    const a = count(() => load(small));
    const stepsSmall = steps;
    const b = count(() => load(large));
    const stepsLarge = steps;
    expect(a.problems).toEqual([]);
    expect(b.documents[0]!.spans).toHaveLength(large.spans.length);
    expect(stepsLarge).toBeLessThanOrEqual(4.5 * stepsSmall);
    expect(stepsLarge).toBeLessThan(60 * large.spans.length);
  });
});
