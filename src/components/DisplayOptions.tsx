import { useId } from 'react';
import { formatScore, type ThresholdView } from '../lib/score-threshold';
import { LABELS_AUTO_LIMIT, labelsShown, type TypeLabelsSetting } from '../lib/span-layout';
import { setMinScore, setTypeLabels } from '../store/actions';
import { useMinScore, useTypeLabels } from '../store/selectors';

interface Props {
  /** What the threshold leaves visible in the current run. */
  readonly view: ThresholdView;
  /** Whether a run has results to filter (the counts are shown only then). */
  readonly hasRun: boolean;
}

/** What the threshold does to this run, in words. */
function summary(view: ThresholdView, min: number): string {
  if (!(min > 0)) return 'Showing everything.';
  if (!view.scored) return 'This run has no scores, so nothing is hidden.';
  if (view.hiddenEntities === 0) return 'Nothing is below it.';
  const spans = `${view.hiddenSpans} ${view.hiddenSpans === 1 ? 'span' : 'spans'}`;
  const strings = `${view.hiddenEntities} ${view.hiddenEntities === 1 ? 'string' : 'strings'}`;
  return `${spans} hidden (${strings}).`;
}

const field =
  'rounded-md border border-slate-300 bg-white px-2 py-0.5 dark:border-slate-700 dark:bg-slate-900';

/**
 * Display options of the results: the confidence threshold (hides entities the model scored below it,
 * at once, without a new run; persisted and carried by share links) and the type labels on highlights.
 */
export function DisplayOptions({ view, hasRun }: Props) {
  const min = useMinScore();
  const labels = useTypeLabels();
  const id = useId();
  const percent = formatScore(min);
  // Step 0.05 (20 arrow presses end to end); a value from a hand-written link that is off that grid
  // gets a finer step, or the browser would snap the thumb away from the value shown.
  const step = Math.round(min * 100) % 5 === 0 ? 0.05 : 0.01;
  const labelsOffHere = hasRun && labels === 'auto' && !labelsShown(labels, view.shownSpans);
  return (
    <div
      role="group"
      aria-label="Display options"
      className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm"
    >
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={`${id}-min`}>Minimum confidence</label>
        <input
          id={`${id}-min`}
          type="range"
          min={0}
          max={1}
          step={step}
          value={min}
          aria-valuetext={percent}
          aria-describedby={`${id}-summary`}
          onChange={(event) => setMinScore(Number(event.target.value))}
          className="w-36 accent-indigo-600 dark:accent-indigo-400"
        />
        <output htmlFor={`${id}-min`} className="w-10 tabular-nums">
          {percent}
        </output>
        <span id={`${id}-summary`} role="status" className="text-slate-600 dark:text-slate-400">
          {hasRun ? summary(view, min) : ''}
        </span>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={`${id}-labels`}>Type labels</label>
        <select
          id={`${id}-labels`}
          value={labels}
          aria-describedby={`${id}-labels-note`}
          onChange={(event) => setTypeLabels(event.target.value as TypeLabelsSetting)}
          className={field}
        >
          <option value="auto">Automatic (up to {LABELS_AUTO_LIMIT.toLocaleString('en')} highlights)</option>
          <option value="on">Always</option>
          <option value="off">Never</option>
        </select>
        <span id={`${id}-labels-note`} className="text-slate-600 dark:text-slate-400">
          {labelsOffHere ? `Off: this passage has ${view.shownSpans.toLocaleString('en')} highlights.` : ''}
        </span>
      </div>
    </div>
  );
}
