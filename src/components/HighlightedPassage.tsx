import { useMemo, type KeyboardEvent } from 'react';
import { layoutSpans, type TypedSpan } from '../lib/span-layout';
import type { TypeColor } from '../lib/type-colors';
import {
  usePassageChangedSinceRun,
  useResults,
  useRunPassage,
  useRunStatus,
  useRunTypes,
} from '../store/selectors';
import { PassageMarks } from './PassageMarks';

interface Props {
  readonly colors: ReadonlyMap<string, TypeColor>;
  /** The type the legend points at, or null. */
  readonly emphasis: string | null;
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

/** The passage of the last run with every found span highlighted (live while the answer streams). */
export function HighlightedPassage({ colors, emphasis }: Props) {
  const text = useRunPassage();
  const results = useResults();
  const types = useRunTypes();
  const status = useRunStatus();
  const changed = usePassageChangedSinceRun();

  const { spans, typesByRange } = useMemo(() => {
    const spans: TypedSpan[] = [];
    const byRange = new Map<string, string[]>();
    for (const [type, entities] of Object.entries(results)) {
      for (const entity of entities) {
        for (const { start, end } of entity.spans) {
          spans.push({ type, start, end });
          const key = `${start}:${end}`;
          const list = byRange.get(key) ?? [];
          if (!list.includes(type)) list.push(type);
          byRange.set(key, list);
        }
      }
    }
    return { spans, typesByRange: byRange as ReadonlyMap<string, readonly string[]> };
  }, [results]);
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
        <style>{`.passage-view[data-emphasis] .entity[data-type=${cssString(emphasis)}]{background-color:rgb(var(--entity-light)/.35);box-shadow:inset 0 -3px 0 rgb(var(--entity-light))}.dark .passage-view[data-emphasis] .entity[data-type=${cssString(emphasis)}]{background-color:rgb(var(--entity-dark)/.35);box-shadow:inset 0 -3px 0 rgb(var(--entity-dark))}`}</style>
      )}
      <div
        role="region"
        aria-label="Highlighted passage (arrow keys move between entities)"
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-emphasis={emphasis ?? undefined}
        data-testid="highlighted-passage"
        className="passage-view max-h-[60vh] overflow-auto rounded-md bg-white p-3 leading-8 whitespace-pre-wrap break-words focus-visible:outline-2 focus-visible:outline-indigo-500 dark:bg-slate-900"
      >
        <PassageMarks text={text} layout={layout} colors={colors} typesByRange={typesByRange} />
      </div>
    </div>
  );
}
