import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';

interface Props {
  readonly types: readonly string[];
  /** Adds types (already split); returns false when some were duplicates. */
  readonly onAdd: (types: string[]) => boolean;
  readonly onRemove: (index: number) => void;
  readonly onMove: (from: number, to: number) => void;
  /** A message about the last edit (duplicates), shown under the field. */
  readonly notice?: string | null;
}

const iconButton =
  'rounded px-1 text-slate-600 hover:bg-slate-200 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-30 dark:text-slate-300 dark:hover:bg-slate-700 dark:hover:text-white';

/**
 * Entity types as chips. Type and press Enter or comma to add (pasting "a, b" adds both); Backspace in
 * the empty field removes the last chip. A focused chip moves with the arrow keys and is removed with
 * Backspace or Delete; each chip also has move and remove buttons. Duplicates are ignored (any case).
 */
export function EntityTypeChips({ types, onAdd, onRemove, onMove, notice }: Props) {
  const [draft, setDraft] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const chipRefs = useRef<(HTMLSpanElement | null)[]>([]);
  /** Where focus goes once the list has re-rendered after a keyboard move or removal. */
  const pendingFocus = useRef<number | null>(null);
  const setFocusIndex = (index: number) => {
    pendingFocus.current = index;
  };
  const id = useId();

  useEffect(() => {
    const index = pendingFocus.current;
    if (index === null) return;
    pendingFocus.current = null;
    (index < types.length ? chipRefs.current[index] : inputRef.current)?.focus();
  }, [types]);

  const commit = (text: string) => {
    const parts = text
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (parts.length) onAdd(parts);
    setDraft('');
  };

  const onInputKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' || event.key === ',') {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) return; // Ctrl+Enter runs Extract
      event.preventDefault();
      commit(draft);
    } else if (event.key === 'Backspace' && draft === '' && types.length > 0) {
      event.preventDefault();
      onRemove(types.length - 1);
    }
  };

  const onChipKeyDown = (index: number) => (event: KeyboardEvent<HTMLSpanElement>) => {
    if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (index > 0) {
        onMove(index, index - 1);
        setFocusIndex(index - 1);
      }
    } else if (event.key === 'ArrowRight' || event.key === 'ArrowDown') {
      event.preventDefault();
      if (index < types.length - 1) {
        onMove(index, index + 1);
        setFocusIndex(index + 1);
      }
    } else if (event.key === 'Backspace' || event.key === 'Delete') {
      event.preventDefault();
      onRemove(index);
      setFocusIndex(types.length > 1 ? Math.min(index, types.length - 2) : types.length);
    }
  };

  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="font-medium">
        Entity types
      </label>
      <div className="flex flex-wrap items-center gap-1.5 rounded-md border border-slate-300 bg-white p-1.5 dark:border-slate-700 dark:bg-slate-900">
        <ul aria-label="Entity types" className="contents">
          {types.map((type, index) => (
            <li
              key={type}
              className="flex items-center gap-0.5 rounded-full bg-slate-100 py-0.5 pr-1 pl-2.5 text-sm dark:bg-slate-800"
            >
              <span
                ref={(el) => {
                  chipRefs.current[index] = el;
                }}
                tabIndex={0}
                aria-describedby={`${id}-help`}
                onKeyDown={onChipKeyDown(index)}
                className="rounded focus-visible:outline-2 focus-visible:outline-indigo-500"
                data-chip={type}
              >
                {type}
              </span>
              <button
                type="button"
                className={iconButton}
                aria-label={`Move ${type} earlier`}
                disabled={index === 0}
                onClick={() => onMove(index, index - 1)}
              >
                ‹
              </button>
              <button
                type="button"
                className={iconButton}
                aria-label={`Move ${type} later`}
                disabled={index === types.length - 1}
                onClick={() => onMove(index, index + 1)}
              >
                ›
              </button>
              <button
                type="button"
                className={iconButton}
                aria-label={`Remove ${type}`}
                onClick={() => onRemove(index)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <input
          ref={inputRef}
          id={id}
          value={draft}
          onChange={(event) => {
            const value = event.target.value;
            // A pasted "a, b, c" adds every complete item and keeps the last fragment as the draft.
            if (value.includes(',')) {
              const parts = value.split(',');
              const rest = parts.pop() ?? '';
              commit(parts.join(','));
              setDraft(rest.trimStart());
            } else setDraft(value);
          }}
          onKeyDown={onInputKeyDown}
          onBlur={() => draft.trim() && commit(draft)}
          placeholder={types.length ? 'Add a type…' : 'e.g. person, drug, programming language'}
          aria-describedby={`${id}-help`}
          className="min-w-[10ch] flex-1 bg-transparent px-1 py-0.5 text-sm outline-none"
        />
      </div>
      <p id={`${id}-help`} className="text-sm text-slate-600 dark:text-slate-400">
        Enter or comma adds a type; Backspace removes the last. Focus a type to move it with the arrow keys.
      </p>
      {notice && (
        <p role="status" className="text-sm text-amber-800 dark:text-amber-300">
          {notice}
        </p>
      )}
    </div>
  );
}
