import { useCallback, useState } from 'react';
import { useAppStore } from '../../store/app-store';
import { ResultsSection } from '../ResultsSection';
import { DocumentList } from './DocumentList';
import { ShortcutHelp, useReviewShortcuts } from './ReviewKeys';

/**
 * The review workspace: the document list beside the results (below them on phones), the open
 * document's name above its text, and the keys of labeling tools (j/k, n, a/x, r; ? lists them).
 * Without documents, the results take the whole width as before.
 */
export function ReviewWorkspace() {
  const hasDocuments = useAppStore((s) => s.corpusDocuments.length > 0);
  const [help, setHelp] = useState(false);
  const toggleHelp = useCallback(() => setHelp((shown) => !shown), []);
  useReviewShortcuts(toggleHelp);
  return (
    <div
      className={`grid min-w-0 grid-cols-1 gap-4 md:col-span-2 ${
        hasDocuments ? 'lg:grid-cols-[19rem_minmax(0,1fr)]' : ''
      }`}
    >
      {hasDocuments && (
        <section
          aria-labelledby="review-list-heading"
          className="order-2 flex min-w-0 flex-col gap-2 self-start rounded-lg border border-slate-200 p-3 lg:sticky lg:top-2 lg:order-1 dark:border-slate-800"
        >
          <div className="flex items-center justify-between gap-2">
            <h2 id="review-list-heading" className="text-lg font-semibold">
              Review
            </h2>
            <button
              type="button"
              aria-expanded={help}
              aria-keyshortcuts="?"
              onClick={toggleHelp}
              className="rounded-md border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              Keys <kbd aria-hidden="true">?</kbd>
            </button>
          </div>
          {help && <ShortcutHelp onClose={() => setHelp(false)} />}
          <DocumentList />
        </section>
      )}
      <div className="order-1 min-w-0 lg:order-2">
        <ResultsSection />
      </div>
    </div>
  );
}
