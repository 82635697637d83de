import { useDeferredValue, useMemo, useState } from 'react';
import { applyThreshold } from '../lib/score-threshold';
import { assignTypeColors } from '../lib/type-colors';
import { useMinScore, useResults, useRunStatus, useRunTypes } from '../store/selectors';
import { AnsweredBy } from './AnsweredBy';
import { DisplayOptions } from './DisplayOptions';
import { ExportBar } from './ExportBar';
import { HighlightedPassage } from './HighlightedPassage';
import { Legend } from './Legend';
import { ResultsList } from './ResultsList';

/**
 * The results region: who answered, legend, display options, highlighted passage, per-type lists,
 * export. The confidence threshold is applied here once, and every part below shows the same view.
 */
export function ResultsSection() {
  const types = useRunTypes();
  const results = useResults();
  const status = useRunStatus();
  // Deferred: dragging the slider stays smooth while a long passage re-lays out its marks behind it.
  const minScore = useDeferredValue(useMinScore());
  const view = useMemo(() => applyThreshold(results, minScore), [results, minScore]);
  const colors = useMemo(() => assignTypeColors(types), [types]);
  const [emphasis, setEmphasis] = useState<string | null>(null);
  return (
    <section
      aria-labelledby="results-heading"
      className="flex flex-col gap-3 rounded-lg border border-slate-200 p-4 md:col-span-2 dark:border-slate-800"
    >
      <h2 id="results-heading" className="text-lg font-semibold">
        Results
      </h2>
      <AnsweredBy />
      <Legend colors={colors} results={view.results} onEmphasis={setEmphasis} />
      <DisplayOptions view={view} hasRun={status !== 'idle'} />
      <HighlightedPassage colors={colors} emphasis={emphasis} results={view.results} />
      <ResultsList results={view.results} />
      <ExportBar hiddenSpans={view.hiddenSpans} />
    </section>
  );
}
