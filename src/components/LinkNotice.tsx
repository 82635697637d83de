import { useEffect, useLayoutEffect } from 'react';
import {
  dismissLinkNotice,
  openShareFragment,
  restoreDraft,
  setShareSync,
  startFragmentSync,
} from '../store/share-actions';
import { useAppStore } from '../store/app-store';

const action =
  'rounded px-2 py-0.5 underline hover:bg-indigo-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:bg-indigo-900';

/**
 * Opens the share link in the address bar (on start and when only the fragment changes), keeps the
 * fragment in step with edits once a link was opened or copied, and shows what happened; when the link
 * replaced the person's draft, offers it back. Messages are plain text: nothing from a link is ever
 * rendered as markup.
 */
export function LinkNotice() {
  const notice = useAppStore((s) => s.linkNotice);
  const syncing = useAppStore((s) => s.shareSync);
  const canRestore = useAppStore((s) => s.replacedDraft !== null);

  // Before the first paint, so the persisted passage does not flash before the shared one.
  useLayoutEffect(() => {
    openShareFragment(window.location.hash);
    const onHashChange = () => openShareFragment(window.location.hash);
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  useEffect(() => (syncing ? startFragmentSync() : undefined), [syncing]);

  if (!notice) return null;
  const refused = notice.kind === 'refused';
  return (
    <div
      role={refused ? 'alert' : 'status'}
      data-testid="link-notice"
      className={`flex flex-wrap items-center justify-between gap-2 rounded-md border p-2 text-sm ${
        refused
          ? 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200'
          : 'border-indigo-200 bg-indigo-50 text-indigo-900 dark:border-indigo-800 dark:bg-indigo-950 dark:text-indigo-200'
      }`}
    >
      <p className="break-words [overflow-wrap:anywhere]">
        {notice.message}
        {canRestore && ' It replaced the passage and types you had.'}
        {notice.kind === 'opened' && syncing && ' The address bar now follows your edits.'}
      </p>
      <div className="flex flex-wrap gap-2">
        {canRestore && (
          <button type="button" className={action} onClick={() => restoreDraft()}>
            Bring back my draft
          </button>
        )}
        {notice.kind === 'opened' && syncing && (
          <button type="button" className={action} onClick={() => setShareSync(false)}>
            Clear the address bar
          </button>
        )}
        <button
          type="button"
          aria-label="Dismiss the link notice"
          className="rounded px-2 hover:bg-black/5 focus-visible:outline-2 focus-visible:outline-indigo-500"
          onClick={dismissLinkNotice}
        >
          ×
        </button>
      </div>
    </div>
  );
}
