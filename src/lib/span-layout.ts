/**
 * Turns possibly overlapping typed spans into a tree of nested marks for rendering.
 *
 * Every span becomes exactly one *primary* mark whose `start`/`end` are the span's own offsets. Spans
 * nest where one contains another. When two spans *cross* (A starts first, B starts inside A and ends
 * after it), nesting is impossible in a tree, so the later span's mark stops where A ends and the rest
 * of B is rendered as *continuation* pieces (`continuation: true`), which are not marks of their own.
 *
 * How: cut the text at every span boundary into elementary segments; list each segment's covering spans
 * in one global priority order (start ascending, end descending, then type order); walk the segments
 * keeping a stack of open spans and, per segment, keep the longest common prefix of the stack and the
 * segment's list, closing the rest and opening what is missing. A span is re-opened (a continuation)
 * only when a higher-priority span ended inside it, i.e. only when spans cross.
 */

/** A typed span to lay out: a half-open `[start, end)` range of UTF-16 code units. */
export interface TypedSpan {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

/** Plain text between marks. */
export interface TextNode {
  readonly kind: 'text';
  readonly start: number;
  readonly end: number;
}

/** A mark (or a continuation piece of one) and what it contains. */
export interface MarkNode {
  readonly kind: 'mark';
  /** The span this mark stands for (its full offsets, also for continuation pieces). */
  readonly span: TypedSpan;
  /** The part of the text this piece covers; equals the span's range for a primary mark that is not cut. */
  readonly start: number;
  readonly end: number;
  /** False for the one primary mark of a span; true for the rest of a span cut by a crossing span. */
  readonly continuation: boolean;
  /** How many levels of marks are nested inside (0 for none): used to stack underlines. */
  readonly innerDepth: number;
  readonly children: readonly LayoutNode[];
}

/** A node of the layout tree. */
export type LayoutNode = TextNode | MarkNode;

interface MutableMark {
  kind: 'mark';
  span: TypedSpan;
  start: number;
  end: number;
  continuation: boolean;
  innerDepth: number;
  children: LayoutNode[];
}

/** Drops empty, out-of-range and duplicate spans (same type and range); keeps the first of duplicates. */
export function normaliseSpans(spans: readonly TypedSpan[], textLength: number): TypedSpan[] {
  const seen = new Set<string>();
  const out: TypedSpan[] = [];
  for (const span of spans) {
    if (!(span.start >= 0 && span.end > span.start && span.end <= textLength)) continue;
    const key = `${span.type}\u0000${span.start}\u0000${span.end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(span);
  }
  return out;
}

/**
 * Lays out `spans` over a text of `textLength` code units. `typeOrder` ranks types for spans with equal
 * ranges (earlier types nest outside); unknown types rank last, by name.
 */
export function layoutSpans(
  textLength: number,
  spans: readonly TypedSpan[],
  typeOrder: readonly string[] = [],
): LayoutNode[] {
  const rank = new Map(typeOrder.map((type, index) => [type, index]));
  const typeRank = (type: string) => rank.get(type) ?? typeOrder.length;
  const sorted = normaliseSpans(spans, textLength).sort(
    (a, b) =>
      a.start - b.start ||
      b.end - a.end ||
      typeRank(a.type) - typeRank(b.type) ||
      (a.type < b.type ? -1 : a.type > b.type ? 1 : 0),
  );
  const priority = new Map(sorted.map((span, index) => [span, index]));

  // Segment boundaries.
  const cuts = new Set<number>([0, textLength]);
  for (const span of sorted) {
    cuts.add(span.start);
    cuts.add(span.end);
  }
  const bounds = [...cuts].sort((a, b) => a - b);

  const root: LayoutNode[] = [];
  const stack: MutableMark[] = [];
  const opened = new Set<TypedSpan>();
  let active: TypedSpan[] = []; // covering spans, in priority order
  let next = 0; // index into sorted of the next span to start

  const container = () => (stack.length ? stack[stack.length - 1]!.children : root);
  const close = () => {
    const mark = stack.pop()!;
    const parent = stack[stack.length - 1];
    if (parent) parent.innerDepth = Math.max(parent.innerDepth, mark.innerDepth + 1);
  };

  for (let b = 0; b + 1 < bounds.length; b++) {
    const segStart = bounds[b]!;
    const segEnd = bounds[b + 1]!;
    active = active.filter((span) => span.end > segStart);
    let added = false;
    while (next < sorted.length && sorted[next]!.start === segStart) {
      active.push(sorted[next]!);
      next++;
      added = true;
    }
    if (added) active.sort((x, y) => priority.get(x)! - priority.get(y)!);

    let common = 0;
    while (common < stack.length && common < active.length && stack[common]!.span === active[common])
      common++;
    while (stack.length > common) close();
    for (let i = common; i < active.length; i++) {
      const span = active[i]!;
      const mark: MutableMark = {
        kind: 'mark',
        span,
        start: segStart,
        end: segStart,
        continuation: opened.has(span),
        innerDepth: 0,
        children: [],
      };
      opened.add(span);
      container().push(mark);
      stack.push(mark);
    }
    for (const mark of stack) mark.end = segEnd;
    const into = container();
    const last = into[into.length - 1];
    if (last && last.kind === 'text' && last.end === segStart) (last as { end: number }).end = segEnd;
    else into.push({ kind: 'text', start: segStart, end: segEnd });
  }
  while (stack.length) close();
  return root;
}

/** The type-label setting: always, never, or while a passage has at most {@link LABELS_AUTO_LIMIT} marks. */
export type TypeLabelsSetting = 'auto' | 'on' | 'off';

/**
 * Above this many marks, automatic type labels are off: each label is a generated box the browser must
 * style and lay out, and in Chromium 2,000 labels made a relayout of the passage 2–3× slower than its
 * marks alone. Labels on that many marks are more clutter than help anyway; "on" still forces them.
 */
export const LABELS_AUTO_LIMIT = 500;

/** Whether labels are drawn for a passage showing `markCount` marks. */
export function labelsShown(setting: TypeLabelsSetting, markCount: number): boolean {
  return setting === 'on' || (setting === 'auto' && markCount <= LABELS_AUTO_LIMIT);
}

/** Every primary (non-continuation) mark of a layout, in document order. */
export function primaryMarks(nodes: readonly LayoutNode[]): MarkNode[] {
  const out: MarkNode[] = [];
  const walk = (list: readonly LayoutNode[]) => {
    for (const node of list) {
      if (node.kind !== 'mark') continue;
      if (!node.continuation) out.push(node);
      walk(node.children);
    }
  };
  walk(nodes);
  return out;
}

/** Concatenated text ranges of a layout, for checking it covers the text exactly once. */
export function flattenText(nodes: readonly LayoutNode[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const walk = (list: readonly LayoutNode[]) => {
    for (const node of list) {
      if (node.kind === 'text') out.push([node.start, node.end]);
      else walk(node.children);
    }
  };
  walk(nodes);
  return out;
}
