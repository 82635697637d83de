/**
 * The correction model of one passage: its spans (the model's and a person's) and whether a person
 * marked it reviewed, with the edit commands a person can give. Pure: every command takes a state and
 * returns the next one (or null when it changes nothing) with a sentence for screen readers.
 *
 * The rule from the corpus data model (workers/corpus/document.ts): a person's edit never changes a
 * model span in place. Deleting a model span records `decision: 'rejected'` on it; retyping one rejects
 * it and adds a person span with the new type; accepting records `decision: 'accepted'`. Person spans
 * are the person's own: they are removed or retyped directly.
 *
 * Invariant kept by every command: at most one span per (start, end, label). Adding a person span
 * where a model span with that label already is accepts that model span instead of doubling it.
 */
import { compareSpans, type CorpusSpan } from '../../../workers/corpus/document';

/** The spans of one passage and its reviewed flag. */
export interface ReviewState {
  /** All spans, in reading order (`compareSpans`), rejected model spans included. */
  readonly spans: readonly CorpusSpan[];
  /** True only after a person marked the passage reviewed. */
  readonly reviewed: boolean;
}

/** What a command did: the next state and what to announce ("Added person: Alice Smith"). */
export interface CommandResult {
  readonly state: ReviewState;
  readonly message: string;
}

