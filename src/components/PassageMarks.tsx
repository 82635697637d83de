import { memo, type CSSProperties, type ReactNode } from 'react';
import { describeTags, type SpanTag } from '../lib/score-threshold';
import type { LayoutNode } from '../lib/span-layout';
import { colorVars, type TypeColor } from '../lib/type-colors';

interface Props {
  readonly text: string;
  readonly layout: readonly LayoutNode[];
  readonly colors: ReadonlyMap<string, TypeColor>;
  /** Types (with scores) per `start:end` range, so a mark can name every type tagged on the same text. */
  readonly tagsByRange: ReadonlyMap<string, readonly SpanTag[]>;
}

/**
 * The passage as text and nested marks: one `<mark>` per span with `data-type`, `data-start` and
 * `data-end` (UTF-16 offsets). Continuation pieces of crossing spans are `<span>`s with the same colour.
 *
 * Labels and tooltips cost no elements: the piece that ends a span carries `data-label` (its type), which
 * CSS draws after the text (index.css), so the passage's text, selection and copy stay exactly the
 * passage; `data-tip` ("person, 93%; organization") is drawn by CSS on focus (keyboard, tap) and is also
 * the native hover title and, after the span's text, the accessible name.
 * Memoised: emphasis and other UI state changes do not re-render the (possibly large) tree.
 */
export const PassageMarks = memo(function PassageMarks({ text, layout, colors, tagsByRange }: Props) {
  const render = (nodes: readonly LayoutNode[]): ReactNode[] =>
    nodes.map((node, index) => {
      if (node.kind === 'text') return text.slice(node.start, node.end);
      const { span } = node;
      const color = colors.get(span.type);
      const style = {
        ...(color ? colorVars(color) : {}),
        '--entity-depth': node.innerDepth,
      } as CSSProperties;
      const tip = describeTags(tagsByRange.get(`${span.start}:${span.end}`) ?? [{ type: span.type }]);
      // The label goes where the span ends: after its text, also when a crossing span cut it.
      const label = node.end === span.end ? span.type : undefined;
      if (node.continuation) {
        return (
          <span
            key={index}
            className="entity"
            data-type={span.type}
            data-continuation=""
            data-label={label}
            title={tip}
            style={style}
          >
            {render(node.children)}
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
          data-label={label}
          data-tip={tip}
          title={tip}
          aria-label={`${text.slice(span.start, span.end)}: ${tip}`}
          tabIndex={-1}
          style={style}
        >
          {render(node.children)}
        </mark>
      );
    });
  return <>{render(layout)}</>;
});
