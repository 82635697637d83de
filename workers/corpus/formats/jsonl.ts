/**
 * JSON Lines, one document per line, in the span shape Prodigy and spaCy's tooling read:
 *
 *     {"id","name","text","spans":[{"start","end","label","source","score"?,"model"?,"decision"?}],
 *      "rejected_spans"?:[…],"meta","types","reviewed","pages"?}
 *
 * `spans` holds the effective spans (a person's spans and model spans nobody rejected), so a reader
 * that only knows `spans` gets what the corpus counts as true. Model spans a person rejected go to
 * `rejected_spans`, so export → import restores every span, its source and its decision.
 *
 * Offsets are UTF-16 code units (as everywhere in the app), except in the `spacy-jsonl` variant,
 * whose records say `"offset_unit": "codepoint"` and count Unicode code points, as Python does
 * (spaCy's `Doc.char_span`, Prodigy); the importer reads both.
 */
import {
  compareSpans,
  type CorpusDocument,
  type CorpusSpan,
  type DocumentWithSpans,
  type ImportProblem,
  type PageRange,
} from '../document';
import { deepestKey, MAX_NESTING } from '../import/records';
import { offsetMap } from './code-points';
import { checkedPages, dropConflicts, readSpan, typesAndLabels, type RawSpan } from './span-check';

/** One span of a JSONL line. */
export interface JsonlSpan {
  readonly start: number;
  readonly end: number;
  readonly label: string;
  readonly source: CorpusSpan['source'];
  readonly score?: number;
  readonly model?: string;
  readonly decision?: CorpusSpan['decision'];
}

/** One line of the JSONL export. */
export interface JsonlRecord {
  readonly id: string;
  readonly name: string;
  readonly text: string;
  readonly spans: readonly JsonlSpan[];
  readonly rejected_spans?: readonly JsonlSpan[];
  readonly meta: Readonly<Record<string, unknown>>;
  readonly types: readonly string[];
  readonly reviewed: boolean;
  readonly pages?: readonly PageRange[];
  /** Present in the spacy-jsonl variant: span offsets count code points, not UTF-16 units. */
  readonly offset_unit?: 'codepoint';
}

/** How a JSONL export counts span offsets. */
export type OffsetUnit = 'utf16' | 'codepoint';

function jsonlSpan(span: CorpusSpan, toUnit: (offset: number) => number): JsonlSpan {
  const { start, end, label, source, score, model, decision } = span;
  return {
    start: toUnit(start),
    end: toUnit(end),
    label,
    source,
    ...(score === undefined ? {} : { score }),
    ...(model === undefined ? {} : { model }),
    ...(decision === undefined ? {} : { decision }),
  };
}

/** The JSONL record of one document. */
export function jsonlRecord({ document, spans }: DocumentWithSpans, unit: OffsetUnit = 'utf16'): JsonlRecord {
  const toUnit = unit === 'codepoint' ? offsetMap(document.text).toCodePoints : (n: number) => n;
  const jsonlSpanOf = (span: CorpusSpan) => jsonlSpan(span, toUnit);
  const sorted = [...spans].sort(compareSpans);
  const rejected = sorted.filter((s) => s.source === 'model' && s.decision === 'rejected');
  return {
    id: document.id,
    name: document.name,
    text: document.text,
    spans: sorted.filter((s) => !(s.source === 'model' && s.decision === 'rejected')).map(jsonlSpanOf),
    ...(rejected.length ? { rejected_spans: rejected.map(jsonlSpanOf) } : {}),
    meta: document.meta,
    types: document.types,
    reviewed: document.reviewed,
    ...(document.pages ? { pages: document.pages } : {}),
    ...(unit === 'codepoint' ? { offset_unit: 'codepoint' as const } : {}),
  };
}

/** One JSONL line (with its `\n`) for one document: the CLI writes these as documents finish. */
export function jsonlLine(doc: DocumentWithSpans, unit: OffsetUnit = 'utf16'): string {
  return JSON.stringify(jsonlRecord(doc, unit)) + '\n';
}

/**
 * Finds the stored document an imported record continues (by id, else by text); undefined = new.
 * The importer refuses a record whose text differs from the stored document's.
 */
export type ExistingLookup = (key: {
  readonly id?: string;
  readonly text: string;
}) => CorpusDocument | undefined;

/** Options shared by the importers. */
export interface ImportOptions {
  /** Stored documents, so a record continues one instead of duplicating it. */
  readonly existing?: ExistingLookup;
  /**
   * The labels a span may carry. Default: the record's (or stored document's) `types` when it has
   * any, else any label.
   */
  readonly labels?: readonly string[];
}

/** What an import gives: the documents it could read and one problem per thing it could not. */
export interface ImportResult {
  readonly documents: DocumentWithSpans[];
  readonly problems: ImportProblem[];
}

