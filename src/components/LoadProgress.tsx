import { overallProgress } from '../lib/load-progress';
import { formatBytes } from '../../workers/bytes';
import { useLoadFiles, useLoadStatus } from '../store/selectors';
import { ProgressBar } from './ProgressBar';

/** Download progress per file and overall, while a model loads. */
export function LoadProgress() {
  const status = useLoadStatus();
  const files = Object.values(useLoadFiles());
  if (status !== 'loading' || files.length === 0) {
    return status === 'loading' ? (
      <p className="text-sm" role="status">
        Starting the engine…
      </p>
    ) : null;
  }
  const { loaded, total } = overallProgress(files);
  return (
    <div className="flex flex-col gap-2" aria-label="Model download">
      <ProgressBar
        label="Overall"
        value={loaded}
        max={total}
        text={`${formatBytes(loaded)}${total ? ` of ${formatBytes(total)}` : ''}`}
      />
      {files.map((f) => (
        <ProgressBar
          key={f.file}
          label={f.file}
          value={f.loadedBytes}
          max={f.totalBytes}
          text={
            f.stage === 'cached'
              ? 'from cache'
              : f.stage === 'done'
                ? 'done'
                : `${formatBytes(f.loadedBytes)}${f.totalBytes ? ` / ${formatBytes(f.totalBytes)}` : ''}`
          }
        />
      ))}
    </div>
  );
}
