import { formatScore } from '../lib/score-threshold';
import type { ReviewView } from '../lib/review/review-view';
import {
  acceptAllShown,
  redoReview,
  setReviewed,
  setShowRejected,
  undoReview,
} from '../store/review-actions';
import {
  useCanRedo,
  useCanUndo,
  useIsRunning,
  useMinScore,
  useReview,
  useReviewAnnouncement,
  useShowRejected,
} from '../store/selectors';

const button =
  'rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800';

interface Props {
  /** What the passage draws (counts for the labels). */
  readonly view: ReviewView;
}

/**
 * The correction toolbar: accept every undecided model span shown (at or above the minimum
 * confidence), undo/redo (also Ctrl+Z / Ctrl+Shift+Z or Ctrl+Y in the results region), mark the
 * passage reviewed, show or hide rejected spans, and the live region that announces each action.
 */
export function ReviewToolbar({ view }: Props) {
  const review = useReview();
  const min = useMinScore();
  const canUndo = useCanUndo();
  const canRedo = useCanRedo();
  const running = useIsRunning();
  const showRejected = useShowRejected();
  const announcement = useReviewAnnouncement();
  const persons = review.spans.filter((s) => s.source === 'person').length;
  const accepted = review.spans.filter((s) => s.decision === 'accepted').length;
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap items-center gap-2" role="toolbar" aria-label="Corrections">
        <button
          type="button"
          className={button}
          disabled={running || view.undecidedShown === 0}
          onClick={() => acceptAllShown()}
        >
          Accept all shown{min > 0 ? ` (≥ ${formatScore(min)})` : ''}
        </button>
        <button
          type="button"
          className={button}
          disabled={running || !canUndo}
          aria-keyshortcuts="Control+Z"
          onClick={() => undoReview()}
        >
          Undo
        </button>
        <button
          type="button"
          className={button}
          disabled={running || !canRedo}
          aria-keyshortcuts="Control+Shift+Z Control+Y"
          onClick={() => redoReview()}
        >
          Redo
        </button>
        <button
          type="button"
          className={button}
          disabled={running}
          aria-pressed={review.reviewed}
          onClick={() => setReviewed(!review.reviewed)}
        >
          {review.reviewed ? 'Reviewed ✓' : 'Mark reviewed'}
        </button>
        <label className="flex items-center gap-1 text-sm">
          <input
            type="checkbox"
            checked={showRejected}
            onChange={(event) => setShowRejected(event.target.checked)}
          />
          Show rejected ({view.rejected})
        </label>
      </div>
      <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="review-summary">
        {review.reviewed ? 'Reviewed by a person. ' : 'Not reviewed yet. '}
        {persons} added by a person, {accepted} accepted, {view.rejected} rejected, {view.undecidedShown}{' '}
        undecided shown{view.hiddenByThreshold ? `, ${view.hiddenByThreshold} below the threshold` : ''}.
      </p>
      <p role="status" aria-live="polite" className="min-h-5 text-sm" data-testid="review-announcement">
        {announcement}
      </p>
    </div>
  );
}
