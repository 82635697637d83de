import { memo, useMemo, useState, type CSSProperties, type FocusEvent, type ReactNode } from 'react';
import type { ReviewMarkSpan } from '../lib/review/review-view';
import { layoutRange, type LayoutNode, type PassageBlock } from '../lib/span-layout';
import { colorVars, type TypeColor } from '../lib/type-colors';

interface Props {
  readonly text: string;
  /** The passage cut into blocks, each with its spans (`passageBlocks` in span-layout.ts). */
  readonly blocks: readonly PassageBlock[];
  /** Type order: earlier types nest outside on equal ranges. */
  readonly typeOrder: readonly string[];
  readonly colors: ReadonlyMap<string, TypeColor>;
  /** The tooltip per `start:end` range, naming every span on the same text with its score and state. */
  readonly tipsByRange: ReadonlyMap<string, string>;
}

type BlockProps = Omit<Props, 'blocks'> & {
  readonly block: PassageBlock;
  /** What the block draws, as a string: an unchanged signature means an unchanged block. */
  readonly signature: string;
  /** Whether the browser may skip the block while it is out of view (`content-visibility: auto`). */
  readonly skippable: boolean;
};

/** Rough height of a block before the browser has laid it out (`contain-intrinsic-size`): lines of 2rem. */
function estimatedHeight(chars: number): number {
  return Math.max(1, Math.ceil(chars / 80)) * 32;
}

/** The spans of a block with their tooltips: equal for two renders exactly when the block draws the same. */
export function blockSignature(block: PassageBlock, tipsByRange: ReadonlyMap<string, string>): string {
  let out = `${block.start}:${block.end}`;
  for (const span of block.spans) {
    const key = `${span.start}:${span.end}`;
    const { source, decision } = span as Partial<ReviewMarkSpan>;
    out += `|${key}:${span.type}:${source ?? ''}:${decision ?? ''}:${tipsByRange.get(key) ?? span.type}`;
  }
  return out;
}

/** The nodes of one block as marks and text (see {@link PassageMarks}). */
function renderNodes(
  text: string,
  nodes: readonly LayoutNode[],
  colors: ReadonlyMap<string, TypeColor>,
  tipsByRange: ReadonlyMap<string, string>,
): ReactNode[] {
  return nodes.map((node, index) => {
    if (node.kind === 'text') return text.slice(node.start, node.end);
    const { span } = node;
    const color = colors.get(span.type);
    const style = {
      ...(color ? colorVars(color) : {}),
      '--entity-depth': node.innerDepth,
    } as CSSProperties;
    const tip = tipsByRange.get(`${span.start}:${span.end}`) ?? span.type;
    // Who proposed it and a person's verdict, for the styles (index.css): person spans are outlined,
    // rejected ones struck through and faded.
    const { source, decision } = span as Partial<ReviewMarkSpan>;
    // The label goes where the span ends: after its text, also when a crossing span cut it.
    const label = node.end === span.end ? span.type : undefined;
    const children = renderNodes(text, node.children, colors, tipsByRange);
    if (node.continuation) {
      return (
        <span
          key={index}
          className="entity"
          data-type={span.type}
          data-continuation=""
          data-source={source}
          data-decision={decision}
          data-label={label}
          title={tip}
          style={style}
        >
          {children}
        </span>
      );
    }
    return (
      <mark
        key={index}
        className="entity"
        data-type={span.type}
        data-start={span.start}
        data-end={span.end}
        data-source={source}
        data-decision={decision}
        data-label={label}
        data-tip={tip}
        title={tip}
        aria-label={`${text.slice(span.start, span.end)}: ${tip}`}
        tabIndex={-1}
        style={style}
      >
        {children}
      </mark>
    );
  });
}

/**
 * One block of the passage. `content-visibility: auto` lets the browser skip the layout and paint of
 * blocks out of view; while a mark inside has focus the block is fully visible, because the
 * containment that comes with `auto` would clip the focus tooltip drawn below the mark and let the next
 * block paint over it. A passage of one block is never skippable: until the browser's next rendering
 * step a new `auto` block counts as out of view (its `innerText` reads empty), for no gain there.
 */
const Block = memo(
  function Block({ text, block, typeOrder, colors, tipsByRange, skippable }: BlockProps) {
    const [focused, setFocused] = useState(false);
    const layout = useMemo(
      () => layoutRange(block.start, block.end, block.spans, typeOrder),
      [block, typeOrder],
    );
    const style: CSSProperties =
      focused || !skippable
        ? {}
        : {
            contentVisibility: 'auto',
            containIntrinsicSize: `auto ${estimatedHeight(block.end - block.start)}px`,
          };
    const onBlur = (event: FocusEvent<HTMLDivElement>) => {
      if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setFocused(false);
    };
    return (
      <div data-block-start={block.start} style={style} onFocus={() => setFocused(true)} onBlur={onBlur}>
        {renderNodes(text, layout, colors, tipsByRange)}
      </div>
    );
  },
  // `block` and `tipsByRange` are new objects on every result event; the signature says whether this
  // block's part of them changed (spans, types, tooltips), so only changed blocks render again.
  (a, b) =>
    a.signature === b.signature &&
    a.skippable === b.skippable &&
    a.text === b.text &&
    a.colors === b.colors &&
    a.typeOrder === b.typeOrder,
);

/**
 * The passage as blocks of text and nested marks: one `<mark>` per span with `data-type`, `data-start`
 * and `data-end` (UTF-16 offsets). Continuation pieces of crossing spans are `<span>`s with the same
 * colour. The blocks' text, in order, is exactly the passage (blocks are cut after line breaks where
 * the text has them, so the view looks like one text: see `blockCuts`).
 *
 * Labels and tooltips cost no elements: the piece that ends a span carries `data-label` (its type), which
 * CSS draws after the text (index.css), so the passage's text stays exactly the passage; `data-tip`
 * ("person, 93%; organization") is drawn by CSS on focus (keyboard, tap) and is also the native hover
 * title and, after the span's text, the accessible name.
 * Memoised: emphasis and other UI state changes do not re-render the (possibly large) tree, and a result
 * event re-renders only the blocks whose spans or tooltips changed.
 */
export const PassageMarks = memo(function PassageMarks({
  text,
  blocks,
  typeOrder,
  colors,
  tipsByRange,
}: Props) {
  return (
    <>
      {blocks.map((block) => (
        <Block
          // A block that loses all its marks (a new run starts) is replaced whole: one removal instead
          // of one per mark (2,000 removeChild calls took ~30 ms of the Extract click on a loaded box).
          key={`${block.start}${block.spans.length > 0 ? ':marked' : ''}`}
          text={text}
          block={block}
          signature={blockSignature(block, tipsByRange)}
          typeOrder={typeOrder}
          colors={colors}
          tipsByRange={tipsByRange}
          skippable={blocks.length > 1}
        />
      ))}
    </>
  );
});
