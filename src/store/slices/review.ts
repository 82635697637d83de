import type { ReviewHistory } from '../../lib/review/history';
import { EMPTY_HISTORY } from '../../lib/review/history';
import { EMPTY_REVIEW, type ReviewState } from '../../lib/review/review-state';
import type { AppStateCreator } from '../app-state';

/**
 * The correction of the current passage: the model's spans of the last run and a person's edits.
 *
 * `review`, `reviewText` and `reviewTypes` are persisted with the draft (localStorage), so a reload
 * shows the corrected passage again even though run results are not kept. The history, the run base
 * and the announcement live in memory only.
 *
 * A new run over the same text keeps person spans and the decisions on spans it proposes again; a
 * run over a changed text starts a fresh review, since old offsets mean nothing there (see
 * `startReviewForRun` in review-actions.ts).
 */
export interface ReviewSlice {
  /** Spans and the reviewed flag. */
  readonly review: ReviewState;
  /** The text the spans refer to (the passage of the run that produced them); '' before any run. */
  readonly reviewText: string;
  /** The entity types of that run (offered first when a person adds a span). */
  readonly reviewTypes: readonly string[];
  /** The review as it was when the current run started: streamed model spans are merged into it. */
  readonly reviewBase: ReviewState | null;
  readonly reviewHistory: ReviewHistory;
  /** The last action, for the aria-live region ("Added person: Alice Smith"). */
  readonly reviewAnnouncement: string;
  /**
   * The corpus document under review (opened from the document list), or null for a free passage.
   * While set, every change of the review is written to that document in IndexedDB.
   */
  readonly reviewDocumentId: string | null;
  /** Whether rejected model spans are drawn (struck through) or hidden. Persisted. */
  readonly showRejected: boolean;
}

export const createReviewSlice: AppStateCreator<ReviewSlice> = () => ({
  review: EMPTY_REVIEW,
  reviewText: '',
  reviewTypes: [],
  reviewBase: null,
  reviewHistory: EMPTY_HISTORY,
  reviewAnnouncement: '',
  reviewDocumentId: null,
  showRejected: true,
});

/** The keys of the review slice that survive a reload. */
export const REVIEW_PERSISTED_KEYS = [
  'review',
  'reviewText',
  'reviewTypes',
  'reviewDocumentId',
  'showRejected',
] as const;
