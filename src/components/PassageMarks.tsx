import { memo, type CSSProperties, type ReactNode } from 'react';
import type { LayoutNode } from '../lib/span-layout';
import { colorVars, type TypeColor } from '../lib/type-colors';

interface Props {
  readonly text: string;
  readonly layout: readonly LayoutNode[];
  readonly colors: ReadonlyMap<string, TypeColor>;
  /** Types per `start:end` range, so a mark can name every type tagged on the same text. */
  readonly typesByRange: ReadonlyMap<string, readonly string[]>;
}

/**
 * The passage as text and nested marks: one `<mark>` per span with `data-type`, `data-start` and
 * `data-end` (UTF-16 offsets). Continuation pieces of crossing spans are `<span>`s with the same colour.
 * Memoised: emphasis and other UI state changes do not re-render the (possibly large) tree.
 */
export const PassageMarks = memo(function PassageMarks({ text, layout, colors, typesByRange }: Props) {
  const render = (nodes: readonly LayoutNode[]): ReactNode[] =>
    nodes.map((node, index) => {
      if (node.kind === 'text') return text.slice(node.start, node.end);
      const { span } = node;
      const color = colors.get(span.type);
      const style = {
        ...(color ? colorVars(color) : {}),
        '--entity-depth': node.innerDepth,
      } as CSSProperties;
      const types = typesByRange.get(`${span.start}:${span.end}`) ?? [span.type];
      const label = `${text.slice(span.start, span.end)}: ${types.join(', ')}`;
      if (node.continuation) {
        return (
          <span
            key={index}
            className="entity"
            data-type={span.type}
            data-continuation=""
            title={types.join(', ')}
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
          title={types.join(', ')}
          aria-label={label}
          tabIndex={-1}
          style={style}
        >
          {render(node.children)}
        </mark>
      );
    });
  return <>{render(layout)}</>;
});