/** The identity of a span: its range and label (unique within a state, see the invariant above). */
export interface SpanRef {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

export const EMPTY_REVIEW: ReviewState = { spans: [], reviewed: false };

/** `start:end:label`, the key of a span within a state. */
export function spanKey(span: SpanRef): string {
  return `${span.start}:${span.end}:${span.label}`;
}

function sameRef(a: SpanRef, b: SpanRef): boolean {
  return a.start === b.start && a.end === b.end && a.label === b.label;
}

/** The span at `ref`, or undefined. */
export function findSpan(state: ReviewState, ref: SpanRef): CorpusSpan | undefined {
  return state.spans.find((span) => sameRef(span, ref));
}

/** `"Alice Smith"` quoted for announcements (long spans shortened). */
function quote(text: string, span: SpanRef): string {
  const value = text.slice(span.start, span.end);
  return value.length > 60 ? `${value.slice(0, 57)}…` : value;
}

function withSpans(state: ReviewState, spans: CorpusSpan[]): ReviewState {
  return { ...state, spans: spans.sort(compareSpans) };
}

function replaceSpan(state: ReviewState, ref: SpanRef, next: CorpusSpan | null): CorpusSpan[] {
  const out: CorpusSpan[] = [];
  for (const span of state.spans) {
    if (!sameRef(span, ref)) out.push(span);
    else if (next) out.push(next);
  }
  return out;
}

/** The model span with a decision recorded (or cleared with `undefined`). */
function decided(span: CorpusSpan, decision: CorpusSpan['decision']): CorpusSpan {
  const { decision: _old, ...rest } = span;
  return decision ? { ...rest, decision } : rest;
}

/**
 * Adds a person span over `[start, end)` of `text` with `label`. Where a model span with the same
 * range and label exists, it is accepted instead (also when it was rejected); where a person span
 * already has it, nothing changes (null).
 */
export function addPersonSpan(text: string, state: ReviewState, ref: SpanRef): CommandResult | null {
  const label = ref.label.trim();
  if (!label || !(ref.start >= 0 && ref.end > ref.start && ref.end <= text.length)) return null;
  const at = { start: ref.start, end: ref.end, label };
  const existing = findSpan(state, at);
  if (existing?.source === 'person') return null;
  if (existing) {
    if (existing.decision === 'accepted') return null;
    return {
      state: withSpans(state, replaceSpan(state, at, decided(existing, 'accepted'))),
      message: `Accepted ${label}: ${quote(text, at)}`,
    };
  }
  return {
    state: withSpans(state, [...state.spans, { ...at, source: 'person' }]),
    message: `Added ${label}: ${quote(text, at)}`,
  };
}

/**
 * Deletes a span: a person span goes, a model span is marked rejected (kept, so the export can say
 * a person turned it down). Null when there is nothing to delete.
 */
export function removeSpan(text: string, state: ReviewState, ref: SpanRef): CommandResult | null {
  const span = findSpan(state, ref);
  if (!span) return null;
  if (span.source === 'person') {
    return {
      state: withSpans(state, replaceSpan(state, ref, null)),
      message: `Deleted ${span.label}: ${quote(text, span)}`,
    };
  }
  if (span.decision === 'rejected') return null;
  return {
    state: withSpans(state, replaceSpan(state, ref, decided(span, 'rejected'))),
    message: `Rejected ${span.label}: ${quote(text, span)}`,
  };
}

/** Accepts a model span (null for a person span or one already accepted). */
export function acceptSpan(text: string, state: ReviewState, ref: SpanRef): CommandResult | null {
  const span = findSpan(state, ref);
  if (!span || span.source !== 'model' || span.decision === 'accepted') return null;
  return {
    state: withSpans(state, replaceSpan(state, ref, decided(span, 'accepted'))),
    message: `Accepted ${span.label}: ${quote(text, span)}`,
  };
}

/** Rejects a model span (null for a person span or one already rejected). */
export function rejectSpan(text: string, state: ReviewState, ref: SpanRef): CommandResult | null {
  const span = findSpan(state, ref);
  if (!span || span.source !== 'model' || span.decision === 'rejected') return null;
  return removeSpan(text, state, ref);
}

/**
 * Gives a span another type. A person span is relabelled; a model span is rejected and a person
 * span with the new label added over the same text (or the model span of that label accepted, if
 * there is one). Null when the label is empty or unchanged.
 */
export function retypeSpan(
  text: string,
  state: ReviewState,
  ref: SpanRef,
  label: string,
): CommandResult | null {
  const span = findSpan(state, ref);
  const next = label.trim();
  if (!span || !next || next === span.label) return null;
  const target = { start: span.start, end: span.end, label: next };
  let spans: CorpusSpan[];
  if (span.source === 'person') spans = replaceSpan(state, ref, null);
  else spans = replaceSpan(state, ref, decided(span, 'rejected'));
  const base = withSpans(state, spans);
  const added = addPersonSpan(text, base, target);
  return {
    state: added?.state ?? base,
    message: `Changed ${span.label} to ${next}: ${quote(text, span)}`,
  };
}

/** Whether a model span counts as "above the threshold" (a span without a score always does, as on screen). */
function atOrAbove(span: CorpusSpan, threshold: number): boolean {
  return span.score === undefined || !(threshold > 0) || span.score >= threshold;
}

/**
 * Accepts every undecided model span scored at or above `threshold` (the page's minimum confidence;
 * spans without a score are shown at any threshold, so they are accepted too). Rejected spans stay
 * rejected: a person's verdict is not overridden in bulk. Null when none is left to accept.
 */
export function acceptAllAbove(state: ReviewState, threshold: number): CommandResult | null {
  let count = 0;
  const spans = state.spans.map((span) => {
    if (span.source !== 'model' || span.decision || !atOrAbove(span, threshold)) return span;
    count++;
    return decided(span, 'accepted');
  });
  if (count === 0) return null;
  return { state: { ...state, spans }, message: `Accepted ${count} ${count === 1 ? 'span' : 'spans'}` };
}

/** Rejects every undecided model span scored below `threshold`. Null when there is none. */
export function rejectAllBelow(state: ReviewState, threshold: number): CommandResult | null {
  let count = 0;
  const spans = state.spans.map((span) => {
    if (span.source !== 'model' || span.decision || atOrAbove(span, threshold)) return span;
    count++;
    return decided(span, 'rejected');
  });
  if (count === 0) return null;
  return { state: { ...state, spans }, message: `Rejected ${count} ${count === 1 ? 'span' : 'spans'}` };
}

/** Marks the passage reviewed (or not). Null when it already is. */
export function markReviewed(state: ReviewState, reviewed: boolean): CommandResult | null {
  if (state.reviewed === reviewed) return null;
  return {
    state: { ...state, reviewed },
    message: reviewed ? 'Marked reviewed' : 'Marked not reviewed',
  };
}

/**
 * The state after a new run of the model: its model spans replace the old ones, person spans stay.
 * A decision carries over to a new model span with the same range and label (the person already
 * judged exactly that span); decisions on spans the new run no longer proposes are dropped, and a
 * model span that a person span already covers with the same label is left out (the person's span
 * stands, keeping the invariant). The reviewed flag is cleared when the model spans changed: the
 * person has not seen these yet.
 */
export function replaceModelSpans(state: ReviewState, modelSpans: readonly CorpusSpan[]): ReviewState {
  const previous = new Map(state.spans.filter((s) => s.source === 'model').map((s) => [spanKey(s), s]));
  const person = state.spans.filter((s) => s.source === 'person');
  const personKeys = new Set(person.map(spanKey));
  const next: CorpusSpan[] = [...person];
  let changed = modelSpans.length !== previous.size;
  for (const span of modelSpans) {
    const key = spanKey(span);
    if (personKeys.has(key)) continue;
    const old = previous.get(key);
    if (!old || old.score !== span.score) changed = true;
    next.push(old?.decision ? decided(span, old.decision) : span);
  }
  return { spans: next.sort(compareSpans), reviewed: state.reviewed && !changed };
}
