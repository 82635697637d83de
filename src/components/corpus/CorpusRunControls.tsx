import { formatDuration } from '../../lib/corpus/list-view';
import { runCorpus, stopCorpus } from '../../store/corpus-actions';
import { useAppStore } from '../../store/app-store';
import { ProgressBar } from '../ProgressBar';

/** Run all / Stop for the corpus, with overall and per-document progress, documents/min and time left. */
export function CorpusRunControls() {
  const status = useAppStore((s) => s.corpusRunStatus);
  const progress = useAppStore((s) => s.corpusProgress);
  const error = useAppStore((s) => s.corpusRunError);
  const summary = useAppStore((s) => s.corpusRunSummary);
  const toRun = useAppStore((s) => s.corpusDocuments.filter((d) => d.status !== 'done').length);
  const typeCount = useAppStore((s) => s.entityTypes.length);
  const currentName = useAppStore((s) =>
    progress?.currentId ? s.corpusDocuments.find((d) => d.id === progress.currentId)?.name : undefined,
  );
  const running = status !== 'idle';
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          disabled={running || toRun === 0}
          onClick={() => void runCorpus()}
          className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
        >
          Run all ({toRun})
        </button>
        <button
          type="button"
          disabled={status !== 'running'}
          onClick={stopCorpus}
          className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800"
        >
          {status === 'stopping' ? 'Stopping…' : 'Stop run'}
        </button>
      </div>
      {/* While a run is on; a finished run's "20 of 20" gets out of the way (the list shows the result). */}
      {progress && running && (
        <div data-testid="corpus-progress" className="flex flex-col gap-1">
          <ProgressBar
            label="Documents"
            value={progress.finished}
            max={progress.total}
            text={`${progress.finished} of ${progress.total}${
              progress.docsPerMinute !== null ? ` · ${progress.docsPerMinute.toFixed(1)} docs/min` : ''
            }${progress.etaMs !== null && running ? ` · ${formatDuration(progress.etaMs)} left` : ''}`}
          />
          {running && currentName !== undefined && (
            <ProgressBar
              label={currentName}
              value={progress.currentTypesDone}
              max={typeCount}
              text={`${progress.currentTypesDone} of ${typeCount} types${
                progress.currentChunks
                  ? ` · chunk ${progress.currentChunks.done}/${progress.currentChunks.total}`
                  : ''
              }`}
            />
          )}
        </div>
      )}
      {!running && summary && (
        <p
          role="status"
          data-testid="corpus-run-summary"
          className="text-sm text-slate-700 dark:text-slate-300"
        >
          {summary}
        </p>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          The run ended: {error.message}
        </p>
      )}
    </div>
  );
}
