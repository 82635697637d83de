import { useEffect } from 'react';
import { setConstrain } from '../store/actions';
import { runExtraction, stopExtraction } from '../store/engine-actions';
import { useConstrain, useIsRunning, useLoadStatus } from '../store/selectors';

const primary =
  'rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 disabled:opacity-50';
const secondary =
  'rounded-md border border-slate-300 px-4 py-2 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800';

/** Extract (also Ctrl/Cmd+Enter anywhere), Stop (also Escape while running), and the constrain switch. */
export function RunControls() {
  const running = useIsRunning();
  const loadStatus = useLoadStatus();
  const constrain = useConstrain();

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        if (!running) void runExtraction();
      } else if (event.key === 'Escape' && running) {
        stopExtraction();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [running]);

  return (
    <div className="flex flex-wrap items-center gap-3">
      <button
        type="button"
        className={primary}
        disabled={running}
        onClick={() => void runExtraction()}
        aria-keyshortcuts="Control+Enter Meta+Enter"
      >
        Extract
      </button>
      <button
        type="button"
        className={secondary}
        disabled={!running}
        onClick={stopExtraction}
        aria-keyshortcuts="Escape"
      >
        Stop
      </button>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={constrain}
          onChange={(event) => setConstrain(event.target.checked)}
          className="size-4"
        />
        Constrained decoding (only valid lists of strings from the passage)
      </label>
      <span className="text-sm text-slate-600 dark:text-slate-400">
        {loadStatus === 'loading' ? 'Loading the model…' : 'Ctrl/⌘+Enter runs'}
      </span>
    </div>
  );
}
