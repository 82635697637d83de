import { useMemo } from 'react';
import { STATUS_LABEL, visibleDocuments } from '../../lib/corpus/list-view';
import { useAppStore } from '../../store/app-store';
import { openNeighbour, openNextUnreviewed } from '../../store/corpus-actions';

const button =
  'rounded-md border border-slate-300 px-2.5 py-1 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800';

/**
 * Which corpus document is open, above its text: its name, where it sits in the list as filtered,
 * whether it is reviewed, and previous / next / next unreviewed (also j, k and n).
 */
export function OpenDocumentBar() {
  const openId = useAppStore((s) => s.corpusOpenId);
  const documents = useAppStore((s) => s.corpusDocuments);
  const statusFilter = useAppStore((s) => s.corpusStatusFilter);
  const filter = useAppStore((s) => s.corpusFilter);
  const list = useMemo(
    () => visibleDocuments(documents, statusFilter, filter),
    [documents, statusFilter, filter],
  );
  const doc = useMemo(() => documents.find((d) => d.id === openId), [documents, openId]);
  if (!openId || !doc) return null;
  const at = list.findIndex((d) => d.id === openId);
  const left = documents.filter((d) => !d.reviewed && d.status === 'done' && d.id !== openId).length;
  return (
    <div
      className="flex flex-wrap items-center justify-between gap-2 rounded-md bg-slate-50 px-3 py-2 dark:bg-slate-900"
      data-testid="open-document"
    >
      <div className="min-w-0">
        <h3 className="truncate font-semibold" title={doc.name} aria-live="polite">
          <span className="sr-only">Open document: </span>
          {doc.name}
        </h3>
        <p className="text-xs text-slate-600 dark:text-slate-400">
          {at >= 0
            ? `${at + 1} of ${list.length}${list.length !== documents.length ? ' shown' : ''}`
            : 'not in the filtered list'}{' '}
          · {doc.reviewed ? 'reviewed' : STATUS_LABEL[doc.status]}
        </p>
      </div>
      <div className="flex flex-wrap gap-1.5" role="group" aria-label="Move between documents">
        <button
          type="button"
          className={button}
          aria-keyshortcuts="k Alt+ArrowUp"
          disabled={at === 0}
          onClick={() => void openNeighbour(-1)}
        >
          ‹ Previous{' '}
          <kbd aria-hidden="true" className="text-xs text-slate-500">
            k
          </kbd>
        </button>
        <button
          type="button"
          className={button}
          aria-keyshortcuts="j Alt+ArrowDown"
          disabled={at === list.length - 1}
          onClick={() => void openNeighbour(1)}
        >
          Next ›{' '}
          <kbd aria-hidden="true" className="text-xs text-slate-500">
            j
          </kbd>
        </button>
        <button
          type="button"
          className={button}
          aria-keyshortcuts="n"
          disabled={left === 0}
          onClick={() => void openNextUnreviewed()}
        >
          Next to review ({left}){' '}
          <kbd aria-hidden="true" className="text-xs text-slate-500">
            n
          </kbd>
        </button>
      </div>
    </div>
  );
}
