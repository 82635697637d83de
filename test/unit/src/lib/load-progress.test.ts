import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeFileProgress, overallProgress } from '../../../../src/lib/load-progress';
import type { FileProgress } from '../../../../src/lib/load-progress';

type Event = Pick<FileProgress, 'file' | 'loadedBytes' | 'totalBytes' | 'stage'>;

function replay(events: readonly Event[]): { loaded: number; total: number }[] {
  let files: Record<string, FileProgress> = {};
  return events.map((event) => {
    files = { ...files, [event.file]: mergeFileProgress(files[event.file], event) };
    return overallProgress(Object.values(files));
  });
}

describe('load progress', () => {
  it('a finished file reported as 0/0 "done" keeps its bytes (the 521 MB → 0 B drop)', () => {
    const steps = replay([
      { file: 'config.json', loadedBytes: 700, totalBytes: 700, stage: 'download' },
      { file: 'onnx/model_q4.onnx_data', loadedBytes: 100e6, totalBytes: 197e6, stage: 'download' },
      { file: 'onnx/model_q4.onnx_data', loadedBytes: 197e6, totalBytes: 197e6, stage: 'download' },
      { file: 'config.json', loadedBytes: 0, totalBytes: 0, stage: 'done' },
      { file: 'onnx/model_q4.onnx_data', loadedBytes: 0, totalBytes: 0, stage: 'done' },
    ]);
    expect(steps.at(-1)).toEqual({ loaded: 197e6 + 700, total: 197e6 + 700 });
  });

  it('never goes backwards, whatever order and sizes the events come in', () => {
    const event = fc.record({
      file: fc.constantFrom('a', 'b', 'c'),
      loadedBytes: fc.nat(1000),
      totalBytes: fc.nat(1000),
      stage: fc.constantFrom('download' as const, 'cached' as const, 'done' as const),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const steps = replay(events);
        for (let i = 1; i < steps.length; i++) {
          expect(steps[i]!.loaded).toBeGreaterThanOrEqual(steps[i - 1]!.loaded);
          // Once known, the total only grows (a new file may make it unknown again: 0).
          if (steps[i]!.total > 0 && steps[i - 1]!.total > 0)
            expect(steps[i]!.total).toBeGreaterThanOrEqual(steps[i - 1]!.total);
          if (steps[i]!.total > 0) expect(steps[i]!.loaded).toBeLessThanOrEqual(steps[i]!.total);
        }
      }),
    );
  });

  it('a finished file stays finished when a late download event arrives', () => {
    const done = mergeFileProgress(undefined, { file: 'x', loadedBytes: 5, totalBytes: 5, stage: 'done' });
    expect(mergeFileProgress(done, { file: 'x', loadedBytes: 2, totalBytes: 5, stage: 'download' })).toEqual(
      done,
    );
  });
});
