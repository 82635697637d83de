/**
 * The confidence threshold: which found entities are shown, how many are hidden, and how scores read.
 *
 * A score is the model's own confidence in one string (`FoundEntity.score`, 0..1); every occurrence of
 * the string shares it. An entity without a score (an older engine, a run that recorded none) is never
 * hidden. The threshold only filters what is shown: the run's results stay untouched, so moving it back
 * brings everything back without a new run.
 */
import type { FoundEntity } from '../../workers/protocol';

/** Results of one run: entity type → entities found for it. */
export type Results = Readonly<Record<string, readonly FoundEntity[]>>;

/** What the threshold leaves visible. */
export interface ThresholdView {
  /** The visible entities per type (the input object itself when nothing is hidden). */
  readonly results: Results;
  /** Highlighted occurrences (spans) shown, over all types. */
  readonly shownSpans: number;
  /** Highlighted occurrences (spans) hidden, over all types. */
  readonly hiddenSpans: number;
  /** Entities (strings) hidden, including ones that are not in the text. */
  readonly hiddenEntities: number;
  /** Whether any entity of the run carries a score (without scores a threshold changes nothing). */
  readonly scored: boolean;
}

/** True when the entity is shown at threshold `min` (no score, or a score at or above it). */
export function passesThreshold(entity: FoundEntity, min: number): boolean {
  return entity.score === undefined || !(min > 0) || entity.score >= min;
}

/** Filters `results` by the threshold `min` (0 or anything not above 0 shows everything). */
export function applyThreshold(results: Results, min: number): ThresholdView {
  let scored = false;
  let shownSpans = 0;
  let hiddenSpans = 0;
  let hiddenEntities = 0;
  const visible: Record<string, readonly FoundEntity[]> = {};
  for (const [type, entities] of Object.entries(results)) {
    let kept: FoundEntity[] | null = null;
    entities.forEach((entity, index) => {
      if (entity.score !== undefined) scored = true;
      if (passesThreshold(entity, min)) {
        shownSpans += entity.spans.length;
        kept?.push(entity);
        return;
      }
      // First hidden entity of this type: copy what came before it, then keep filtering.
      kept ??= entities.slice(0, index);
      hiddenEntities++;
      hiddenSpans += entity.spans.length;
    });
    visible[type] = kept ?? entities;
  }
  return { results: hiddenEntities > 0 ? visible : results, shownSpans, hiddenSpans, hiddenEntities, scored };
}

/**
 * A score as a whole percentage, rounded down so that what is shown agrees with the threshold
 * (a score of 0.499 reads 49% and is hidden at 50%). The epsilon absorbs float error (0.29 × 100).
 */
export function formatScore(score: number): string {
  return `${Math.floor(score * 100 + 1e-9)}%`;
}

/** One type tagged on a span, with the score of the string it came from (if any). */
export interface SpanTag {
  readonly type: string;
  readonly score?: number;
}

/** "person, 93%; organization" — the types on one span for tooltips and accessible names. */
export function describeTags(tags: readonly SpanTag[]): string {
  return tags
    .map((tag) => (tag.score === undefined ? tag.type : `${tag.type}, ${formatScore(tag.score)}`))
    .join('; ');
}
