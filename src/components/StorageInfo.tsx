import { useEffect, useState } from 'react';
import { formatBytes } from '../../workers/bytes';
import { useLoadStatus } from '../store/selectors';

interface StorageFacts {
  readonly usage: number | null;
  readonly quota: number | null;
  /** null: the browser does not say. */
  readonly persisted: boolean | null;
}

/** Asked once per page: persistent storage, the first time a model is ready (it is then worth keeping). */
let persistRequested = false;

async function readStorage(): Promise<StorageFacts> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage) return { usage: null, quota: null, persisted: null };
  const [estimate, persisted] = await Promise.all([
    storage.estimate ? storage.estimate().catch(() => null) : null,
    storage.persisted ? storage.persisted().catch(() => null) : null,
  ]);
  return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted };
}

/**
 * How much the browser lets this site store and how much it uses (models dominate), and whether the
 * storage is persistent (not evicted under pressure). Refreshes after each load.
 */
export function StorageInfo() {
  const loadStatus = useLoadStatus();
  const [facts, setFacts] = useState<StorageFacts | null>(null);

  useEffect(() => {
    if (loadStatus === 'loading') return;
    let cancelled = false;
    const refresh = () =>
      readStorage().then((next) => {
        if (!cancelled) setFacts(next);
      });
    if (loadStatus === 'ready' && !persistRequested && navigator.storage?.persist) {
      persistRequested = true;
      navigator.storage.persist().then(refresh, refresh);
    } else {
      void refresh();
    }
    return () => {
      cancelled = true;
    };
  }, [loadStatus]);

  if (!facts || facts.usage === null || facts.quota === null) return null;
  return (
    <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="storage-info">
      Storage: {formatBytes(facts.usage)} used of {formatBytes(facts.quota)} available
      {facts.persisted === true && ' · persistent'}
      {facts.persisted === false && ' · the browser may clear it when space runs low'}
    </p>
  );
}
