import { formatBytes } from '../../../workers/bytes';
import { dismissImportProblems } from '../../store/corpus-actions';
import { useAppStore } from '../../store/app-store';
import { ProgressBar } from '../ProgressBar';

/** The import in progress, and what could not be imported (file and line). */
export function ImportStatus() {
  const progress = useAppStore((s) => s.corpusImport);
  const problems = useAppStore((s) => s.corpusProblems);
  return (
    <>
      {progress && (
        <ProgressBar
          label={`Importing ${progress.file}`}
          value={progress.bytesRead}
          max={progress.totalBytes}
          text={`${formatBytes(progress.bytesRead)} of ${formatBytes(progress.totalBytes)} · ${progress.stored} documents`}
        />
      )}
      {problems.length > 0 && (
        <details className="text-sm" data-testid="import-problems">
          <summary className="cursor-pointer text-amber-700 dark:text-amber-400">
            {problems.length} record{problems.length === 1 ? '' : 's'} not imported
          </summary>
          <ul className="max-h-32 overflow-auto pl-4">
            {problems.slice(0, 200).map((p, i) => (
              <li key={i}>
                {p.file}
                {p.line !== undefined ? `, line ${p.line}` : ''}
                {p.page !== undefined ? `, page ${p.page}` : ''}: {p.message}
              </li>
            ))}
          </ul>
          <button type="button" className="text-xs underline" onClick={dismissImportProblems}>
            Clear
          </button>
        </details>
      )}
    </>
  );
}
