import {
  useDeferredValue,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ClipboardEvent,
  type KeyboardEvent,
  type MouseEvent,
} from 'react';
import { describeMark, type ReviewMarkSpan } from '../lib/review/review-view';
import { rangeForSelection, type TextRange } from '../lib/review/word-snap';
import { blockCuts, labelsShown, passageBlocks } from '../lib/span-layout';
import type { TypeColor } from '../lib/type-colors';
import { setRuntimeRules } from '../lib/runtime-styles';
import { useIsRunning, useTypeLabels } from '../store/selectors';
import { AddSpanPopover } from './AddSpanPopover';
import { PassageMarks } from './PassageMarks';
import { SpanMenu } from './SpanMenu';

interface Props {
  readonly colors: ReadonlyMap<string, TypeColor>;
  /** The type the legend points at, or null. */
  readonly emphasis: string | null;
  /** The text the spans refer to (the passage under review), '' before any run. */
  readonly text: string;
  /** Type order of the run: earlier types nest outside; also offered when adding a span. */
  readonly types: readonly string[];
  /** The spans to draw (the review after the threshold and the rejected toggle). */
  readonly spans: readonly ReviewMarkSpan[];
  /** Whether the text in the editor differs from `text`. */
  readonly changed: boolean;
}

/** An open popover: "Add as" for a selection, or the menu of one mark. */
type Popover =
  | { readonly kind: 'add'; readonly range: TextRange; readonly top: number; readonly left: number }
  | {
      readonly kind: 'menu';
      readonly span: ReviewMarkSpan;
      /** The other spans under the clicked point (marks nest), offered in the menu. */
      readonly around: readonly ReviewMarkSpan[];
      readonly top: number;
      readonly left: number;
    };

/** Quotes a string for a CSS attribute selector. */
function cssString(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&').replace(/\n/g, '\\a ')}"`;
}

/** Moves focus between marks with the arrow keys (one tab stop for the whole passage). */
function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
  const keys = ['ArrowRight', 'ArrowDown', 'ArrowLeft', 'ArrowUp', 'Home', 'End'];
  if (!keys.includes(event.key)) return;
  const marks = [...event.currentTarget.querySelectorAll<HTMLElement>('mark')];
  if (!marks.length) return;
  event.preventDefault();
  const index = marks.indexOf(document.activeElement as HTMLElement);
  let target: number;
  if (event.key === 'Home') target = 0;
  else if (event.key === 'End') target = marks.length - 1;
  else if (event.key === 'ArrowRight' || event.key === 'ArrowDown')
    target = index < 0 ? 0 : Math.min(marks.length - 1, index + 1);
  else target = index < 0 ? marks.length - 1 : Math.max(0, index - 1);
  marks[target]?.focus();
}

/**
 * The passage offset of a DOM position inside the view (a selection end), or null outside it. Within a
 * block the text before the position is the passage text before it (labels and tooltips are CSS, not
 * text); between blocks it is where the next block starts.
 */
function passageOffset(view: Element, node: Node, offset: number, textLength: number): number | null {
  if (node === view) {
    const next = view.childNodes[offset];
    return next instanceof HTMLElement && next.dataset.blockStart !== undefined
      ? Number(next.dataset.blockStart)
      : offset === 0
        ? 0
        : textLength;
  }
  const element = node instanceof Element ? node : node.parentElement;
  const block = element?.closest<HTMLElement>('[data-block-start]');
  if (!block || !view.contains(block)) return null;
  const range = document.createRange();
  range.setStart(block, 0);
  range.setEnd(node, offset);
  return Number(block.dataset.blockStart) + range.toString().length;
}

/**
 * Copies exactly the selected part of the passage. The browser would put a line break between two
 * blocks, and a paragraph longer than a block is cut where the text has no line break (blockCuts).
 */
function copyPassage(event: ClipboardEvent<HTMLDivElement>, text: string): void {
  const selection = document.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
  const range = selection.getRangeAt(0);
  const view = event.currentTarget;
  const start = passageOffset(view, range.startContainer, range.startOffset, text.length);
  const end = passageOffset(view, range.endContainer, range.endOffset, text.length);
  if (start === null || end === null || end <= start) return;
  event.clipboardData.setData('text/plain', text.slice(start, end));
  event.preventDefault();
}

