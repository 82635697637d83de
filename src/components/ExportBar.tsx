import { useState } from 'react';
import { copyText, downloadText } from '../lib/download';
import { toConllBio, toCsv, toJson, toJsonLines } from '../lib/export-formats';
import { describeSource } from '../lib/model-presets';
import { reviewResults } from '../lib/review/review-results';
import { reviewView } from '../lib/review/review-view';
import { applyThreshold, formatScore } from '../lib/score-threshold';
import { useAppStore } from '../store/app-store';
import { useMinScore, useRunStatus } from '../store/selectors';

const button =
  'rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800';

/**
 * The run's results as shown, read at click time (no re-render on every streamed event). Exports hold
 * what the page shows: entities below the confidence threshold are left out, as on screen.
 */
function snapshot() {
  const s = useAppStore.getState();
  const shown = applyThreshold(s.results, s.minScore).results;
  const reviewing = s.reviewText !== '';
  // Under review, the exports hold what counts: person spans and model spans not rejected (as shown).
  const counted = reviewView(s.review.spans, s.minScore, false)
    .spans.filter((span) => span.source === 'person' || span.decision !== 'rejected')
    .map((span) => ({ ...span, label: span.type }));
  return {
    passage: reviewing ? s.reviewText : s.runPassage,
    results: reviewing ? reviewResults(s.reviewText, counted, shown, s.reviewTypes) : shown,
    types: reviewing ? [...new Set([...s.reviewTypes, ...counted.map((span) => span.label)])] : s.runTypes,
    // A preset id means little outside the app: name the Hub id or URL it stands for.
    model: s.answeredBy ? describeSource(s.answeredBy.source) : null,
  };
}

/** The download formats: same inputs, one file each. */
const DOWNLOADS = [
  { label: 'Download JSONL', fileName: 'entities.jsonl', mime: 'application/jsonl', format: toJsonLines },
  { label: 'Download CoNLL (BIO)', fileName: 'entities.conll', mime: 'text/plain', format: toConllBio },
  { label: 'Download CSV', fileName: 'entities.csv', mime: 'text/csv', format: toCsv },
] as const;

interface Props {
  /** Spans the confidence threshold hides (they are left out of the exports too). */
  readonly hiddenSpans: number;
}

/** Copy JSON; download JSONL, CoNLL BIO and CSV — of the spans shown. */
export function ExportBar({ hiddenSpans }: Props) {
  const status = useRunStatus();
  const min = useMinScore();
  const [message, setMessage] = useState('');
  if (status === 'idle') return null;
  const disabled = status === 'running';
  return (
    <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Export">
      <button
        type="button"
        className={button}
        disabled={disabled}
        onClick={async () => {
          const { passage, results, types, model } = snapshot();
          setMessage(
            (await copyText(toJson(passage, results, model, types)))
              ? 'JSON copied.'
              : 'The browser refused the clipboard.',
          );
        }}
      >
        Copy JSON
      </button>
      {DOWNLOADS.map(({ label, fileName, mime, format }) => (
        <button
          key={fileName}
          type="button"
          className={button}
          disabled={disabled}
          onClick={() => {
            const { passage, results, types } = snapshot();
            downloadText(fileName, format(passage, results, types), mime);
          }}
        >
          {label}
        </button>
      ))}
      {hiddenSpans > 0 && (
        <span className="text-sm text-slate-600 dark:text-slate-400" data-testid="export-scope">
          Exports hold the spans shown (confidence ≥ {formatScore(min)}); {hiddenSpans} hidden{' '}
          {hiddenSpans === 1 ? 'span is' : 'spans are'} left out.
        </span>
      )}
      <span role="status" className="text-sm text-slate-600 dark:text-slate-400">
        {message}
      </span>
    </div>
  );
}
