import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ReviewMarkSpan } from '../lib/review/review-view';
import { describeMark } from '../lib/review/review-view';
import { acceptOne, changeSpanType, deleteSpan, rejectOne } from '../store/review-actions';

const item =
  'rounded px-2 py-1 text-left text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-50 dark:hover:bg-slate-800';

interface Props {
  readonly text: string;
  readonly span: ReviewMarkSpan;
  /** Other spans under the same point (nested marks), each a button that switches the menu to it. */
  readonly around: readonly ReviewMarkSpan[];
  readonly onSwitch: (span: ReviewMarkSpan) => void;
  /** Types offered for "Change type" (the run's types and labels already used). */
  readonly types: readonly string[];
  /** Where to draw, relative to the passage wrapper. */
  readonly position: { readonly top: number; readonly left: number };
  /** Closes the menu; `restoreFocus` puts focus back on the mark (Escape, after an action). */
  readonly onClose: (restoreFocus: boolean) => void;
}

/**
 * The menu of one mark: change type (a list of the run's types plus free entry), delete, and for
 * model spans accept and reject. Opened by a click on the mark or Enter/Space on a focused one;
 * Escape closes it and returns focus to the mark. Arrow keys move between its buttons.
 */
export function SpanMenu({ text, span, around, onSwitch, types, position, onClose }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [label, setLabel] = useState('');
  // Focus the first enabled action, so Enter on a mark then Enter again does the likeliest thing.
  useEffect(() => box.current?.querySelector<HTMLElement>('button:not(:disabled)')?.focus(), []);
  const ref = { start: span.start, end: span.end, label: span.type };
  const done = (changed: boolean) => {
    if (changed) onClose(false);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onClose(true);
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    if (event.target instanceof HTMLInputElement) return;
    const buttons = [...event.currentTarget.querySelectorAll<HTMLElement>('button:not(:disabled)')];
    const at = buttons.indexOf(document.activeElement as HTMLElement);
    const next = event.key === 'ArrowDown' ? at + 1 : at - 1;
    buttons[(next + buttons.length) % buttons.length]?.focus();
    event.preventDefault();
    event.stopPropagation();
  };
  const otherTypes = types.filter((type) => type !== span.type);
  const model = span.source === 'model';
  return (
    <div
      ref={box}
      role="dialog"
      aria-label={`Span “${text.slice(span.start, span.end)}”: ${describeMark(span)}`}
      data-testid="span-menu"
      onKeyDown={onKeyDown}
      style={{ top: position.top, left: position.left }}
      className="absolute z-20 flex w-64 flex-col gap-1 rounded-md border border-slate-300 bg-white p-2 shadow-lg dark:border-slate-700 dark:bg-slate-900"
    >
      <p className="text-xs text-slate-600 dark:text-slate-400">{describeMark(span)}</p>
      {around.length > 0 && (
        <div className="flex flex-wrap items-center gap-1 text-xs">
          Also here:
          {around.map((other) => (
            <button
              key={`${other.start}:${other.end}:${other.type}`}
              type="button"
              className={item}
              onClick={() => onSwitch(other)}
            >
              {describeMark(other)}
            </button>
          ))}
        </div>
      )}
      {model && (
        <button
          type="button"
          className={item}
          disabled={span.decision === 'accepted'}
          onClick={() => done(acceptOne(ref))}
        >
          Accept
        </button>
      )}
      {model && (
        <button
          type="button"
          className={item}
          disabled={span.decision === 'rejected'}
          onClick={() => done(rejectOne(ref))}
        >
          Reject
        </button>
      )}
      {!model && (
        <button type="button" className={item} onClick={() => done(deleteSpan(ref))}>
          Delete
        </button>
      )}
      {otherTypes.map((type) => (
        <button key={type} type="button" className={item} onClick={() => done(changeSpanType(ref, type))}>
          Change type to {type}
        </button>
      ))}
      <form
        className="flex gap-1"
        onSubmit={(event) => {
          event.preventDefault();
          done(changeSpanType(ref, label));
        }}
      >
        <input
          aria-label="Other type"
          placeholder="Other type…"
          value={label}
          onChange={(event) => setLabel(event.target.value)}
          className="min-w-0 flex-1 rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950"
        />
        <button type="submit" className={item} disabled={!label.trim()}>
          Change
        </button>
      </form>
      <button type="button" className={item} onClick={() => onClose(true)}>
        Close
      </button>
    </div>
  );
}
