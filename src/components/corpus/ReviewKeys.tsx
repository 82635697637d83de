import { useEffect } from 'react';
import { isTypingTarget, shortcutOf, SHORTCUTS } from '../../lib/review/shortcuts';
import { useAppStore } from '../../store/app-store';
import { openNeighbour, openNextUnreviewed } from '../../store/corpus-actions';
import { acceptOne, rejectOne, setReviewed } from '../../store/review-actions';

/** The mark a/x act on: the focused one, else the first undecided model span of the passage. */
function targetMark(): HTMLElement | null {
  const view = document.querySelector<HTMLElement>('[data-testid="highlighted-passage"]');
  if (!view) return null;
  const active = document.activeElement;
  if (active instanceof HTMLElement && active.tagName === 'MARK' && view.contains(active)) return active;
  return view.querySelector<HTMLElement>('mark[data-source="model"]:not([data-decision])');
}

const markSelector = (mark: { start: string; end: string; type: string }) =>
  `mark[data-start="${mark.start}"][data-end="${mark.end}"][data-type="${CSS.escape(mark.type)}"]`;

/** Accepts or rejects the target mark, then focuses the next mark (the passage redraws a frame later). */
function decide(accept: boolean): void {
  const mark = targetMark();
  if (!mark) {
    useAppStore.setState({ reviewAnnouncement: 'No span to decide on: select text to add one.' });
    return;
  }
  const marks = [
    ...(mark.closest('[data-testid="highlighted-passage"]')?.querySelectorAll<HTMLElement>('mark') ?? []),
  ];
  const next = marks[marks.indexOf(mark) + 1] ?? mark;
  const where = {
    start: next.dataset.start ?? '',
    end: next.dataset.end ?? '',
    type: next.dataset.type ?? '',
  };
  const ref = {
    start: Number(mark.dataset.start),
    end: Number(mark.dataset.end),
    label: mark.dataset.type ?? '',
  };
  if (!(accept ? acceptOne(ref) : rejectOne(ref))) {
    useAppStore.setState({
      reviewAnnouncement:
        mark.dataset.source === 'person'
          ? 'A span a person added needs no decision.'
          : `Already ${accept ? 'accepted' : 'rejected'}.`,
    });
  }
  requestAnimationFrame(() =>
    requestAnimationFrame(() =>
      document
        .querySelector<HTMLElement>(`[data-testid="highlighted-passage"] ${markSelector(where)}`)
        ?.focus(),
    ),
  );
}

/**
 * The review workspace's keys (see src/lib/review/shortcuts.ts), on the whole page but never while the
 * person types in a field or works in a span's menu. `onHelp` shows or hides the list of keys.
 */
export function useReviewShortcuts(onHelp: () => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      const action = shortcutOf(event, isTypingTarget(event.target));
      if (!action) return;
      const state = useAppStore.getState();
      const reviewing = state.reviewText !== '' && state.runStatus !== 'running';
      const documents = state.corpusDocuments.length > 0;
      switch (action) {
        case 'help':
          onHelp();
          break;
        case 'next':
        case 'previous':
          if (!documents) return;
          void openNeighbour(action === 'next' ? 1 : -1);
          break;
        case 'next-unreviewed':
          if (!documents) return;
          void openNextUnreviewed();
          break;
        case 'accept':
        case 'reject':
          if (!reviewing) return;
          decide(action === 'accept');
          break;
        case 'reviewed':
          if (!reviewing) return;
          setReviewed(!state.review.reviewed);
          break;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onHelp]);
}

/** The list of keys. */
export function ShortcutHelp({ onClose }: { readonly onClose: () => void }) {
  return (
    <div
      role="region"
      aria-label="Keyboard shortcuts"
      className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex items-center justify-between gap-2">
        <h3 className="font-medium">Keyboard shortcuts</h3>
        <button
          type="button"
          className="rounded px-1.5 hover:bg-slate-200 dark:hover:bg-slate-800"
          aria-label="Hide keyboard shortcuts"
          onClick={onClose}
        >
          ×
        </button>
      </div>
      <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
        {SHORTCUTS.map(({ keys, does }) => (
          <div key={does} className="contents">
            <dt className="whitespace-nowrap">
              {keys.map((key, i) => (
                <span key={key}>
                  {i > 0 && ' or '}
                  <kbd className="rounded border border-slate-300 bg-white px-1 font-mono text-xs dark:border-slate-700 dark:bg-slate-950">
                    {key}
                  </kbd>
                </span>
              ))}
            </dt>
            <dd className="text-slate-700 dark:text-slate-300">{does}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
        Keys do nothing while you type in a field.
      </p>
    </div>
  );
}
