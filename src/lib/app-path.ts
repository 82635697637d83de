/**
 * Model folders that live next to the app: `/models/uniner-7b` or `./models/uniner-7b` (the natural
 * link for a self-hosted model, and the only one that survives moving the site to another host or
 * sub-path). They are kept as written in the settings and in share links, and resolved against the
 * app's base URL (`document.baseURI`) only when a model is loaded, so the worker always receives an
 * http(s) URL on the app's own origin.
 */

/** A stand-in origin for checking that a path cannot leave the app's origin, whatever it is. */
const PROBE_BASE = 'https://app.invalid/some/sub/path/';

/**
 * True for a path on the app's own origin: it starts with `/`, `./` or `../` and, resolved against any
 * base, stays on that base's origin (so `//host/x` and `/\host/x` are not paths but other hosts).
 */
export function isSameOriginPath(value: string): boolean {
  if (!/^(\/|\.\.?\/)/.test(value) || /\s/.test(value)) return false;
  try {
    return new URL(value, PROBE_BASE).origin === new URL(PROBE_BASE).origin;
  } catch {
    return false;
  }
}

/** The page's base URL (where index.html is), or undefined outside a browser. */
export function appBaseUrl(): string | undefined {
  return typeof document === 'undefined' ? undefined : document.baseURI;
}

/**
 * `value` as the worker should receive it: a same-origin path becomes the absolute URL it names under
 * `baseUrl`; anything else (preset id, Hub id, http(s) URL) is returned unchanged.
 */
export function resolveAppPath(value: string, baseUrl: string | undefined = appBaseUrl()): string {
  if (!baseUrl || !isSameOriginPath(value)) return value;
  return new URL(value, baseUrl).href;
}
