/**
 * Keeps a bad download from poisoning every later load.
 *
 * transformers.js stores each model file in Cache Storage (`transformers-cache`, keyed by the file's
 * remote URL) as soon as its bytes are read, *before* ONNX Runtime parses it. A file that arrived
 * corrupt or cut short (a proxy that truncated it, a host that served a half-uploaded file) is then
 * read from the cache on every later load, which fails the same way even after the host is fixed.
 * After a failed load the engine calls {@link forgetCachedModel}: the model's cached files are
 * deleted, so the next attempt downloads them again. Deleting a good file only costs a re-download.
 */
import { env } from '@huggingface/transformers';
import { TRANSFORMERS_CACHE_NAME } from './model-registry';
import type { ResolvedSource } from './model-source';

export { TRANSFORMERS_CACHE_NAME };

/** The part of `CacheStorage` used here (a fake in unit tests). */
export interface RepairableCacheStorage {
  has(name: string): Promise<boolean>;
  open(name: string): Promise<{
    keys(): Promise<readonly { readonly url: string }[]>;
    delete(request: { readonly url: string }): Promise<boolean>;
  }>;
}

/** Where transformers.js downloads a Hub model from (its defaults, captured before any URL load). */
export interface HubLocation {
  readonly remoteHost: string;
  readonly remotePathTemplate: string;
}

const HUB_DEFAULT: HubLocation = { remoteHost: env.remoteHost, remotePathTemplate: env.remotePathTemplate };

function joinUrl(...parts: string[]): string {
  return parts
    .map((part, i) => (i === 0 ? part.replace(/\/+$/, '') : part.replace(/^\/+|\/+$/g, '')))
    .filter((part) => part !== '')
    .join('/');
}

/**
 * The URL prefix of every cache key of `resolved` (ends with `/`), or null for local folders, which
 * transformers.js never puts in Cache Storage. Mirrors `buildResourcePaths` of transformers.js 4.3.1:
 * `remoteHost + remotePathTemplate({model}, {revision}=main) + filename`.
 */
export function cachePrefixOf(resolved: ResolvedSource, hub: HubLocation = HUB_DEFAULT): string | null {
  switch (resolved.kind) {
    case 'hub':
      return `${joinUrl(
        hub.remoteHost,
        hub.remotePathTemplate.replaceAll('{model}', resolved.modelId).replaceAll('{revision}', 'main'),
      )}/`;
    case 'url':
      return `${joinUrl(resolved.remoteHost, resolved.remotePathTemplate)}/`;
    case 'local':
      return null;
  }
}

function defaultStorage(): RepairableCacheStorage | null {
  return typeof caches === 'undefined' ? null : (caches as unknown as RepairableCacheStorage);
}

/**
 * Deletes every file of `resolved` from transformers.js's Cache Storage. Never throws (a cache that
 * cannot be opened has nothing to repair); returns the URLs it deleted.
 */
export async function forgetCachedModel(
  resolved: ResolvedSource,
  storage: RepairableCacheStorage | null = defaultStorage(),
  hub: HubLocation = HUB_DEFAULT,
): Promise<string[]> {
  const prefix = cachePrefixOf(resolved, hub);
  if (!prefix || !storage) return [];
  try {
    if (!(await storage.has(TRANSFORMERS_CACHE_NAME))) return [];
    const cache = await storage.open(TRANSFORMERS_CACHE_NAME);
    const deleted: string[] = [];
    for (const request of await cache.keys()) {
      if (request.url.startsWith(prefix) && (await cache.delete(request))) deleted.push(request.url);
    }
    return deleted;
  } catch {
    return [];
  }
}
