import { useId } from 'react';
import type { PromptStyle } from '../../workers/protocol';
import { setDatasetName, setMaxNewTokens, setPromptStyle } from '../store/actions';
import { useDatasetName, useMaxNewTokens, usePromptStyle } from '../store/selectors';

// w-auto: a select as wide as its longest option ("UniNER conversation" was cut at w-40).
const field =
  'w-auto max-w-full rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900';

/** Answer budget, question format, and the optional dataset name of supervised UniNER checkpoints. */
export function AdvancedOptions() {
  const maxNewTokens = useMaxNewTokens();
  const datasetName = useDatasetName();
  const promptStyle = usePromptStyle();
  const id = useId();
  return (
    <details className="text-sm">
      <summary className="cursor-pointer">Advanced options</summary>
      <div className="mt-2 flex flex-col gap-2">
        <div className="flex flex-wrap items-center gap-2">
          <label htmlFor={`${id}-max`}>Max new tokens per type</label>
          <input
            id={`${id}-max`}
            type="number"
            min={1}
            max={2048}
            value={maxNewTokens}
            onChange={(event) => setMaxNewTokens(event.target.valueAsNumber)}
            className={field}
          />
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <label htmlFor={`${id}-style`}>Question format</label>
          <select
            id={`${id}-style`}
            value={promptStyle}
            onChange={(event) => setPromptStyle(event.target.value as PromptStyle | 'auto')}
            className={field}
          >
            <option value="auto">Automatic</option>
            <option value="uniner">UniNER conversation</option>
            <option value="chat">Model&apos;s chat template</option>
          </select>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <label htmlFor={`${id}-dataset`}>Dataset name (supervised UniNER checkpoints only)</label>
          <input
            id={`${id}-dataset`}
            value={datasetName}
            placeholder="none"
            onChange={(event) => setDatasetName(event.target.value)}
            className={field}
          />
        </div>
      </div>
    </details>
  );
}
