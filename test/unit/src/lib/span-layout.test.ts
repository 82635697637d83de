import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  flattenText,
  layoutSpans,
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