/** Per `start:end` range, the tooltip naming every span on that text ("person, 93%; city, added by a person"). */
function tipsOf(spans: readonly ReviewMarkSpan[]): ReadonlyMap<string, string> {
  const byRange = new Map<string, string[]>();
  for (const span of spans) {
    const key = `${span.start}:${span.end}`;
    byRange.set(key, [...(byRange.get(key) ?? []), describeMark(span)]);
  }
  return new Map([...byRange].map(([key, tips]) => [key, tips.join('; ')]));
}

/** The drawn span a mark stands for. */
function spanOfMark(mark: HTMLElement, spans: readonly ReviewMarkSpan[]): ReviewMarkSpan | undefined {
  const start = Number(mark.dataset.start);
  const end = Number(mark.dataset.end);
  return spans.find((s) => s.start === start && s.end === end && s.type === mark.dataset.type);
}

/** Stronger highlight and visible labels for the marks of one type, in both themes. */
function emphasisRules(type: string): string {
  const marks = `.passage-view[data-emphasis] .entity[data-type=${cssString(type)}]`;
  return (
    `${marks}{background-color:rgb(var(--entity-light)/.35);box-shadow:inset 0 -3px 0 rgb(var(--entity-light))}` +
    `.dark ${marks}{background-color:rgb(var(--entity-dark)/.35);box-shadow:inset 0 -3px 0 rgb(var(--entity-dark))}` +
    `${marks}::after{opacity:1}`
  );
}

/**
 * The passage under review with every shown span highlighted (live while the answer streams), each
 * with its type as a label (a setting) and its types, scores and review state on hover and focus.
 *
 * Correcting: selecting text opens "Add as" (snapped to whole words unless Alt is held or the
 * selection already sits on word edges); a click on a mark, or Enter/Space on a focused one, opens its
 * menu. Arrow keys move between marks. No editing while a run streams (its results would overwrite it).
 */
