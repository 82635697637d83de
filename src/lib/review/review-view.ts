/**
 * What the highlighted passage draws of a review: which spans are visible at the page's minimum
 * confidence, and how each reads to a screen reader. Pure, so the rules are tested without React.
 */
import type { CorpusSpan } from '../../../workers/corpus/document';
import { formatScore } from '../score-threshold';
import type { TypedSpan } from '../span-layout';

/** A span as drawn: its type and range, plus who proposed it and a person's verdict. */
export interface ReviewMarkSpan extends TypedSpan {
  readonly source: CorpusSpan['source'];
  readonly decision?: CorpusSpan['decision'];
  readonly score?: number;
}

/** The drawn spans and how many the threshold hides. */
export interface ReviewView {
  readonly spans: readonly ReviewMarkSpan[];
  /** Undecided model spans below the minimum confidence (not drawn, not exported as shown). */
  readonly hiddenByThreshold: number;
  /** Rejected model spans (drawn struck through unless hidden by the toggle). */
  readonly rejected: number;
  /** Undecided model spans that are drawn (what "Accept all shown" would accept). */
  readonly undecidedShown: number;
}

/**
 * The spans to draw: person spans and accepted model spans always; undecided model spans at or above
 * `minScore` (or without a score); rejected model spans only when `showRejected`.
 */
export function reviewView(
  spans: readonly CorpusSpan[],
  minScore: number,
  showRejected: boolean,
): ReviewView {
  const out: ReviewMarkSpan[] = [];
  let hiddenByThreshold = 0;
  let rejected = 0;
  let undecidedShown = 0;
  for (const span of spans) {
    const mark: ReviewMarkSpan = {
      type: span.label,
      start: span.start,
      end: span.end,
      source: span.source,
      ...(span.decision ? { decision: span.decision } : {}),
      ...(span.score === undefined ? {} : { score: span.score }),
    };
    if (span.source === 'person' || span.decision === 'accepted') out.push(mark);
    else if (span.decision === 'rejected') {
      rejected++;
      if (showRejected) out.push(mark);
    } else if (span.score === undefined || !(minScore > 0) || span.score >= minScore) {
      undecidedShown++;
      out.push(mark);
    } else hiddenByThreshold++;
  }
  return { spans: out, hiddenByThreshold, rejected, undecidedShown };
}

/** "person, 93%, accepted" / "city, added by a person" / "person, 40%, rejected": one span's state. */
export function describeMark(span: ReviewMarkSpan): string {
  const score = span.score === undefined ? '' : `, ${formatScore(span.score)}`;
  if (span.source === 'person') return `${span.type}, added by a person`;
  return `${span.type}${score}${span.decision ? `, ${span.decision}` : ''}`;
}
