import type { TypeRun } from '../store/slices/run';
import { useChunkProgress, useRunStats, useRunStatus, useRunTypes, useTypeRuns } from '../store/selectors';

function describe(run: TypeRun | undefined): string {
  if (!run || run.status === 'queued') return 'queued';
  if (run.status === 'streaming') return `streaming… ${run.count} so far`;
  const time = run.ms === null ? '' : ` in ${(run.ms / 1000).toFixed(2)} s`;
  if (run.status === 'stopped') return `stopped (${run.count} found)`;
  return `done: ${run.count} found${time}`;
}

const dot: Record<TypeRun['status'], string> = {
  queued: 'bg-slate-400',
  streaming: 'bg-indigo-500 animate-pulse',
  done: 'bg-green-600',
  stopped: 'bg-amber-500',
};

/** One line per entity type of the run: queued / streaming / done with count and time. */
export function TypeStatusList() {
  const types = useRunTypes();
  const runs = useTypeRuns();
  const status = useRunStatus();
  const stats = useRunStats();
  const chunks = useChunkProgress();
  if (status === 'idle') return null;
  return (
    <div className="text-sm" aria-live="polite">
      <ul aria-label="Progress per entity type" className="flex flex-col gap-0.5">
        {types.map((type) => {
          const run = runs[type];
          return (
            <li key={type} data-type-status={run?.status ?? 'queued'} className="flex items-center gap-2">
              <span
                aria-hidden="true"
                className={`inline-block size-2 rounded-full ${dot[run?.status ?? 'queued']}`}
              />
              <span className="font-medium">{type}</span>
              <span className="text-slate-600 dark:text-slate-400">{describe(run)}</span>
            </li>
          );
        })}
      </ul>
      {chunks && chunks.total > 1 && (
        <p className="mt-1 text-slate-600 dark:text-slate-400">
          Chunks: {chunks.done} / {chunks.estimated ? `about ${chunks.total}` : chunks.total}
        </p>
      )}
      {stats && (
        <p className="mt-1 text-slate-600 dark:text-slate-400">
          {status === 'interrupted' ? 'Stopped' : 'Finished'} in {(stats.ms / 1000).toFixed(2)} s ·{' '}
          {stats.forcedStop
            ? `${stats.decodeTokens} generated tokens in the types answered (the engine was restarted: prompt tokens not counted)`
            : `${stats.prefillTokens} prompt tokens · ${stats.decodeTokens} generated tokens`}
        </p>
      )}
    </div>
  );
}
