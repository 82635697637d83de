import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_MAX_CHARS,
  BLOCK_MIN_CHARS,
  blockCuts,
  flattenText,
  layoutRange,
  layoutSpans,
  passageBlocks,
  primaryMarks,
  type LayoutNode,
  type MarkNode,
  type TypedSpan,
} from '../../../../src/lib/span-layout';

/** A compact picture of a layout: text as [start,end], marks as {type@start-end(+cont): children}. */
function show(nodes: readonly LayoutNode[]): string {
  return nodes
    .map((n) =>
      n.kind === 'text'
        ? `${n.start}-${n.end}`
        : `<${n.span.type}${n.continuation ? '+' : ''} ${n.start}-${n.end}>${show(n.children)}</>`,
    )
    .join(' ');
}

function allMarks(nodes: readonly LayoutNode[]): MarkNode[] {
  return nodes.flatMap((n) => (n.kind === 'mark' ? [n, ...allMarks(n.children)] : []));
}

describe('layoutSpans', () => {
  it('returns plain text without spans', () => {
    expect(show(layoutSpans(10, []))).toBe('0-10');
    expect(layoutSpans(0, [])).toEqual([]);
  });

  it('renders disjoint spans side by side', () => {
    const layout = layoutSpans(20, [
      { type: 'b', start: 10, end: 15 },
      { type: 'a', start: 0, end: 5 },
    ]);
    expect(show(layout)).toBe('<a 0-5>0-5</> 5-10 <b 10-15>10-15</> 15-20');
  });

  it('nests a contained span inside the containing one, without splitting', () => {
    const layout = layoutSpans(20, [
      { type: 'location', start: 5, end: 10 },
      { type: 'organization', start: 0, end: 20 },
    ]);
    expect(show(layout)).toBe('<organization 0-20>0-5 <location 5-10>5-10</> 10-20</>');
    expect(primaryMarks(layout).map((m) => m.innerDepth)).toEqual([1, 0]);
  });

  it('nests equal ranges of different types in type order', () => {
    const spans: TypedSpan[] = [
      { type: 'org', start: 0, end: 5 },
      { type: 'person', start: 0, end: 5 },
    ];
    expect(show(layoutSpans(5, spans, ['person', 'org']))).toBe('<person 0-5><org 0-5>0-5</></>');
    expect(show(layoutSpans(5, spans, ['org', 'person']))).toBe('<org 0-5><person 0-5>0-5</></>');
  });

  it('splits only the later span when two spans cross', () => {
    const layout = layoutSpans(20, [
      { type: 'a', start: 0, end: 10 },
      { type: 'b', start: 5, end: 15 },
    ]);
    expect(show(layout)).toBe('<a 0-10>0-5 <b 5-10>5-10</></> <b+ 10-15>10-15</> 15-20');
    const primaries = primaryMarks(layout);
    expect(primaries.map((m) => [m.span.type, m.span.start, m.span.end])).toEqual([
      ['a', 0, 10],
      ['b', 5, 15],
    ]);
  });

  it('handles a span crossing two nested ones', () => {
    const layout = layoutSpans(12, [
      { type: 'a', start: 0, end: 10 },
      { type: 'b', start: 2, end: 8 },
      { type: 'c', start: 5, end: 12 },
    ]);
    expect(show(layout)).toBe(
      '<a 0-10>0-2 <b 2-8>2-5 <c 5-8>5-8</></> <c+ 8-10>8-10</></> <c+ 10-12>10-12</>',
    );
  });

  it('drops empty, out-of-range and duplicate spans', () => {
    const layout = layoutSpans(10, [
      { type: 'a', start: 3, end: 3 },
      { type: 'a', start: 8, end: 12 },
      { type: 'a', start: -1, end: 2 },
      { type: 'a', start: 1, end: 4 },
      { type: 'a', start: 1, end: 4 },
    ]);
    expect(show(layout)).toBe('0-1 <a 1-4>1-4</> 4-10');
  });

  it('covers the text exactly once and keeps one primary mark per distinct span (property)', () => {
    const spanArb = fc
      .record({
        type: fc.constantFrom('a', 'b', 'c'),
        start: fc.nat(40),
        len: fc.integer({ min: 1, max: 15 }),
      })
      .map(({ type, start, len }) => ({ type, start, end: Math.min(40, start + len) }))
      .filter((s) => s.end > s.start);
    fc.assert(
      fc.property(fc.array(spanArb, { maxLength: 25 }), (spans) => {
        const layout = layoutSpans(40, spans, ['a', 'b', 'c']);
        // Text pieces tile [0, 40) in order.
        let pos = 0;
        for (const [s, e] of flattenText(layout)) {
          expect(s).toBe(pos);
          expect(e).toBeGreaterThan(s);
          pos = e;
        }
        expect(pos).toBe(40);
        // One primary mark per distinct (type, start, end).
        const distinct = new Set(spans.map((s) => `${s.type}:${s.start}:${s.end}`));
        const primaries = primaryMarks(layout);
        expect(primaries).toHaveLength(distinct.size);
        expect(new Set(primaries.map((m) => `${m.span.type}:${m.span.start}:${m.span.end}`))).toEqual(
          distinct,
        );
        // A primary mark starts at its span's start; each piece lies inside its span and its parent.
        for (const mark of allMarks(layout)) {
          expect(mark.start).toBeGreaterThanOrEqual(mark.span.start);
          expect(mark.end).toBeLessThanOrEqual(mark.span.end);
          if (!mark.continuation) expect(mark.start).toBe(mark.span.start);
        }
        // Pieces of one span tile the span.
        for (const key of distinct) {
          const pieces = allMarks(layout).filter(
            (m) => `${m.span.type}:${m.span.start}:${m.span.end}` === key,
          );
          const covered = pieces.reduce((sum, m) => sum + (m.end - m.start), 0);
          expect(covered).toBe(pieces[0]!.span.end - pieces[0]!.span.start);
        }
        // Non-crossing spans are never split.
        const crosses = (x: TypedSpan, y: TypedSpan) => x.start < y.start && y.start < x.end && x.end < y.end;
        for (const key of distinct) {
          const [type, s, e] = key.split(':');
          const span = { type: type!, start: Number(s), end: Number(e) };
          const crossed = spans.some((o) => crosses(o, span));
          const pieces = allMarks(layout).filter(
            (m) => `${m.span.type}:${m.span.start}:${m.span.end}` === key,
          );
          if (!crossed) expect(pieces).toHaveLength(1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('lays out 2,000 spans over 50,000 characters quickly', () => {
    const spans: TypedSpan[] = [];
    for (let i = 0; i < 2000; i++) {
      const start = (i * 25) % 49_990;
      spans.push({ type: ['a', 'b', 'c', 'd'][i % 4]!, start, end: start + 3 + (i % 20) });
    }
    const t0 = performance.now();
    const layout = layoutSpans(50_000, spans, ['a', 'b', 'c', 'd']);
    const ms = performance.now() - t0;
    expect(primaryMarks(layout)).toHaveLength(2000);
    expect(ms).toBeLessThan(500);
  });
});

describe('blockCuts', () => {
  it('leaves a text of at most BLOCK_MAX_CHARS whole', () => {
    expect(blockCuts('')).toEqual([]);
    expect(blockCuts('a. '.repeat(BLOCK_MAX_CHARS / 3))).toEqual([]);
  });

  it('cuts right after line breaks, grouping lines into blocks of at least BLOCK_MIN_CHARS', () => {
    const line = `${'word '.repeat(59)}end\n`; // 299 characters
    const text = line.repeat(100);
    const cuts = blockCuts(text);
    expect(cuts.length).toBeGreaterThan(0);
    let previous = 0;
    for (const cut of cuts) {
      expect(text[cut - 1]).toBe('\n');
      expect(cut - previous).toBeGreaterThanOrEqual(BLOCK_MIN_CHARS);
      expect(cut - previous).toBeLessThanOrEqual(BLOCK_MAX_CHARS);
      previous = cut;
    }
    expect(text.length - previous).toBeLessThanOrEqual(BLOCK_MAX_CHARS);
  });

  it('takes a line break before BLOCK_MIN_CHARS over a cut inside a paragraph', () => {
    const text = `${'x. '.repeat(100)}\n${'y. '.repeat(2000)}`;
    expect(blockCuts(text)[0]).toBe(301);
  });

  it('cuts a paragraph without line breaks after a sentence end and its spaces, else after a space', () => {
    const sentences = 'Barack Obama went to Hawaii.   It rained. '.repeat(300);
    for (const cut of blockCuts(sentences)) {
      expect(sentences.slice(0, cut)).toMatch(/[.]\s+$/);
      expect(sentences[cut]).not.toMatch(/\s/);
    }
    const words = 'abc def '.repeat(1500);
    for (const cut of blockCuts(words)) expect(words[cut - 1]).toBe(' ');
  });

  it('cuts text without spaces at BLOCK_MAX_CHARS, never inside a surrogate pair', () => {
    const text = `x${'😀'.repeat(BLOCK_MAX_CHARS)}`;
    const cuts = blockCuts(text);
    expect(cuts[0]).toBe(BLOCK_MAX_CHARS - 1);
    for (const cut of cuts)
      expect(text.charCodeAt(cut) >= 0xdc00 && text.charCodeAt(cut) <= 0xdfff).toBe(false);
  });
});

/** Joins neighbouring top-level text nodes (two blocks' layouts meet at a text boundary). */
function joinText(nodes: readonly LayoutNode[]): LayoutNode[] {
  const out: LayoutNode[] = [];
  for (const node of nodes) {
    const last = out.at(-1);
    if (node.kind === 'text' && last?.kind === 'text' && last.end === node.start)
      out[out.length - 1] = { kind: 'text', start: last.start, end: node.end };
    else out.push(node);
  }
  return out;
}

describe('passageBlocks', () => {
  const span = (type: string, start: number, end: number): TypedSpan => ({ type, start, end });

  it('puts each span in the block it lies in and drops a cut that falls inside a span', () => {
    const blocks = passageBlocks(100, [20, 50, 80], [span('a', 5, 10), span('b', 45, 55), span('c', 80, 90)]);
    expect(blocks.map((b) => [b.start, b.end, b.spans.map((s) => s.type).join('')])).toEqual([
      [0, 20, 'a'],
      [20, 80, 'b'],
      [80, 100, 'c'],
    ]);
  });

  it('drops spans out of range and makes one block without cuts', () => {
    expect(passageBlocks(10, [], [span('a', 5, 12), span('b', 3, 3), span('c', 1, 2)])).toEqual([
      { start: 0, end: 10, spans: [span('c', 1, 2)] },
    ]);
  });

  it('lays out per block exactly what the whole text lays out (property)', () => {
    const arbSpans = fc.array(
      fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.nat(200), fc.integer({ min: 1, max: 30 })),
      { maxLength: 40 },
    );
    const arbCuts = fc.uniqueArray(fc.integer({ min: 1, max: 199 }), { maxLength: 12 });
    fc.assert(
      fc.property(arbSpans, arbCuts, (raw, rawCuts) => {
        const spans = raw.map(([type, start, length]) => span(type, start, Math.min(200, start + length)));
        const cuts = [...rawCuts].sort((x, y) => x - y);
        const blocks = passageBlocks(200, cuts, spans);
        // Contiguous, covering [0, 200), no span across a boundary.
        expect(blocks[0]!.start).toBe(0);
        expect(blocks.at(-1)!.end).toBe(200);
        blocks.forEach((b, i) => i > 0 && expect(b.start).toBe(blocks[i - 1]!.end));
        for (const s of spans)
          expect(blocks.some((b) => (b.start <= s.start && s.end <= b.end) || s.end <= s.start)).toBe(true);
        // The same layout as one text: block by block, the top-level nodes join into the whole's.
        const order = ['c', 'b', 'a'];
        const pieces = blocks.flatMap((b) => layoutRange(b.start, b.end, b.spans, order));
        const whole = layoutSpans(200, spans, order);
        expect(show(joinText(pieces))).toBe(show(whole));
        expect(primaryMarks(pieces).length).toBe(primaryMarks(whole).length);
      }),
      { numRuns: 300, seed: 12 },
    );
  });
});
