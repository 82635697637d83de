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
export function normaliseSpans(spans: readonly TypedSpan[], textLength: number, from = 0): TypedSpan[] {
  const seen = new Set<string>();
  const out: TypedSpan[] = [];
  for (const span of spans) {
    if (!(span.start >= from && span.end > span.start && span.end <= textLength)) continue;
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
  return layoutRange(0, textLength, spans, typeOrder);
}

/**
 * {@link layoutSpans} over the part `[from, to)` of a text (offsets stay the text's own): the nodes
 * cover exactly that range, and spans not wholly inside it are dropped.
 */
export function layoutRange(
  from: number,
  to: number,
  spans: readonly TypedSpan[],
  typeOrder: readonly string[] = [],
): LayoutNode[] {
  const textLength = to;
  const rank = new Map(typeOrder.map((type, index) => [type, index]));
  const typeRank = (type: string) => rank.get(type) ?? typeOrder.length;
  const sorted = normaliseSpans(spans, textLength, from).sort(
    (a, b) =>
      a.start - b.start ||
      b.end - a.end ||
      typeRank(a.type) - typeRank(b.type) ||
      (a.type < b.type ? -1 : a.type > b.type ? 1 : 0),
  );
  const priority = new Map(sorted.map((span, index) => [span, index]));

  // Segment boundaries.
  const cuts = new Set<number>([from, textLength]);
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

/**
 * A piece of the passage drawn as its own block, with the spans that lie in it. Why blocks: the
 * passage is one long run of inline text, and every mark added to it made Chromium restyle, re-shape
 * and re-lay out all of it (150–250 ms per streamed update on a 50,000-character passage). Blocks are
 * laid out independently, off-screen ones not at all (`content-visibility: auto`), and a block whose
 * spans did not change is not rendered again.
 */
export interface PassageBlock {
  readonly start: number;
  readonly end: number;
  /** The spans wholly inside `[start, end)`; a span never crosses a block boundary. */
  readonly spans: readonly TypedSpan[];
}

/** Blocks hold at least this many characters where the text allows (fewer blocks, fewer boxes)… */
export const BLOCK_MIN_CHARS = 1500;
/** …and at most this many; a paragraph longer than this is cut at a sentence end (see blockCuts). */
export const BLOCK_MAX_CHARS = 4000;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/**
 * Where the text may be cut into blocks (ascending, without 0 and the text's length). The preferred
 * cut is right after a line break: in `pre-wrap` a line break that ends a block draws exactly as the
 * same break inside one block, so the view looks the same. Lines are grouped into blocks of at least
 * {@link BLOCK_MIN_CHARS}. Only a paragraph longer than {@link BLOCK_MAX_CHARS} is cut elsewhere — after
 * a sentence end and its spaces, else after a space, else anywhere outside a surrogate pair — and there
 * the view starts a new line where the text has none.
 */
export function blockCuts(text: string): number[] {
  const cuts: number[] = [];
  let start = 0;
  while (text.length - start > BLOCK_MAX_CHARS) {
    const window = text.slice(start, start + BLOCK_MAX_CHARS);
    const lineAfterMin = window.indexOf('\n', BLOCK_MIN_CHARS - 1);
    const lastLine = window.lastIndexOf('\n');
    let cut: number;
    if (lineAfterMin >= 0) cut = lineAfterMin + 1;
    else if (lastLine >= 0) cut = lastLine + 1;
    else {
      const tail = window.slice(BLOCK_MIN_CHARS);
      const sentence = [...tail.matchAll(/[.!?。！？]["')\]]*\s+/gu)].at(-1);
      const space = tail.search(/\s\S*$/u);
      if (sentence?.index !== undefined) cut = BLOCK_MIN_CHARS + sentence.index + sentence[0].length;
      else if (space >= 0) cut = BLOCK_MIN_CHARS + space + 1;
      else
        cut = isHighSurrogate(window.charCodeAt(BLOCK_MAX_CHARS - 1)) ? BLOCK_MAX_CHARS - 1 : BLOCK_MAX_CHARS;
    }
    start += cut;
    cuts.push(start);
  }
  return cuts;
}

/**
 * The blocks of a text of `textLength` characters cut at `cuts` (from {@link blockCuts}), with each
 * span in the block it lies in. A cut that falls inside a span is not used, so every span stays in one
 * block (its layout, nesting and crossing pieces work as in one text). Spans out of range are dropped.
 */
export function passageBlocks(
  textLength: number,
  cuts: readonly number[],
  spans: readonly TypedSpan[],
): PassageBlock[] {
  const kept = spans.filter((s) => s.start >= 0 && s.end > s.start && s.end <= textLength);
  const open = cuts.map((cut) => cut > 0 && cut < textLength);
  // First cut > x, by binary search over the ascending cuts.
  const firstAfter = (x: number) => {
    let lo = 0;
    let hi = cuts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cuts[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  for (const span of kept)
    for (let i = firstAfter(span.start); i < cuts.length && cuts[i]! < span.end; i++) open[i] = false;
  const bounds = [0, ...cuts.filter((_, i) => open[i]), textLength];
  const blocks = bounds
    .slice(0, -1)
    .map((start, i) => ({ start, end: bounds[i + 1]!, spans: [] as TypedSpan[] }));
  for (const span of kept) {
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (blocks[mid]!.start <= span.start) lo = mid;
      else hi = mid - 1;
    }
    blocks[lo]!.spans.push(span);
  }
  return blocks;
}
