/**
 * Registers the offline service worker (production builds only) and exposes its state to React as a
 * tiny external store: `needRefresh` when a new version waits, `offlineReady` after the first install.
 * The new version takes over only when the person asks (`applyUpdate`), never by itself: a silent
 * reload would throw away a run in progress.
 */
import { Workbox } from 'workbox-window';

/** What the update toast shows. */
export interface ServiceWorkerState {
  /** A new version is installed and waiting for "Reload". */
  readonly needRefresh: boolean;
  /** The app shell and the engine are cached: the app now opens offline. */
  readonly offlineReady: boolean;
}

let state: ServiceWorkerState = { needRefresh: false, offlineReady: false };
const listeners = new Set<() => void>();
let workbox: Workbox | null = null;

function update(patch: Partial<ServiceWorkerState>): void {
  state = { ...state, ...patch };
  for (const listener of listeners) listener();
}

export function subscribeServiceWorker(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function getServiceWorkerState(): ServiceWorkerState {
  return state;
}

/**
 * Registers `sw.js` next to index.html (a relative URL: the app may live under any sub-path; the
 * scope is that folder). Does nothing in development or where service workers are unavailable.
 */
export function registerServiceWorker(): void {
  if (workbox || !import.meta.env.PROD) return;
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  workbox = new Workbox('./sw.js', { scope: './' });
  workbox.addEventListener('waiting', () => update({ needRefresh: true }));
  workbox.addEventListener('installed', (event) => {
    if (!event.isUpdate) update({ offlineReady: true });
  });
  workbox.register().catch((error: unknown) => {
    // An app without offline support still works; say so in the console only.
    console.warn('Service worker registration failed:', error);
  });
}

/** Lets the waiting version take over, then reloads once it controls the page. */
export function applyUpdate(): void {
  if (!workbox) return;
  workbox.addEventListener('controlling', () => window.location.reload());
  workbox.messageSkipWaiting();
}

/** Hides the toast without updating (the new version then starts with the next visit). */
export function dismissServiceWorkerNotice(): void {
  update({ needRefresh: false, offlineReady: false });
}
