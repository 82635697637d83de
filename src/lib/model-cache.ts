/**
 * The models transformers.js keeps in Cache Storage (cache name `transformers-cache`), grouped per
 * model so the user can see sizes and free space. Written against the DOM Cache API's shape so unit
 * tests can pass a fake `CacheStorage`.
 */

import { TRANSFORMERS_CACHE_NAME } from '../../workers/loading/model-registry';

export { TRANSFORMERS_CACHE_NAME };

/** The part of `CacheStorage` used here. */
export interface CacheStorageLike {
  has(name: string): Promise<boolean>;
  open(name: string): Promise<CacheLike>;
}

/** The part of `Cache` used here. */
export interface CacheLike {
  keys(): Promise<readonly { url: string }[]>;
  match(
    request: { url: string } | string,
  ): Promise<
    { headers: { get(name: string): string | null }; blob(): Promise<{ size: number }> } | undefined
  >;
  delete(request: { url: string } | string): Promise<boolean>;
}

/** One cached model: its files and their total size. */
export interface CachedModel {
  /** Group key: the Hub id (`owner/name`) for Hub URLs, else the model folder's URL path. */
  readonly id: string;
  readonly files: readonly { readonly url: string; readonly bytes: number }[];
  readonly totalBytes: number;
}

/**
 * The model a cached URL belongs to. Hub URLs look like `…/{owner}/{name}/resolve/{revision}/{file}`;
 * anything else is grouped by its folder, with a trailing `/onnx` folder folded into its parent.
 */
export function modelIdOfUrl(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const resolve = parts.indexOf('resolve');
  if (resolve >= 2) return parts.slice(resolve - 2, resolve).join('/');
  const folder = parts.slice(0, -1);
  if (folder[folder.length - 1] === 'onnx') folder.pop();
  return folder.join('/') || path;
}

/**
 * True for the inference runtime's own files (onnxruntime-web's `.wasm` and `.mjs`, which transformers.js
 * caches next to the models): they are not a model and must not be listed as one with a Delete button.
 */
export function isRuntimeFile(url: string): boolean {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  return /\.(wasm|mjs|js)$/i.test(path);
}

async function sizeOf(cache: CacheLike, request: { url: string }): Promise<number> {
  const response = await cache.match(request);
  if (!response) return 0;
  const header = Number(response.headers.get('content-length'));
  if (Number.isFinite(header) && header > 0) return header;
  return (await response.blob()).size;
}

function defaultStorage(): CacheStorageLike | null {
  return typeof caches === 'undefined' ? null : (caches as unknown as CacheStorageLike);
}

/** Lists cached models, largest first. Empty when Cache Storage is unavailable or the cache does not exist. */
export async function listCachedModels(
  storage: CacheStorageLike | null = defaultStorage(),
): Promise<CachedModel[]> {
  if (!storage || !(await storage.has(TRANSFORMERS_CACHE_NAME))) return [];
  const cache = await storage.open(TRANSFORMERS_CACHE_NAME);
  const groups = new Map<string, { url: string; bytes: number }[]>();
  for (const request of await cache.keys()) {
    if (isRuntimeFile(request.url)) continue;
    const id = modelIdOfUrl(request.url);
    const bytes = await sizeOf(cache, request);
    const list = groups.get(id) ?? [];
    list.push({ url: request.url, bytes });
    groups.set(id, list);
  }
  return [...groups.entries()]
    .map(([id, files]) => ({ id, files, totalBytes: files.reduce((sum, f) => sum + f.bytes, 0) }))
    .sort((a, b) => b.totalBytes - a.totalBytes || a.id.localeCompare(b.id));
}

/** Deletes every cached file of one model; returns how many entries were removed. */
export async function deleteCachedModel(
  id: string,
  storage: CacheStorageLike | null = defaultStorage(),
): Promise<number> {
  if (!storage || !(await storage.has(TRANSFORMERS_CACHE_NAME))) return 0;
  const cache = await storage.open(TRANSFORMERS_CACHE_NAME);
  let removed = 0;
  for (const request of await cache.keys()) {
    if (modelIdOfUrl(request.url) === id && (await cache.delete(request))) removed++;
  }
  return removed;
}
