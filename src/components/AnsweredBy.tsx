import { promptStyleWords } from '../lib/model-presets';
import { useAnsweredBy, useRunNotice, useRunStatus } from '../store/selectors';

/** Which model produced the results, and a plain warning when it is not UniNER. */
export function AnsweredBy() {
  const model = useAnsweredBy();
  const notice = useRunNotice();
  const status = useRunStatus();
  if (status === 'idle') return null;
  return (
    <div className="flex flex-col gap-1 text-sm" aria-live="polite">
      {notice && (
        <p className="rounded-md bg-amber-100 px-3 py-2 text-amber-900 dark:bg-amber-950 dark:text-amber-200">
          {notice}
        </p>
      )}
      {model && (
        <p>
          Answered by <strong>{model.displayName}</strong> on{' '}
          {model.device === 'webgpu' ? 'WebGPU' : model.device.toUpperCase()} ({model.dtype}).
          {!model.isUniner && (
            <span className="text-amber-800 dark:text-amber-300">
              {' '}
              This is a generic instruct model {promptStyleWords(model.promptStyle)}; it is not UniNER and its
              answers are less reliable.
            </span>
          )}
        </p>
      )}
    </div>
  );
}
