import { describe, expect, it } from 'vitest';
import { cacheWriteWarning, watchCacheWrites } from '../../../../workers/loading/cache-write-watch';

describe('failed cache writes', () => {
  it('collects transformers.js’s "Unable to add response" warnings, passes every line on, and restores warn', () => {
    const passed: unknown[][] = [];
    const target = { warn: (...args: unknown[]) => void passed.push(args) };
    const original = target.warn;
    const watch = watchCacheWrites(target);
    target.warn('Unable to add response to browser cache: QuotaExceededError: The quota has been exceeded.');
    target.warn('something else');
    const failures = watch.stop();
    expect(target.warn).toBe(original);
    expect(passed).toHaveLength(2);
    expect(failures).toHaveLength(1);
    const warning = cacheWriteWarning(failures)!;
    expect(warning).toMatch(/refused to store a model file/);
    expect(warning).toMatch(/quota has been exceeded/);
    expect(warning).toMatch(/download again/);
  });

  it('says nothing when every file was stored', () => {
    expect(cacheWriteWarning([])).toBeUndefined();
  });
});
