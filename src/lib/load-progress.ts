/**
 * Load progress as the page shows it: per-file records merged from the worker's events so that no
 * figure ever goes backwards. transformers.js reports a finished file with 0/0 bytes and may repeat a
 * file's events (config read twice, tokenizer then model), which made the overall line fall from
 * 521 MB back to 0 B while every file said "done".
 */
import type { LoadProgressEvent } from '../../workers/protocol';

/** Download progress of one model file. */
export interface FileProgress {
  readonly file: string;
  readonly loadedBytes: number;
  /** 0 while unknown. */
  readonly totalBytes: number;
  readonly stage: LoadProgressEvent['stage'];
}

/** The record of a file after `event`: sizes never shrink, and a finished file stays finished. */
export function mergeFileProgress(
  previous: FileProgress | undefined,
  event: Pick<LoadProgressEvent, 'file' | 'loadedBytes' | 'totalBytes' | 'stage'>,
): FileProgress {
  const totalBytes = Math.max(previous?.totalBytes ?? 0, event.totalBytes);
  let loadedBytes = Math.max(previous?.loadedBytes ?? 0, event.loadedBytes);
  const finished = (stage: FileProgress['stage'] | undefined) => stage === 'done' || stage === 'cached';
  const stage = finished(previous?.stage) && !finished(event.stage) ? previous!.stage : event.stage;
  if (finished(stage)) loadedBytes = Math.max(loadedBytes, totalBytes);
  return { file: event.file, loadedBytes, totalBytes: Math.max(totalBytes, loadedBytes), stage };
}

/** Overall bytes so far, and the total when every file's size is known (else 0). */
export function overallProgress(files: readonly FileProgress[]): { loaded: number; total: number } {
  const loaded = files.reduce((sum, f) => sum + f.loadedBytes, 0);
  const known = files.every((f) => f.totalBytes > 0 || f.stage === 'done' || f.stage === 'cached');
  const total = known ? files.reduce((sum, f) => sum + f.totalBytes, 0) : 0;
  return { loaded, total };
}