const RECORD_KEYS = new Set([
  'id',
  'name',
  'text',
  'spans',
  'rejected_spans',
  'meta',
  'types',
  'reviewed',
  'pages',
  'offset_unit',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Lines of a text or an iterable of lines (a stream's lines), without their line ends. */
function* linesOf(input: string | Iterable<string>): Iterable<string> {
  if (typeof input !== 'string') {
    yield* input;
    return;
  }
  let from = 0;
  while (from < input.length) {
    const nl = input.indexOf('\n', from);
    const to = nl < 0 ? input.length : nl;
    yield input.slice(from, to);
    from = to + 1;
  }
}

/**
 * Reads our JSONL (or any `{"text","spans":[{start,end,label}]}` lines: spans without a source count
 * as a person's). Every bad line or span becomes a problem with its line number; the rest imports.
 */
export function importJsonl(
  input: string | Iterable<string>,
  fileName: string,
  options: ImportOptions = {},
): ImportResult {
  const documents: DocumentWithSpans[] = [];
  const problems: ImportProblem[] = [];
  const seenIds = new Map<string, number>();
  let lineNumber = 0;
  for (const rawLine of linesOf(input)) {
    lineNumber++;
    const line = rawLine.replace(/\r$/, '');
    if (!line.trim()) continue;
    const place = { file: fileName, line: lineNumber };
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      problems.push({ ...place, message: `not JSON: ${(error as Error).message}` });
      continue;
    }
    const doc = documentOfRecord(record, place, options, problems);
    if (!doc) continue;
    const earlier = seenIds.get(doc.document.id);
    if (earlier !== undefined) {
      problems.push({
        ...place,
        message: `document id "${doc.document.id}" already on line ${earlier}; line skipped`,
      });
      continue;
    }
    seenIds.set(doc.document.id, lineNumber);
    documents.push(doc);
  }
  return { documents, problems };
}

/** Validates one parsed record; pushes problems and returns undefined when the record is unusable. */
function documentOfRecord(
  record: unknown,
  place: { file: string; line: number },
  options: ImportOptions,
  problems: ImportProblem[],
): DocumentWithSpans | undefined {
  if (!isObject(record)) {
    problems.push({ ...place, message: 'a line must be a JSON object' });
    return undefined;
  }
  const deep = deepestKey(record, MAX_NESTING);
  if (deep !== undefined) {
    // Kept, it would overflow the stack of every later export (JSON.stringify recurses).
    problems.push({
      ...place,
      message: `the field ${JSON.stringify(deep)} is nested more than ${MAX_NESTING} levels deep (the limit); line skipped`,
    });
    return undefined;
  }
  const { text } = record;
  if (typeof text !== 'string') {
    problems.push({ ...place, message: 'the record has no "text" string' });
    return undefined;
  }
  const id = typeof record.id === 'string' && record.id ? record.id : undefined;
  const stored = options.existing?.({ ...(id === undefined ? {} : { id }), text });
  if (stored && stored.text !== text) {
    problems.push({
      ...place,
      message: `the text differs from the stored document "${stored.id}"; line skipped, the stored document is unchanged`,
    });
    return undefined;
  }
  const { types, labels } = typesAndLabels(record.types, stored?.types, options.labels);

  const raw: { span: unknown; defaults: Partial<CorpusSpan> }[] = [];
  for (const [key, defaults] of [
    ['spans', { source: 'person' }],
    ['rejected_spans', { source: 'model', decision: 'rejected' }],
  ] as const) {
    const list = record[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push({ ...place, message: `"${key}" must be an array` });
      continue;
    }
    for (const span of list) raw.push({ span, defaults });
  }
  if (
    record.offset_unit !== undefined &&
    record.offset_unit !== 'codepoint' &&
    record.offset_unit !== 'utf16'
  )
    problems.push({
      ...place,
      message: `unknown "offset_unit" ${JSON.stringify(record.offset_unit)}; read as UTF-16`,
    });
  const map = record.offset_unit === 'codepoint' ? offsetMap(text) : undefined;
  const toUtf16 = (value: unknown) => (map && Number.isInteger(value) ? map.toUtf16(value as number) : value);
  const spans: CorpusSpan[] = [];
  for (const { span, defaults } of raw) {
    const read = isObject(span)
      ? readSpan(
          text,
          { ...span, start: toUtf16(span.start), end: toUtf16(span.end) } as RawSpan,
          labels,
          defaults,
        )
      : 'a span must be a JSON object';
    if (typeof read === 'string') problems.push({ ...place, message: read });
    else spans.push(read);
  }
  const kept = dropConflicts(text, spans, place, problems);

  const meta: Record<string, unknown> = isObject(record.meta) ? { ...record.meta } : {};
  // Fields of other tools' records (Prodigy's `_input_hash`, `tokens`…) are kept in meta, not lost.
  for (const [key, value] of Object.entries(record)) if (!RECORD_KEYS.has(key)) meta[key] = value;
  const fallbackId = `${place.file}:${place.line}`;
  const reviewed = typeof record.reviewed === 'boolean' ? record.reviewed : (stored?.reviewed ?? false);
  const pages = record.pages === undefined ? undefined : checkedPages(record.pages, text);
  if (typeof pages === 'string') problems.push({ ...place, message: pages });
  const document: CorpusDocument = stored
    ? { ...stored, reviewed }
    : {
        id: id ?? fallbackId,
        name: typeof record.name === 'string' && record.name ? record.name : fallbackId,
        text,
        meta,
        ...(pages && typeof pages !== 'string' ? { pages } : {}),
        types,
        status: kept.some((s) => s.source === 'model') ? 'done' : 'pending',
        reviewed,
      };
  return { document, spans: kept };
}
