import { useState } from 'react';
import { useAppStore } from '../../store/app-store';
import { deleteAllDocuments } from '../../store/corpus-actions';

/**
 * "Delete all…": says what goes (how many documents, how many reviewed) and offers an export first
 * (it opens the export section), before a second click deletes.
 */
export function DeleteAll() {
  const documents = useAppStore((s) => s.corpusDocuments);
  const [asking, setAsking] = useState(false);
  if (documents.length === 0) return null;
  const reviewed = documents.filter((d) => d.reviewed).length;
  const corrected = documents.filter((d) => d.status === 'done' || d.status === 'stale').length;
  if (!asking)
    return (
      <button
        type="button"
        className="self-start rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700"
        onClick={() => setAsking(true)}
      >
        Delete all…
      </button>
    );
  return (
    <div
      role="alertdialog"
      aria-label="Delete all documents"
      className="flex flex-col gap-2 rounded-md border border-red-300 p-2 text-sm dark:border-red-800"
    >
      <p>
        This deletes all {documents.length.toLocaleString('en-US')} documents with their results
        {corrected > 0 ? ` (${corrected.toLocaleString('en-US')} run)` : ''}
        {reviewed > 0 ? (
          <>
            , <strong>including {reviewed.toLocaleString('en-US')} reviewed</strong> and every correction
          </>
        ) : null}
        . It cannot be undone.
      </p>
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          className="rounded border border-slate-300 px-2 py-1 dark:border-slate-700"
          onClick={() => {
            setAsking(false);
            const details = document.querySelector<HTMLDetailsElement>('[data-testid="corpus-export"]');
            if (details) {
              details.open = true;
              details.scrollIntoView?.({ block: 'nearest' });
              details.querySelector<HTMLElement>('input, button')?.focus();
            }
          }}
        >
          Export first
        </button>
        <button
          type="button"
          className="rounded bg-red-700 px-2 py-1 text-white"
          onClick={() => {
            setAsking(false);
            void deleteAllDocuments();
          }}
        >
          Delete all {documents.length.toLocaleString('en-US')}
        </button>
        <button type="button" className="rounded border px-2 py-1" onClick={() => setAsking(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
