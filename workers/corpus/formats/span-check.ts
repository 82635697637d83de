/**
 * Checks the spans of one imported record against its text, so every importer reports bad spans the
 * same way: one problem per bad span, naming the file and line, and the good spans kept.
 */
import {
  compareSpans,
  type CorpusSpan,
  type ImportProblem,
  type PageRange,
  type SpanDecision,
} from '../document';

/** Where a record came from, for the problems it raises. */
export interface RecordPlace {
  readonly file: string;
  readonly line?: number;
}

/** What a span may be labelled with: undefined = any label. */
export type KnownLabels = ReadonlySet<string> | undefined;

/**
 * The types an imported record ends up with and the labels its spans may use: a stored document's
 * types win over the record's own, and labels given by the caller win over both (none = any label).
 */
export function typesAndLabels(
  recordTypes: unknown,
  storedTypes: readonly string[] | undefined,
  callerLabels: readonly string[] | undefined,
): { types: string[]; labels: KnownLabels } {
  const own = Array.isArray(recordTypes) ? recordTypes.filter((t): t is string => typeof t === 'string') : [];
  const types = storedTypes?.length ? [...storedTypes] : own;
  const labels = callerLabels ? new Set(callerLabels) : types.length ? new Set(types) : undefined;
  return { types, labels };
}

/** A span as read from a file: fields not yet checked. */
export type RawSpan = Readonly<Record<string, unknown>>;

/** Describes a span for a message: `"London" [10, 16) place`. */
export function describeSpan(text: string, span: Pick<CorpusSpan, 'start' | 'end' | 'label'>): string {
  const covered =
    span.start >= 0 && span.end <= text.length ? JSON.stringify(text.slice(span.start, span.end)) : '';
  return `${covered ? covered + ' ' : ''}[${span.start}, ${span.end}) ${span.label}`;
}

/**
 * One raw span → a CorpusSpan, or the reason it is not one. `defaults` fills what the format carries
 * outside the span (Label Studio: the source comes from predictions vs annotations).
 */
export function readSpan(
  text: string,
  raw: RawSpan,
  labels: KnownLabels,
  defaults: Partial<CorpusSpan> = {},
): CorpusSpan | string {
  const { start, end, label } = raw;
  const source = raw.source ?? defaults.source;
  if (!Number.isInteger(start) || !Number.isInteger(end)) return 'a span needs integer "start" and "end"';
  if (typeof label !== 'string' || !label.trim()) return 'a span needs a non-empty "label"';
  const s = start as number;
  const e = end as number;
  const shape = { start: s, end: e, label };
  if (s < 0 || e > text.length)
    return `span ${describeSpan(text, shape)} lies outside the text (${text.length} characters)`;
  if (e <= s) return `span ${describeSpan(text, shape)} is empty or reversed`;
  for (const edge of [s, e])
    if (splitsPair(text, edge))
      return `span [${s}, ${e}) ${label} splits a character (its edge ${edge} falls between the two halves of a surrogate pair); offsets must fall on whole characters`;
  if (labels && !labels.has(label))
    return `span ${describeSpan(text, shape)} has an unknown label "${label}"`;
  if (source !== 'model' && source !== 'person')
    return `span ${describeSpan(text, shape)} has source ${JSON.stringify(source)} (expected "model" or "person")`;
  const score = raw.score ?? defaults.score;
  if (score !== undefined && (typeof score !== 'number' || !Number.isFinite(score)))
    return `span ${describeSpan(text, shape)} has a non-numeric score`;
  const decision = raw.decision ?? defaults.decision;
  if (decision !== undefined && decision !== 'accepted' && decision !== 'rejected')
    return `span ${describeSpan(text, shape)} has decision ${JSON.stringify(decision)} (expected "accepted" or "rejected")`;
  if (decision !== undefined && source === 'person')
    return `span ${describeSpan(text, shape)} is a person's span with a decision (only model spans carry one)`;
  const model = raw.model ?? defaults.model;
  return {
    start: s,
    end: e,
    label,
    source,
    ...(score === undefined ? {} : { score: score as number }),
    ...(typeof model === 'string' && source === 'model' ? { model } : {}),
    ...(decision === undefined ? {} : { decision: decision as SpanDecision }),
  };
}

/** Whether `offset` falls between a high and a low surrogate of `text` (inside one character). */
function splitsPair(text: string, offset: number): boolean {
  if (offset <= 0 || offset >= text.length) return false;
  const before = text.charCodeAt(offset - 1);
  const after = text.charCodeAt(offset);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

/**
 * A record's PDF page ranges, checked against its text: an array of `{start, end, page}` with
 * integer fields, inside the text, in order and not overlapping, pages numbered from 1 upward. The
 * reason when they are not (the document then imports without pages).
 */
export function checkedPages(value: unknown, text: string): PageRange[] | string {
  const bad = (why: string) => `"pages" ${why}; the document is imported without its pages`;
  if (!Array.isArray(value)) return bad('must be an array of {"start","end","page"}');
  const pages: PageRange[] = [];
  let end = 0;
  let page = 0;
  for (const [index, item] of value.entries()) {
    const range = item as Partial<Record<keyof PageRange, unknown>> | null;
    if (
      typeof range !== 'object' ||
      range === null ||
      !Number.isInteger(range.start) ||
      !Number.isInteger(range.end) ||
      !Number.isInteger(range.page)
    )
      return bad(`entry ${index + 1} needs integer "start", "end" and "page"`);
    const r = { start: range.start as number, end: range.end as number, page: range.page as number };
    if (r.start < end || r.end < r.start || r.end > text.length)
      return bad(
        `entry ${index + 1} [${r.start}, ${r.end}) is outside the text (${text.length} characters), reversed, or overlaps the page before`,
      );
    if (r.page <= page) return bad(`entry ${index + 1} has page ${r.page}, not after page ${page}`);
    pages.push(r);
    end = r.end;
    page = r.page;
  }
  return pages;
}

/**
 * Drops what a document cannot hold twice, reporting each: an exact duplicate (same range, label,
 * source and model), and a person's span overlapping another person's span of the same label (a reviewer marks
 * one range per mention). Model spans of one label may overlap: tolerant matching finds "New York" and
 * "New York City" both, and the person resolves them with decisions.
 */
export function dropConflicts(
  text: string,
  spans: readonly CorpusSpan[],
  place: RecordPlace,
  problems: ImportProblem[],
): CorpusSpan[] {
  const kept: CorpusSpan[] = [];
  const seen = new Set<string>();
  // Spans come in start order, so a person's span overlaps an earlier kept one of its label exactly
  // when that label's furthest-reaching kept span ends after it starts: one lookup, not a search.
  const furthest = new Map<string, CorpusSpan>();
  for (const span of [...spans].sort(compareSpans)) {
    const key = JSON.stringify([span.start, span.end, span.source, span.model ?? '', span.label]);
    if (seen.has(key)) {
      problems.push({
        ...place,
        message: `duplicate ${span.source} span ${describeSpan(text, span)} dropped`,
      });
      continue;
    }
    const reach = span.source === 'person' ? furthest.get(span.label) : undefined;
    if (reach && reach.end > span.start) {
      problems.push({
        ...place,
        message: `person span ${describeSpan(text, span)} overlaps ${describeSpan(text, reach)} and was dropped`,
      });
      continue;
    }
    seen.add(key);
    kept.push(span);
    if (span.source === 'person' && (!reach || span.end > reach.end)) furthest.set(span.label, span);
  }
  return kept;
}
