import { dismissErrors } from '../store/actions';
import { useLoadError, useRunError } from '../store/selectors';

/**
 * Errors of the load and the run, in words: what failed and the message (which says what to do). The
 * error class name (`ModelLoadError`) is for logs, not people. Long URLs wrap anywhere, so a phone-width
 * page never scrolls sideways and the dismiss button stays on screen. The passage and types are never touched.
 */
export function ErrorBanner() {
  const loadError = useLoadError();
  const runError = useRunError();
  const errors = [
    loadError && { where: 'Loading the model failed', ...loadError },
    runError && { where: 'Extraction failed', ...runError },
  ].filter((e) => !!e);
  if (!errors.length) return null;
  return (
    <div
      role="alert"
      className="flex items-start justify-between gap-3 rounded-md border border-red-300 bg-red-50 p-3 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
    >
      <ul className="flex min-w-0 flex-col gap-1 [overflow-wrap:anywhere]">
        {errors.map((error) => (
          <li key={error.where}>
            <strong>{error.where}</strong>: {error.message}
          </li>
        ))}
      </ul>
      <button
        type="button"
        onClick={dismissErrors}
        className="shrink-0 rounded px-2 hover:bg-red-100 focus-visible:outline-2 focus-visible:outline-red-600 dark:hover:bg-red-900"
        aria-label="Dismiss errors"
      >
        ×
      </button>
    </div>
  );
}
