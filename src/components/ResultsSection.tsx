import { useDeferredValue, useMemo, useState, type KeyboardEvent } from 'react';
import { reviewResults } from '../lib/review/review-results';
import { reviewView } from '../lib/review/review-view';
import { applyThreshold } from '../lib/score-threshold';
import { assignTypeColors } from '../lib/type-colors';
import { modelSpansOfResults, redoReview, undoReview } from '../store/review-actions';
import {
  useMinScore,
  usePassageChangedSinceReview,
  useResults,
  useReview,
  useReviewText,
  useReviewTypes,
  useRunPassage,
  useRunStatus,
  useRunTypes,
  useShowRejected,
} from '../store/selectors';
import { AnsweredBy } from './AnsweredBy';
import { DisplayOptions } from './DisplayOptions';
import { ExportBar } from './ExportBar';
import { HighlightedPassage } from './HighlightedPassage';
import { OpenDocumentBar } from './corpus/OpenDocumentBar';
import { Legend } from './Legend';
import { ResultsList } from './ResultsList';
import { ReviewExports } from './ReviewExports';
import { ReviewToolbar } from './ReviewToolbar';

/** Ctrl+Z undoes, Ctrl+Shift+Z and Ctrl+Y redo a correction (⌘ on macOS), unless typing in a field. */
function onUndoKeys(event: KeyboardEvent<HTMLElement>) {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
  const key = event.key.toLowerCase();
  if (key === 'z' && !event.shiftKey) undoReview();
  else if ((key === 'z' && event.shiftKey) || key === 'y') redoReview();
  else return;
  event.preventDefault();
}

/**
 * The results region: who answered, legend, display options, the correction toolbar, the highlighted
 * passage, per-type lists, export. The confidence threshold is applied here once, and every part
 * below shows the same view. The passage draws the review (the run's spans with a person's
 * corrections, kept across reloads); before any review exists it draws the run's results as they are.
 */
export function ResultsSection() {
  const runTypes = useRunTypes();
  const results = useResults();
  const status = useRunStatus();
  const runPassage = useRunPassage();
  const review = useReview();
  const reviewText = useReviewText();
  const reviewTypes = useReviewTypes();
  const showRejected = useShowRejected();
  const changed = usePassageChangedSinceReview();
  // Deferred: dragging the slider stays smooth while a long passage re-lays out its marks behind it.
  const minScore = useDeferredValue(useMinScore());
  const view = useMemo(() => applyThreshold(results, minScore), [results, minScore]);
  const reviewing = reviewText !== '';
  const text = reviewing ? reviewText : status === 'idle' ? '' : runPassage;
  const types = reviewing ? reviewTypes : runTypes;
  const spans = useMemo(
    () => (reviewing ? review.spans : modelSpansOfResults(results, '')),
    [reviewing, review, results],
  );
  const drawn = useMemo(() => reviewView(spans, minScore, showRejected), [spans, minScore, showRejected]);
  // Counts follow decisions: while a review is open, the legend and the lists count person spans and
  // model spans not rejected (at the threshold for what is shown, all of them for what it hides).
  const counted = useMemo(() => {
    if (!reviewing) return { shown: view.results, all: results };
    const keep = (s: { source: string; decision?: string }) =>
      s.source === 'person' || s.decision !== 'rejected';
    const asCounted = drawn.spans.filter(keep).map((s) => ({ ...s, label: s.type }));
    const every = reviewView(spans, 0, false)
      .spans.filter(keep)
      .map((s) => ({ ...s, label: s.type }));
    return {
      shown: reviewResults(text, asCounted, view.results, types),
      all: reviewResults(text, every, results, types),
    };
  }, [reviewing, drawn, spans, text, types, view.results, results]);
  // Person-added labels get colours too (after the run's types, so those keep theirs).
  const colors = useMemo(
    () => assignTypeColors([...new Set([...types, ...spans.map((s) => s.label)])]),
    [types, spans],
  );
  const [emphasis, setEmphasis] = useState<string | null>(null);
  return (
    <section
      aria-labelledby="results-heading"
      onKeyDown={onUndoKeys}
      className="flex min-w-0 flex-col gap-3 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h2 id="results-heading" className="text-lg font-semibold">
        Results
      </h2>
      <OpenDocumentBar />
      <AnsweredBy />
      <Legend colors={colors} results={counted.shown} onEmphasis={setEmphasis} />
      <DisplayOptions view={view} hasRun={status !== 'idle'} />
      {reviewing && <ReviewToolbar view={drawn} />}
      <HighlightedPassage
        colors={colors}
        emphasis={emphasis}
        text={text}
        types={types}
        spans={drawn.spans}
        changed={reviewing ? changed : status !== 'idle' && runPassage !== text}
      />
      <ResultsList results={counted.shown} all={counted.all} />
      <ExportBar hiddenSpans={view.hiddenSpans} />
      <ReviewExports canExport={reviewing} />
    </section>
  );
}
