import { useCallback, useEffect, useState } from 'react';
import { deleteCachedModel, listCachedModels, type CachedModel } from '../lib/model-cache';
import { formatBytes } from '../../workers/bytes';
import { useLoadStatus } from '../store/selectors';

/** Models in the browser's cache with their sizes; each can be deleted. Refreshes after every load. */
export function CachedModels() {
  const [models, setModels] = useState<CachedModel[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const loadStatus = useLoadStatus();

  const refresh = useCallback(() => {
    listCachedModels().then(setModels, () => setModels([]));
  }, []);
  useEffect(() => {
    if (loadStatus !== 'loading') refresh();
  }, [loadStatus, refresh]);

  return (
    <details className="text-sm">
      <summary className="cursor-pointer font-medium">
        Cached models{models ? ` (${models.length})` : ''}
      </summary>
      {models === null ? (
        <p>Reading the cache…</p>
      ) : models.length === 0 ? (
        <p className="text-slate-600 dark:text-slate-400">Nothing cached yet.</p>
      ) : (
        <ul className="mt-2 flex flex-col gap-1">
          {models.map((model) => (
            <li key={model.id} className="flex items-center justify-between gap-2">
              <span className="truncate" title={model.id}>
                {model.id}{' '}
                <span className="text-slate-600 dark:text-slate-400">
                  · {formatBytes(model.totalBytes)} · {model.files.length} files
                </span>
              </span>
              <button
                type="button"
                disabled={busy !== null}
                aria-label={`Delete ${model.id} from the cache`}
                className="rounded border border-slate-300 px-2 py-0.5 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-red-950"
                onClick={async () => {
                  setBusy(model.id);
                  await deleteCachedModel(model.id).catch(() => 0);
                  setBusy(null);
                  refresh();
                }}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
