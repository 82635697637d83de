import { useEffect, useSyncExternalStore } from 'react';
import {
  applyUpdate,
  dismissServiceWorkerNotice,
  getServiceWorkerState,
  registerServiceWorker,
  subscribeServiceWorker,
} from '../lib/service-worker';
import { useAppStore } from '../store/app-store';

/** How long "Ready to work offline" stays up. */
const OFFLINE_NOTICE_MS = 6000;

/**
 * "Update available — Reload" when a new version of the app is waiting, and a one-time "ready to work
 * offline". Reload is disabled while a model loads or a run streams: reloading would lose it.
 */
export function UpdateToast() {
  useEffect(registerServiceWorker, []);
  const { needRefresh, offlineReady } = useSyncExternalStore(subscribeServiceWorker, getServiceWorkerState);
  const busy = useAppStore((s) => s.runStatus === 'running' || s.loadStatus === 'loading');
  // "Ready to work offline" is news, not a question: it leaves by itself so it never sits over the
  // results; "Update available" stays until answered.
  const infoOnly = offlineReady && !needRefresh;
  useEffect(() => {
    if (!infoOnly) return;
    const timer = setTimeout(dismissServiceWorkerNotice, OFFLINE_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [infoOnly]);
  if (!needRefresh && !offlineReady) return null;
  return (
    <div
      role="status"
      className="fixed right-3 bottom-3 z-10 flex max-w-sm items-center gap-3 rounded-lg border border-slate-300 bg-white p-3 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900"
    >
      <p>
        {needRefresh
          ? busy
            ? 'Update available — reload when this run is over.'
            : 'Update available.'
          : 'Ready to work offline.'}
      </p>
      {needRefresh && (
        <button
          type="button"
          disabled={busy}
          onClick={applyUpdate}
          className="rounded-md bg-indigo-600 px-3 py-1 font-medium text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 disabled:opacity-50"
        >
          Reload
        </button>
      )}
      <button
        type="button"
        aria-label="Dismiss"
        onClick={dismissServiceWorkerNotice}
        className="rounded px-2 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:bg-slate-800"
      >
        ×
      </button>
    </div>
  );
}
