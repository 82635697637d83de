import { useMemo, type KeyboardEvent } from 'react';
import type { Results, SpanTag } from '../lib/score-threshold';
import { labelsShown, layoutSpans, type TypedSpan } from '../lib/span-layout';
import type { TypeColor } from '../lib/type-colors';
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
export function HighlightedPassage({ colors, emphasis, results }: Props) {
  const text = useRunPassage();
  const types = useRunTypes();
  const status = useRunStatus();
  const changed = usePassageChangedSinceRun();
  const labelSetting = useTypeLabels();

  const { spans, tagsByRange } = useMemo(() => collectSpans(results), [results]);
  const layout = useMemo(() => layoutSpans(text.length, spans, types), [text, spans, types]);

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
      {emphasis !== null && (
        <style>{`.passage-view[data-emphasis] .entity[data-type=${cssString(emphasis)}]{background-color:rgb(var(--entity-light)/.35);box-shadow:inset 0 -3px 0 rgb(var(--entity-light))}.dark .passage-view[data-emphasis] .entity[data-type=${cssString(emphasis)}]{background-color:rgb(var(--entity-dark)/.35);box-shadow:inset 0 -3px 0 rgb(var(--entity-dark))}.passage-view[data-emphasis] .entity[data-type=${cssString(emphasis)}]::after{opacity:1}`}</style>
      )}
      <div
        role="region"
        aria-label="Highlighted passage (arrow keys move between entities)"
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-emphasis={emphasis ?? undefined}
        data-labels={labelsShown(labelSetting, spans.length) ? '' : undefined}
        data-testid="highlighted-passage"
        className="passage-view max-h-[60vh] overflow-auto rounded-md bg-white p-3 pb-8 leading-8 whitespace-pre-wrap break-words focus-visible:outline-2 focus-visible:outline-indigo-500 dark:bg-slate-900"
      >
        <PassageMarks text={text} layout={layout} colors={colors} tagsByRange={tagsByRange} />
      </div>
    </div>
  );
}
