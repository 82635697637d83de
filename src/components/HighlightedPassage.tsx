import { useDeferredValue, useLayoutEffect, useMemo, type ClipboardEvent, type KeyboardEvent } from 'react';
import type { Results, SpanTag } from '../lib/score-threshold';
import { blockCuts, labelsShown, passageBlocks, type TypedSpan } from '../lib/span-layout';
import type { TypeColor } from '../lib/type-colors';
import { setRuntimeRules } from '../lib/runtime-styles';
import {
  usePassageChangedSinceRun,
  useRunPassage,
  useRunStatus,
  useRunTypes,
  useTypeLabels,
} from '../store/selectors';
import { PassageMarks } from './PassageMarks';

interface Props {
  readonly colors: ReadonlyMap<string, TypeColor>;
  /** The type the legend points at, or null. */
  readonly emphasis: string | null;
  /** The results to highlight: the run's, after the confidence threshold. */
  readonly results: Results;
}

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

/**
 * Every span to highlight, and per `start:end` range the types tagged on it with their scores (the
 * highest when two strings of one type land on the same text).
 */
function collectSpans(results: Results): {
  spans: TypedSpan[];
  tagsByRange: ReadonlyMap<string, readonly SpanTag[]>;
} {
  const spans: TypedSpan[] = [];
  const byRange = new Map<string, SpanTag[]>();
  for (const [type, entities] of Object.entries(results)) {
    for (const entity of entities) {
      for (const { start, end } of entity.spans) {
        spans.push({ type, start, end });
        const key = `${start}:${end}`;
        const tags = byRange.get(key) ?? [];
        const at = tags.findIndex((tag) => tag.type === type);
        const tag: SpanTag = entity.score === undefined ? { type } : { type, score: entity.score };
        if (at < 0) tags.push(tag);
        else if (tag.score !== undefined && !(tags[at]!.score! >= tag.score)) tags[at] = tag;
        byRange.set(key, tags);
      }
    }
  }
  return { spans, tagsByRange: byRange };
}

/**
 * The passage of the last run with every shown span highlighted (live while the answer streams), each
 * with its type as a label (a setting) and its types and scores on hover and focus.
 */
/** Stronger highlight and visible labels for the marks of one type, in both themes. */
function emphasisRules(type: string): string {
  const marks = `.passage-view[data-emphasis] .entity[data-type=${cssString(type)}]`;
  return (
    `${marks}{background-color:rgb(var(--entity-light)/.35);box-shadow:inset 0 -3px 0 rgb(var(--entity-light))}` +
    `.dark ${marks}{background-color:rgb(var(--entity-dark)/.35);box-shadow:inset 0 -3px 0 rgb(var(--entity-dark))}` +
    `${marks}::after{opacity:1}`
  );
}

export function HighlightedPassage({ colors, emphasis, results }: Props) {
  // The emphasised type's rules name the type, so they are made at run time (see runtime-styles.ts).
  useLayoutEffect(() => {
    setRuntimeRules(document, emphasis === null ? '' : emphasisRules(emphasis));
    return () => void setRuntimeRules(document, '');
  }, [emphasis]);
  const text = useRunPassage();
  const types = useRunTypes();
  const status = useRunStatus();
  const changed = usePassageChangedSinceRun();
  const labelSetting = useTypeLabels();

  // Deferred: a streamed result first updates the lists and counts, then the passage is drawn in a
  // background render that React splits into slices and yields between, so no single task holds the
  // page for the whole of it (it still shows every result; a newer one simply replaces the pending draw).
  const shown = useDeferredValue(results);
  const { spans, tagsByRange } = useMemo(() => collectSpans(shown), [shown]);
  // Where the passage may be cut into blocks depends on the text only; which cuts are used, on the spans.
  const cuts = useMemo(() => blockCuts(text), [text]);
  const blocks = useMemo(() => passageBlocks(text.length, cuts, spans), [text, cuts, spans]);

  if (status === 'idle') {
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Highlights appear here as soon as the model names them.
      </p>
    );
  }
  return (
    <div>
      {changed && (
        <p className="mb-2 text-sm text-amber-800 dark:text-amber-300">
          The passage was edited after this run; the highlights show the text as it was run.
        </p>
      )}
      <div
        role="region"
        aria-label="Highlighted passage (arrow keys move between entities)"
        tabIndex={0}
        onKeyDown={onKeyDown}
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
          tagsByRange={tagsByRange}
        />
      </div>
    </div>
  );
}
