import { useMemo, useState } from 'react';
import { assignTypeColors } from '../lib/type-colors';
import { useRunTypes } from '../store/selectors';
import { AnsweredBy } from './AnsweredBy';
import { ExportBar } from './ExportBar';
import { HighlightedPassage } from './HighlightedPassage';
import { Legend } from './Legend';
import { ResultsList } from './ResultsList';

/** The results region: who answered, legend, highlighted passage, per-type lists, export. */
export function ResultsSection() {
  const types = useRunTypes();
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
      <Legend colors={colors} onEmphasis={setEmphasis} />
      <HighlightedPassage colors={colors} emphasis={emphasis} />
      <ResultsList />
      <ExportBar />
    </section>
  );
}
