/**
 * A document run again: what its stored spans become. Pure, so the page's database (one transaction,
 * see src/lib/corpus/db.ts `writeResults`) and any other store apply the same rule.
 *
 * Nothing a person did is lost:
 * - every person span stays;
 * - a decision stays on a model span that comes back the same (same start, end and label), with the new
 *   run's score and model;
 * - a decided model span the new run does not propose again stays too, with its decision (an accepted
 *   span is a person's "yes", a rejected one a "no" that an export of rejections still wants);
 * - a new model span on a range a person already labelled the same way is not added twice.
 *
 * A reviewed document stays reviewed when the run proposes nothing the person has not seen; when it
 * proposes new spans, they arrive undecided and the document is no longer marked reviewed, so an
 * export of reviewed documents never counts a span nobody looked at. Its decisions all stay.
 */
import { compareSpans, type CorpusSpan } from './document';

/** What a re-run leaves. */
export interface RerunMerge {
  readonly spans: CorpusSpan[];
  readonly reviewed: boolean;
  /** Model spans of the new run that were not among the old ones (undecided). */
  readonly added: number;
  /** Decided model spans kept though the new run did not propose them again. */
  readonly keptDecisions: number;
}

const keyOf = (span: Pick<CorpusSpan, 'start' | 'end' | 'label'>) =>
  `${span.start}:${span.end}:${span.label}`;

/** Merges the model spans of a new run into a document's stored spans (see the module comment). */
export function mergeRerun(
  old: readonly CorpusSpan[],
  newModelSpans: readonly CorpusSpan[],
  reviewed: boolean,
): RerunMerge {
  const person = old.filter((span) => span.source === 'person');
  const personKeys = new Set(person.map(keyOf));
  const oldModel = new Map(old.filter((span) => span.source === 'model').map((span) => [keyOf(span), span]));
  const out: CorpusSpan[] = [...person];
  const seen = new Set<string>();
  let added = 0;
  for (const span of newModelSpans) {
    const key = keyOf(span);
    if (personKeys.has(key) || seen.has(key)) continue;
    seen.add(key);
    const before = oldModel.get(key);
    if (!before) added++;
    const { decision: _none, ...fresh } = span;
    out.push(before?.decision ? { ...fresh, decision: before.decision } : fresh);
  }
  let keptDecisions = 0;
  for (const [key, span] of oldModel) {
    if (seen.has(key) || !span.decision) continue;
    keptDecisions++;
    out.push(span);
  }
  return { spans: out.sort(compareSpans), reviewed: reviewed && added === 0, added, keptDecisions };
}
