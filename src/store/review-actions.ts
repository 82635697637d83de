/**
 * Actions on the review of the current passage: the edit commands of src/lib/review applied to the
 * store with undo history and an announcement, and the bridge from run results to model spans.
 */
import type { CorpusSpan } from '../../workers/corpus/document';
import { compareSpans, modelSpansFromEntities } from '../../workers/corpus/document';
import type { FoundEntity } from '../../workers/protocol';
import { describeSource } from '../lib/model-presets';
import { EMPTY_HISTORY, record, redo, undo } from '../lib/review/history';
import {
  acceptAllAbove,
  acceptSpan,
  addPersonSpan,
  EMPTY_REVIEW,
  markReviewed,
  rejectAllBelow,
  rejectSpan,
  removeSpan,
  replaceModelSpans,
  retypeSpan,
  type CommandResult,
  type ReviewState,
  type SpanRef,
} from '../lib/review/review-state';
import { useAppStore } from './app-store';
import type { AppState } from './app-state';

const set = useAppStore.setState;
const get = useAppStore.getState;

/** The state patch that starts the review of a run over `passage` with `types`. */
export function startReviewForRun(
  state: AppState,
  passage: string,
  types: readonly string[],
): Partial<AppState> {
  // Same text: person spans and decisions carry over. A changed text: old offsets point at other words.
  const base = passage === state.reviewText ? state.review : EMPTY_REVIEW;
  return {
    reviewText: passage,
    reviewTypes: [...types],
    // A run over another text is not the open corpus document's review any more.
    ...(passage === state.reviewText ? {} : { reviewDocumentId: null }),
    reviewBase: base,
    review: replaceModelSpans(base, []),
    reviewHistory: EMPTY_HISTORY,
    reviewAnnouncement: '',
  };
}

/** The model spans of a run's results, over all types. */
export function modelSpansOfResults(
  results: Readonly<Record<string, readonly FoundEntity[]>>,
  model: string,
): CorpusSpan[] {
  return Object.entries(results).flatMap(([type, entities]) => modelSpansFromEntities(type, entities, model));
}

/**
 * The review after the run's results changed to `results` (a streamed or finished type): the new
 * model spans merged into the review the run started from. Null when no run started a review.
 */
export function reviewForResults(
  state: AppState,
  results: Readonly<Record<string, readonly FoundEntity[]>>,
): Partial<AppState> | null {
  if (!state.reviewBase) return null;
  const source = state.answeredBy?.source ?? state.loadedModel?.source ?? 'unknown';
  return {
    review: replaceModelSpans(state.reviewBase, modelSpansOfResults(results, describeSource(source))),
  };
}

/** Applies one command: records it for undo and announces it. False when it changed nothing or a run is on. */
function apply(command: (text: string, review: ReviewState) => CommandResult | null): boolean {
  const state = get();
  if (state.runStatus === 'running') {
    set({ reviewAnnouncement: 'Wait for the run to finish before correcting spans.' });
    return false;
  }
  const result = command(state.reviewText, state.review);
  if (!result) return false;
  set({
    review: result.state,
    reviewHistory: record(state.reviewHistory, state.review, result),
    reviewAnnouncement: result.message,
  });
  return true;
}

/** Adds a person span (the range is already snapped, see word-snap.ts). */
export function addSpan(ref: SpanRef): boolean {
  return apply((text, review) => addPersonSpan(text, review, ref));
}

export function changeSpanType(ref: SpanRef, label: string): boolean {
  return apply((text, review) => retypeSpan(text, review, ref, label));
}

export function deleteSpan(ref: SpanRef): boolean {
  return apply((text, review) => removeSpan(text, review, ref));
}

export function acceptOne(ref: SpanRef): boolean {
  return apply((text, review) => acceptSpan(text, review, ref));
}

export function rejectOne(ref: SpanRef): boolean {
  return apply((text, review) => rejectSpan(text, review, ref));
}

/** Accepts every undecided model span at or above the page's minimum confidence. */
export function acceptAllShown(): boolean {
  const min = get().minScore;
  return apply((_text, review) => acceptAllAbove(review, min));
}

/** Rejects every undecided model span below the page's minimum confidence. */
export function rejectAllHidden(): boolean {
  const min = get().minScore;
  return apply((_text, review) => rejectAllBelow(review, min));
}

export function setReviewed(reviewed: boolean): boolean {
  return apply((_text, review) => markReviewed(review, reviewed));
}

export function undoReview(): boolean {
  const state = get();
  if (state.runStatus === 'running') return false;
  const step = undo(state.reviewHistory, state.review);
  if (!step) {
    set({ reviewAnnouncement: 'Nothing to undo' });
    return false;
  }
  set({ review: step.state, reviewHistory: step.history, reviewAnnouncement: step.message });
  return true;
}

export function redoReview(): boolean {
  const state = get();
  if (state.runStatus === 'running') return false;
  const step = redo(state.reviewHistory, state.review);
  if (!step) {
    set({ reviewAnnouncement: 'Nothing to redo' });
    return false;
  }
  set({ review: step.state, reviewHistory: step.history, reviewAnnouncement: step.message });
  return true;
}

export function setShowRejected(show: boolean): void {
  set({ showRejected: show });
}

/**
 * Replaces the review with imported spans for `text` (one undoable step when the text is the one
 * under review; a different text starts a fresh review of it).
 */
export function loadReview(
  text: string,
  types: readonly string[],
  imported: ReviewState,
  message: string,
): void {
  const state = get();
  // The review keeps its spans in reading order (the edit commands rely on it, not on the file's order).
  const next = { ...imported, spans: [...imported.spans].sort(compareSpans) };
  if (text === state.reviewText) {
    apply(() => ({ state: next, message }));
    set({ reviewTypes: [...new Set([...state.reviewTypes, ...types])] });
    return;
  }
  set({
    reviewText: text,
    reviewTypes: [...types],
    review: next,
    reviewBase: null,
    reviewHistory: EMPTY_HISTORY,
    reviewAnnouncement: message,
    reviewDocumentId: null,
  });
}

/** The state patch that shows a stored corpus document's review (opening it from the document list). */
export function storedReviewPatch(
  id: string,
  text: string,
  types: readonly string[],
  spans: readonly CorpusSpan[],
  reviewed: boolean,
): Partial<AppState> {
  return {
    reviewDocumentId: id,
    reviewText: text,
    reviewTypes: [...types],
    review: { spans: [...spans].sort(compareSpans), reviewed },
    reviewBase: null,
    reviewHistory: EMPTY_HISTORY,
    reviewAnnouncement: '',
  };
}

/**
 * Writes every change of an open corpus document's review through `save` (the corpus database), once
 * no run is streaming into it (then once when the run ends). Returns the unsubscribe function.
 */
export function saveReviewsTo(save: (id: string, review: ReviewState) => Promise<unknown>): () => void {
  return useAppStore.subscribe((state, previous) => {
    const id = state.reviewDocumentId;
    if (!id || state.runStatus === 'running') return;
    const changed =
      state.review !== previous.review ||
      id !== previous.reviewDocumentId ||
      previous.runStatus === 'running';
    if (changed) void save(id, state.review).catch(() => undefined);
  });
}
