import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import type { DocumentSummary } from '../../lib/corpus/db';
import { filterDocuments, STATUS_LABEL } from '../../lib/corpus/list-view';
import { formatBytes } from '../../../workers/bytes';
import {
  deleteAllDocuments,
  deleteDocument,
  openDocument,
  setCorpusFilter,
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

/** One row: open (name), size, status, counts per type, delete. */
function DocumentRow({ doc, open }: { readonly doc: DocumentSummary; readonly open: boolean }) {
  return (
    <div
      role="listitem"
      data-document-id={doc.id}
      data-status={doc.status}
      aria-current={open ? 'true' : undefined}
      className={`flex h-full items-center gap-2 border-b border-slate-100 px-2 text-sm dark:border-slate-800 ${
        open ? 'bg-indigo-50 dark:bg-indigo-950' : ''
      }`}
    >
      <button
        type="button"
        onClick={() => void openDocument(doc.id)}
        className="flex min-w-0 flex-1 flex-col items-start text-left"
        title={doc.error ?? doc.name}
      >
        <span className="w-full truncate font-medium">{doc.name}</span>
        <span className="w-full truncate text-xs text-slate-600 dark:text-slate-400">
          {formatBytes(doc.size)} ·{' '}
          <span className={STATUS_STYLE[doc.status]}>{STATUS_LABEL[doc.status]}</span>
          {doc.status === 'done' || doc.status === 'stale'
            ? ` · ${countsText(doc.counts) || 'no entities'}`
            : ''}
        </span>
      </button>
      <button
        type="button"
        aria-label={`Delete ${doc.name}`}
        onClick={() => {
          if (window.confirm(`Delete ${doc.name} and its results?`)) void deleteDocument(doc.id);
        }}
        className="shrink-0 rounded px-1.5 text-slate-500 hover:bg-slate-100 hover:text-red-700 dark:hover:bg-slate-800"
      >
        ×
      </button>
    </div>
  );
}

/** The documents, filterable; only the rows on screen are in the DOM (virtualised), so 1,000s stay fast. */
export function DocumentList() {
  const documents = useAppStore((s) => s.corpusDocuments);
  const filter = useAppStore((s) => s.corpusFilter);
  const openId = useAppStore((s) => s.corpusOpenId);
  const shown = useMemo(() => filterDocuments(documents, filter), [documents, filter]);
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
  const [confirmAll, setConfirmAll] = useState(false);
  if (documents.length === 0)
    return <p className="text-sm text-slate-600 dark:text-slate-400">No documents yet.</p>;
  return (
    <div className="flex flex-col gap-2">
      <div className="flex items-center gap-2">
        <input
          type="search"
          value={filter}
          onChange={(event) => setCorpusFilter(event.target.value)}
          placeholder="Filter: name, status:done, type:person"
          aria-label="Filter documents"
          className="min-w-0 flex-1 rounded-md border border-slate-300 bg-transparent px-2 py-1 text-sm dark:border-slate-700"
        />
        {confirmAll ? (
          <span className="flex items-center gap-1 text-sm">
            <button
              type="button"
              className="rounded bg-red-700 px-2 py-1 text-white"
              onClick={() => {
                setConfirmAll(false);
                void deleteAllDocuments();
              }}
            >
              Delete all {documents.length}
            </button>
            <button type="button" className="rounded border px-2 py-1" onClick={() => setConfirmAll(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700"
            onClick={() => setConfirmAll(true)}
          >
            Delete all…
          </button>
        )}
      </div>
      <p className="text-xs text-slate-600 dark:text-slate-400" aria-live="polite">
        {shown.length === documents.length
          ? `${documents.length} documents`
          : `${shown.length} of ${documents.length} documents`}
      </p>
      <div
        ref={scroller}
        className="h-80 overflow-auto rounded-md border border-slate-200 dark:border-slate-800"
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