export function HighlightedPassage({ colors, emphasis, text, types, spans: drawn, changed }: Props) {
  // The emphasised type's rules name the type, so they are made at run time (see runtime-styles.ts).
  useLayoutEffect(() => {
    setRuntimeRules(document, emphasis === null ? '' : emphasisRules(emphasis));
    return () => void setRuntimeRules(document, '');
  }, [emphasis]);
  const running = useIsRunning();
  const labelSetting = useTypeLabels();
  const wrapper = useRef<HTMLDivElement>(null);
  const [popover, setPopover] = useState<Popover | null>(null);

  // Deferred: a streamed result first updates the lists and counts, then the passage is drawn in a
  // background render that React splits into slices and yields between, so no single task holds the
  // page for the whole of it (it still shows every result; a newer one simply replaces the pending draw).
  const spans = useDeferredValue(drawn);
  const tipsByRange = useMemo(() => tipsOf(spans), [spans]);
  // Where the passage may be cut into blocks depends on the text only; which cuts are used, on the spans.
  const cuts = useMemo(() => blockCuts(text), [text]);
  const blocks = useMemo(() => passageBlocks(text.length, cuts, spans), [text, cuts, spans]);
  // Offered labels: the run's types, then any other label in use (person-added types).
  const offered = useMemo(() => [...new Set([...types, ...spans.map((s) => s.type)])], [types, spans]);

  /** Where to draw a popover for a client rectangle: just below it, inside the wrapper. */
  const placeAt = (rect: DOMRect) => {
    const box = wrapper.current?.getBoundingClientRect();
    if (!box) return { top: 0, left: 0 };
    return {
      top: rect.bottom - box.top + 4,
      left: Math.max(0, Math.min(rect.left - box.left, box.width - 260)),
    };
  };

  /** Opens the menu of `mark`; the marks around it (a click lands on the innermost) are offered too. */
  const openMenu = (mark: HTMLElement) => {
    const span = spanOfMark(mark, spans);
    if (!span || running) return;
    const around: ReviewMarkSpan[] = [];
    for (
      let outer = mark.parentElement?.closest('mark');
      outer;
      outer = outer.parentElement?.closest('mark')
    ) {
      const other = spanOfMark(outer as HTMLElement, spans);
      if (other) around.push(other);
    }
    setPopover({ kind: 'menu', span, around, ...placeAt(mark.getBoundingClientRect()) });
  };

  /** After a mouse or keyboard selection inside the passage: offer to add it as a span. */
  const onSelectionEnd = (view: HTMLElement, deliberate: boolean): boolean => {
    const selection = document.getSelection();
    if (running || !selection || selection.rangeCount === 0 || selection.isCollapsed) return false;
    const range = selection.getRangeAt(0);
    const start = passageOffset(view, range.startContainer, range.startOffset, text.length);
    const end = passageOffset(view, range.endContainer, range.endOffset, text.length);
    if (start === null || end === null) return false;
    const snapped = rangeForSelection(text, { start, end }, deliberate);
    if (!snapped) return false;
    setPopover({ kind: 'add', range: snapped, ...placeAt(range.getBoundingClientRect()) });
    return true;
  };

  const closePopover = (restoreFocus: boolean) => {
    const open = popover;
    setPopover(null);
    if (!restoreFocus || open?.kind !== 'menu') return;
    const { start, end, type } = open.span;
    const mark = [...(wrapper.current?.querySelectorAll<HTMLElement>('mark') ?? [])].find(
      (m) => m.dataset.start === String(start) && m.dataset.end === String(end) && m.dataset.type === type,
    );
    mark?.focus();
  };

  const onKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    if ((event.key === 'Enter' || event.key === ' ') && target.tagName === 'MARK') {
      event.preventDefault();
      openMenu(target);
      return;
    }
    onKeyDown(event);
  };

  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    if (onSelectionEnd(event.currentTarget, event.altKey)) return;
    const mark = (event.target as HTMLElement).closest<HTMLElement>('mark');
    if (mark && event.currentTarget.contains(mark)) openMenu(mark);
  };

  if (!text) {
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Highlights appear here as soon as the model names them.
      </p>
    );
  }
  return (
    <div ref={wrapper} className="relative">
      {changed && (
        <p className="mb-2 text-sm text-amber-800 dark:text-amber-300">
          The passage was edited after this run; the highlights show the text as it was run.
        </p>
      )}
      <div
        role="region"
        aria-label="Highlighted passage (arrow keys move between entities, Enter opens a menu; select text to add a span)"
        tabIndex={0}
        onKeyDown={onKey}
        onKeyUp={(event) => {
          // A keyboard selection (Shift + arrows with caret browsing) offers "Add as" too.
          if (event.key.startsWith('Arrow') && event.shiftKey)
            onSelectionEnd(event.currentTarget, event.altKey);
        }}
        onMouseUp={(event) => void onSelectionEnd(event.currentTarget, event.altKey)}
        onClick={onClick}
        onCopy={(event) => copyPassage(event, text)}
        data-emphasis={emphasis ?? undefined}
        data-labels={labelsShown(labelSetting, spans.length) ? '' : undefined}
        data-testid="highlighted-passage"
        className="passage-view max-h-[60vh] overflow-auto rounded-md bg-white p-3 pb-8 leading-8 whitespace-pre-wrap break-words focus-visible:outline-2 focus-visible:outline-indigo-500 dark:bg-slate-900"
      >
        <PassageMarks
          text={text}
          blocks={blocks}
          typeOrder={types}
          colors={colors}
          tipsByRange={tipsByRange}
        />
      </div>
      {popover?.kind === 'add' && (
        <AddSpanPopover
          key={`${popover.range.start}:${popover.range.end}`}
          text={text}
          range={popover.range}
          types={offered}
          position={popover}
          onClose={() => {
            document.getSelection()?.removeAllRanges();
            closePopover(false);
          }}
        />
      )}
      {popover?.kind === 'menu' && (
        <SpanMenu
          key={`${popover.span.start}:${popover.span.end}:${popover.span.type}`}
          text={text}
          span={popover.span}
          around={popover.around}
          onSwitch={(span) =>
            setPopover({
              ...popover,
              span,
              around: [popover.span, ...popover.around.filter((other) => other !== span)],
            })
          }
          types={offered}
          position={popover}
          onClose={closePopover}
        />
      )}
    </div>
  );
}
