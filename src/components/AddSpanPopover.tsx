import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { TextRange } from '../lib/review/word-snap';
import { addSpan } from '../store/review-actions';

const item =
  'rounded border border-slate-300 px-2 py-0.5 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800';

interface Props {
  readonly text: string;
  /** The selection, already snapped to words (or kept as selected when deliberate). */
  readonly range: TextRange;
  /** The run's types and labels in use, offered as one-click choices. */
  readonly types: readonly string[];
  readonly position: { readonly top: number; readonly left: number };
  readonly onClose: () => void;
}

/**
 * "Add as: [type…]" after a text selection in the passage: one button per type of the run, and a
 * free entry for any other label. Focus goes to the first choice (so the keyboard can answer at
 * once); Escape closes it.
 */
export function AddSpanPopover({ text, range, types, position, onClose }: Props) {
  const [label, setLabel] = useState('');
  const first = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => (first.current ?? input.current)?.focus(), []);
  const add = (type: string) => {
    if (addSpan({ ...range, label: type })) onClose();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    onClose();
  };
  const selected = text.slice(range.start, range.end);
  return (
    <div
      role="dialog"
      aria-label={`Add “${selected.length > 40 ? `${selected.slice(0, 37)}…` : selected}” as`}
      data-testid="add-span"
      onKeyDown={onKeyDown}
      style={{ top: position.top, left: position.left }}
      className="absolute z-20 flex max-w-sm flex-wrap items-center gap-1 rounded-md border border-slate-300 bg-white p-2 shadow-lg dark:border-slate-700 dark:bg-slate-900"
    >
      <span className="text-sm">Add as:</span>
      {types.map((type, index) => (
        <button
          key={type}
          ref={index === 0 ? first : undefined}
          type="button"
          className={item}
          onClick={() => add(type)}
        >
          {type}
        </button>
      ))}
      <form
        className="flex gap-1"
        onSubmit={(event) => {
          event.preventDefault();
          if (label.trim()) add(label.trim());
        }}
      >
        <input
          ref={input}
          aria-label="New type"
          placeholder="Other type…"
          value={label}
          onChange={(event) => setLabel(event.target.value)}
          className="w-28 rounded border border-slate-300 px-2 py-0.5 text-sm dark:border-slate-700 dark:bg-slate-950"
        />
        <button type="submit" className={item} disabled={!label.trim()}>
          Add
        </button>
      </form>
      <button type="button" className={item} aria-label="Cancel" onClick={onClose}>
        ×
      </button>
    </div>
  );
}
