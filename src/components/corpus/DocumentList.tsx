import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import type { DocumentSummary } from '../../lib/corpus/db';
import { countByFilter, STATUS_FILTERS, STATUS_LABEL, visibleDocuments } from '../../lib/corpus/list-view';
import { formatBytes } from '../../../workers/bytes';
import {
  deleteDocument,
  openDocument,
  setCorpusFilter,
  setCorpusStatusFilter,
} from '../../store/corpus-actions';
import { useAppStore } from '../../store/app-store';

const ROW_HEIGHT = 52;

const STATUS_STYLE: Record<DocumentSummary['status'], string> = {
  pending: 'text-slate-600 dark:text-slate-400',
  running: 'text-indigo-700 dark:text-indigo-300',
  done: 'text-green-700 dark:text-green-400',
  failed: 'text-red-700 dark:text-red-400',
  stale: 'text-amber-700 dark:text-amber-400',
};

function countsText(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .map(([type, n]) => `${type} ${n}`)
    .join(' · ');
}

/** One row: open (name), size, status (reviewed ✓), counts per type that count, delete. */
function DocumentRow({ doc, open }: { readonly doc: DocumentSummary; readonly open: boolean }) {
  return (
    <div
      role="listitem"
      data-document-id={doc.id}
      data-status={doc.status}
      data-reviewed={doc.reviewed ? '' : undefined}
      aria-current={open ? 'true' : undefined}
      className={`flex h-full items-center gap-2 border-b border-l-4 border-b-slate-100 px-2 text-sm dark:border-b-slate-800 ${
        open ? 'border-l-indigo-600 bg-indigo-50 dark:bg-indigo-950' : 'border-l-transparent'
      }`}
    >
      <button
        type="button"
        onClick={() => void openDocument(doc.id)}
        className="flex min-w-0 flex-1 flex-col items-start text-left"
        title={doc.error ?? doc.name}
      >
        <span className="w-full truncate font-medium">
          {doc.reviewed && (
            <span className="text-green-700 dark:text-green-400" aria-label="reviewed">
              ✓{' '}
            </span>
          )}
          {doc.name}
        </span>
        <span className="w-full truncate text-xs text-slate-600 dark:text-slate-400">
          {formatBytes(doc.size)} ·{' '}
          <span className={STATUS_STYLE[doc.status]}>
            {doc.reviewed ? 'reviewed' : STATUS_LABEL[doc.status]}
          </span>
          {doc.status === 'done' || doc.status === 'stale'
            ? ` · ${countsText(doc.counts) || 'no entities'}`
            : ''}
        </span>
      </button>
      <button
        type="button"
        aria-label={`Delete ${doc.name}`}
        onClick={() => {
          const reviewed = doc.reviewed ? ' It is reviewed: its corrections go too.' : '';
          if (window.confirm(`Delete ${doc.name} and its results?${reviewed}`)) void deleteDocument(doc.id);
        }}
        className="shrink-0 rounded px-1.5 text-slate-500 hover:bg-slate-100 hover:text-red-700 dark:hover:bg-slate-800"
      >
        ×
      </button>
    </div>
  );
}

/**
 * The documents, filterable by status and text, with how many are reviewed and how many are left.
 * Only the rows on screen are in the DOM (virtualised), so 1,000s stay fast; the list is as tall as
 * its rows up to most of the window, and keeps the open document in view.
 */
export function DocumentList() {
  const documents = useAppStore((s) => s.corpusDocuments);
  const filter = useAppStore((s) => s.corpusFilter);
  const statusFilter = useAppStore((s) => s.corpusStatusFilter);
  const openId = useAppStore((s) => s.corpusOpenId);
  const shown = useMemo(
    () => visibleDocuments(documents, statusFilter, filter),
    [documents, statusFilter, filter],
  );
  const counts = useMemo(() => countByFilter(documents), [documents]);
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer re-renders this component itself on scroll
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    // jsdom and the first paint have no layout: still render a first screenful.
    initialRect: { width: 300, height: 320 },
  });
  const openIndex = shown.findIndex((d) => d.id === openId);
  useEffect(() => {
    if (openIndex >= 0) virtualizer.scrollToIndex(openIndex, { align: 'auto' });
  }, [openIndex, virtualizer]);
  if (documents.length === 0)
    return <p className="text-sm text-slate-600 dark:text-slate-400">No documents yet.</p>;
  const left = counts.all - counts.reviewed;
  return (
    <div className="flex min-h-0 flex-col gap-2">
      <p className="text-sm" data-testid="review-progress" aria-live="polite">
        <span className="font-medium">{counts.reviewed.toLocaleString('en-US')} reviewed</span> ·{' '}
        {left.toLocaleString('en-US')} left of {counts.all.toLocaleString('en-US')}
      </p>
      <div role="group" aria-label="Show documents" className="flex flex-wrap gap-1">
        {STATUS_FILTERS.map(({ value, label }) => (
          <button
            key={value}
            type="button"
            aria-pressed={statusFilter === value}
            onClick={() => setCorpusStatusFilter(value)}
            className={`rounded-full border px-2 py-0.5 text-xs ${
              statusFilter === value
                ? 'border-indigo-600 bg-indigo-600 text-white'
                : 'border-slate-300 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800'
            }`}
          >
            {label} {counts[value]}
          </button>
        ))}
      </div>
      <input
        type="search"
        value={filter}
        onChange={(event) => setCorpusFilter(event.target.value)}
        placeholder="Filter: name, type:person"
        aria-label="Filter documents"
        className="min-w-0 rounded-md border border-slate-300 bg-transparent px-2 py-1 text-sm dark:border-slate-700"
      />
      <p className="text-xs text-slate-600 dark:text-slate-400" aria-live="polite">
        {shown.length === documents.length
          ? `${documents.length} documents`
          : `${shown.length} of ${documents.length} documents`}
      </p>
      <div
        ref={scroller}
        style={{ height: `min(${Math.max(1, shown.length) * ROW_HEIGHT + 2}px, 70vh)` }}
        className="overflow-auto rounded-md border border-slate-200 dark:border-slate-800"
      >
        <div
          role="list"
          aria-label="Documents"
          style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
        >
          {virtualizer.getVirtualItems().map((row) => {
            const doc = shown[row.index]!;
            return (
              <div
                key={doc.id}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: row.size,
                  transform: `translateY(${row.start}px)`,
                }}
              >
                <DocumentRow doc={doc} open={doc.id === openId} />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
