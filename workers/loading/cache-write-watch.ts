/**
 * Notices when the browser refuses to store a downloaded model file. transformers.js catches a failed
 * `Cache.put` (QuotaExceededError, a private window…) and only logs "Unable to add response to browser
 * cache" with console.warn, so the page said nothing while the model would download again next visit.
 * A watch wraps console.warn for the length of one load and collects those lines (passing every line on).
 */

const CACHE_WRITE_FAILURE = /Unable to add response to browser cache/;

/** A running watch; `stop` restores console.warn and returns what failed. */
export interface CacheWriteWatch {
  stop(): string[];
}

/** Starts watching console.warn for failed cache writes. */
export function watchCacheWrites(target: Pick<Console, 'warn'> = console): CacheWriteWatch {
  const original = target.warn;
  const failures: string[] = [];
  target.warn = (...args: unknown[]) => {
    const text = args.map(String).join(' ');
    if (CACHE_WRITE_FAILURE.test(text)) failures.push(text);
    original.apply(target, args);
  };
  return {
    stop() {
      target.warn = original;
      return failures;
    },
  };
}

/** What the page says when files could not be stored, or undefined when all were. */
export function cacheWriteWarning(failures: readonly string[]): string | undefined {
  if (failures.length === 0) return undefined;
  const reason = /:\s*([^:]+?)\.?$/.exec(failures[0]!)?.[1]?.trim();
  return `The browser refused to store ${failures.length === 1 ? 'a model file' : `${failures.length} model files`}${reason ? ` (${reason})` : ''}: the model works now, but will download again next time. Free some space, or leave private browsing, to keep it offline.`;
}
