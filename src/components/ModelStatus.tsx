import { promptStyleWords } from '../lib/model-presets';
import { useFallbackReason, useLoadMs, useLoadStatus, useLoadedModel, useRunStats } from '../store/selectors';

/** Device badge (with the fallback reason), weight format, load time, tokens/s, UniNER or not. */
export function ModelStatus() {
  const model = useLoadedModel();
  const status = useLoadStatus();
  const fallback = useFallbackReason();
  const loadMs = useLoadMs();
  const stats = useRunStats();
  const tokensPerSecond = stats && stats.decodeMs > 0 ? stats.decodeTokens / (stats.decodeMs / 1000) : null;
  if (!model) {
    return (
      <div className="text-sm">
        <p className="text-slate-600 dark:text-slate-400">
          {status === 'loading' ? 'Loading…' : 'No model loaded. Extract loads the selected one.'}
        </p>
        {fallback && status === 'loading' && (
          <p className="text-amber-800 dark:text-amber-300">WebGPU failed ({fallback}); retrying on WASM.</p>
        )}
      </div>
    );
  }
  const gpu = model.device === 'webgpu';
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm" aria-label="Loaded model">
      <dt className="text-slate-600 dark:text-slate-400">Model</dt>
      <dd>{model.displayName}</dd>
      <dt className="text-slate-600 dark:text-slate-400">Device</dt>
      <dd>
        <span
          data-device={model.device}
          className={`rounded px-1.5 py-0.5 text-xs font-semibold ${gpu ? 'bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100' : 'bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100'}`}
        >
          {gpu ? 'WebGPU' : model.device.toUpperCase()}
        </span>
        {fallback && <span className="block text-amber-800 dark:text-amber-300">Fallback: {fallback}</span>}
        {model.deviceWarning && (
          <span className="block text-amber-800 dark:text-amber-300" data-testid="device-warning">
            {model.deviceWarning}
          </span>
        )}
      </dd>
      <dt className="text-slate-600 dark:text-slate-400">Weights</dt>
      <dd>{model.dtype}</dd>
      {loadMs !== null && (
        <>
          <dt className="text-slate-600 dark:text-slate-400">Load time</dt>
          <dd>{(loadMs / 1000).toFixed(1)} s</dd>
        </>
      )}
      {tokensPerSecond !== null && (
        <>
          <dt className="text-slate-600 dark:text-slate-400">Last run</dt>
          <dd>{tokensPerSecond.toFixed(1)} tokens/s</dd>
        </>
      )}
      {model.cacheWarning && (
        <>
          <dt className="text-slate-600 dark:text-slate-400">Not cached</dt>
          <dd className="text-amber-800 dark:text-amber-300">{model.cacheWarning}</dd>
        </>
      )}
      <dt className="text-slate-600 dark:text-slate-400">Question format</dt>
      <dd>
        {capitalize(promptStyleWords(model.promptStyle))}
        {model.promptStyleReason ? ` (${model.promptStyleReason})` : ''}
      </dd>
      <dt className="text-slate-600 dark:text-slate-400">Kind</dt>
      <dd>
        {model.isUniner ? (
          'UniNER'
        ) : (
          <span className="text-amber-800 dark:text-amber-300">Generic instruct model, not UniNER</span>
        )}
      </dd>
    </dl>
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
