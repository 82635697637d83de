/**
 * Label Studio tasks JSON (one array of tasks) and the labeling config for a corpus's types.
 *
 * Which spans go where:
 * - `predictions`: every model span, rejected ones included (it is what the model proposed), one
 *   prediction per model (`model_version` = the span's `model`, `score` = the mean span score), each
 *   region with its own `score`. Region ids are `m0`, `m1`… in reading order.
 * - `annotations`: one annotation holding the effective spans (a person's spans, ids `p0`…, and the
 *   model spans nobody rejected, under their prediction id), when the document is reviewed or a
 *   person worked on it (added a span or decided one). Label Studio shows such a task as labelled.
 * - `data`: `text`, and `uniner` = { id, name, meta, types, reviewed, pages?, decisions } so our own
 *   fields and the accepted/undecided difference of model spans (which Label Studio has no place for)
 *   survive the round trip.
 *
 * Offsets count Unicode code points, as Label Studio stores them (its frontend converts since
 * HumanSignal/label-studio#1559, and its Python converter slices the text by them); ours are UTF-16,
 * so both directions convert (they differ after each emoji). A UTF-16 offset inside a surrogate pair
 * moves to the pair's start.
 *
 * Import reads our export back and Label Studio's own export of it: model spans from the predictions;
 * with an annotation, a model span missing from it is `rejected`, one present keeps its recorded
 * decision (or becomes `accepted` if it was rejected before), and annotation regions that are no
 * prediction (by id, else by range and label) are a person's spans.
 */
import {
  compareSpans,
  effectiveSpans,
  type CorpusDocument,
  type CorpusSpan,
  type DocumentWithSpans,
  type ImportProblem,
  type PageRange,
  type SpanDecision,
} from '../document';
import type { ImportOptions, ImportResult } from './jsonl';
import { deepestKey, MAX_NESTING } from '../import/records';
import { offsetMap, type OffsetMap } from './code-points';
import { checkedPages, dropConflicts, readSpan, typesAndLabels } from './span-check';

/** The control and object names of our labeling config (the results' `from_name` / `to_name`). */
export const LABEL_STUDIO_FROM = 'label';
export const LABEL_STUDIO_TO = 'text';
/** `model_version` of model spans that do not name their model. */
export const UNKNOWN_MODEL = 'uniner-web';

/** One region of a Label Studio result. */
export interface LabelStudioRegion {
  readonly id: string;
  readonly from_name: string;
  readonly to_name: string;
  readonly type: 'labels';
  readonly value: {
    readonly start: number;
    readonly end: number;
    readonly text: string;
    readonly labels: string[];
  };
  readonly score?: number;
}

/** Our fields kept in a task's `data.uniner`. */
export interface LabelStudioUninerData {
  readonly id: string;
  readonly name: string;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly types: readonly string[];
  readonly reviewed: boolean;
  readonly pages?: readonly PageRange[];
  /** Prediction region id → the person's decision on that model span. */
  readonly decisions: Readonly<Record<string, SpanDecision>>;
}

/** One Label Studio task. */
export interface LabelStudioTask {
  /** 1-based position in the file: Label Studio's exports (and its converter) carry a task id. */
  readonly id: number;
  readonly data: { readonly text: string; readonly uniner: LabelStudioUninerData };
  readonly predictions: { model_version: string; score?: number; result: LabelStudioRegion[] }[];
  readonly annotations?: { result: LabelStudioRegion[]; was_cancelled: boolean; ground_truth: boolean }[];
}

function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/'/g, '&apos;');
}

/**
 * Why an entity type cannot be a label in an XML config (or a column), or undefined when it can:
 * control characters (C0, DEL, C1), line and paragraph separators, noncharacters and lone surrogates
 * are not allowed in XML 1.0 or would break a line-based format.
 */
export function entityTypeProblem(type: string): string | undefined {
  if (type.trim() === '') return 'an entity type is empty';
  for (let i = 0; i < type.length; i++) {
    const code = type.charCodeAt(i);
    const high = code >= 0xd800 && code <= 0xdbff;
    const pair = high && i + 1 < type.length && (type.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (pair) {
      i++;
      continue;
    }
    const bad =
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x2028 ||
      code === 0x2029 ||
      code === 0xfffe ||
      code === 0xffff ||
      (code >= 0xd800 && code <= 0xdfff);
    if (bad) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      const what = code >= 0xd800 && code <= 0xdfff ? 'a lone surrogate' : 'a control character';
      return `the entity type ${JSON.stringify(type)} holds ${what} (U+${hex}) at position ${i + 1}, which a labeling config (XML) cannot hold`;
    }
  }
  return undefined;
}

/**
 * The labeling config XML for these entity types (a `<Labels>` over the task's `$text`). Throws on a
 * type {@link entityTypeProblem} refuses, rather than write invalid XML.
 */
export function labelStudioConfig(types: Iterable<string>): string {
  for (const type of types) {
    const problem = entityTypeProblem(type);
    if (problem) throw new Error(problem);
  }
  const labels = [...new Set(types)].map((t) => `    <Label value="${escapeXml(t)}"/>\n`).join('');
  return (
    '<View>\n' +
    `  <Labels name="${LABEL_STUDIO_FROM}" toName="${LABEL_STUDIO_TO}">\n` +
    labels +
    '  </Labels>\n' +
    `  <Text name="${LABEL_STUDIO_TO}" value="$text"/>\n` +
    '</View>\n'
  );
}

function region(text: string, offsets: OffsetMap, span: CorpusSpan, id: string): LabelStudioRegion {
  return {
    id,
    from_name: LABEL_STUDIO_FROM,
    to_name: LABEL_STUDIO_TO,
    type: 'labels',
    value: {
      start: offsets.toCodePoints(span.start),
      end: offsets.toCodePoints(span.end),
      text: text.slice(span.start, span.end),
      labels: [span.label],
    },
    ...(span.score === undefined ? {} : { score: span.score }),
  };
}

/** The Label Studio task of one document; `id` is its 1-based position in the file. */
export function labelStudioTask({ document, spans }: DocumentWithSpans, id = 1): LabelStudioTask {
  const text = document.text;
  const offsets = offsetMap(text);
  const sorted = [...spans].sort(compareSpans);
  const ids = new Map<CorpusSpan, string>();
  let models = 0;
  let persons = 0;
  for (const span of sorted) ids.set(span, span.source === 'model' ? `m${models++}` : `p${persons++}`);

  const byModel = new Map<string, CorpusSpan[]>();
  for (const span of sorted) {
    if (span.source !== 'model') continue;
    const version = span.model ?? UNKNOWN_MODEL;
    const group = byModel.get(version);
    if (group) group.push(span);
    else byModel.set(version, [span]);
  }
  const predictions = [...byModel].map(([model_version, group]) => {
    const scores = group.flatMap((s) => (s.score === undefined ? [] : [s.score]));
    return {
      model_version,
      ...(scores.length ? { score: scores.reduce((a, b) => a + b, 0) / scores.length } : {}),
      result: group.map((s) => region(text, offsets, s, ids.get(s)!)),
    };
  });
  const decisions: Record<string, SpanDecision> = {};
  for (const span of sorted) if (span.decision) decisions[ids.get(span)!] = span.decision;
  const personWorked = persons > 0 || Object.keys(decisions).length > 0;
  const annotations =
    document.reviewed || personWorked
      ? [
          {
            result: effectiveSpans(sorted).map((s) => region(text, offsets, s, ids.get(s)!)),
            was_cancelled: false,
            ground_truth: false,
          },
        ]
      : undefined;
  return {
    id,
    data: {
      text,
      uniner: {
        id: document.id,
        name: document.name,
        meta: document.meta,
        types: document.types,
        reviewed: document.reviewed,
        ...(document.pages ? { pages: document.pages } : {}),
        decisions,
      },
    },
    predictions,
    ...(annotations ? { annotations } : {}),
  };
}

/**
 * Writes one JSON array of tasks a document at a time, for the CLI's stream: `header()`, then
 * `item(doc)` per document, then `footer()`. One task per line. The footer does not depend on what
 * came before, so a writer can keep it at the end of the file after every item (the file parses at
 * every step), and a document whose task cannot be written (item throws) takes no id and no comma:
 * the array stays valid and the task ids dense.
 */
export function labelStudioWriter(): {
  header(): string;
  item(doc: DocumentWithSpans): string;
  footer(): string;
} {
  let count = 0;
  return {
    header: () => '[',
    item: (doc) => {
      const json = JSON.stringify(labelStudioTask(doc, count + 1));
      return (count++ ? ',\n' : '\n') + json;
    },
    footer: () => '\n]\n',
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** 1-based line of each offset in `text`; `offsets` ascending, one pass over the text. */
function linesAt(text: string, offsets: readonly number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let from = 0;
  for (const offset of offsets) {
    for (let i = text.indexOf('\n', from); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
      line++;
      from = i + 1;
    }
    lines.push(line);
  }
  return lines;
}

/**
 * The offset where each element of a top-level JSON array starts, found by one scan that tracks
 * strings and nesting (JSON.parse gives no positions), so problems can name a task's line.
 */
function elementOffsets(json: string): number[] {
  const starts: number[] = [];
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
    if (expectElement && depth === 1 && c !== ']') {
      starts.push(i);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1 && c === '[') expectElement = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectElement = true;
  }
  return starts;
}

/** The result regions of one prediction or annotation, as raw spans with their region ids. */
function regionsOf(
  result: unknown,
  offsets: OffsetMap,
): { id?: string; raw: Record<string, unknown> }[] | string {
  if (!Array.isArray(result)) return '"result" must be an array';
  const out: { id?: string; raw: Record<string, unknown> }[] = [];
  for (const r of result) {
    if (!isObject(r) || !isObject(r.value)) continue;
    if (r.type !== undefined && r.type !== 'labels') continue; // other controls (choices, ratings…)
    const labels = r.value.labels;
    const raw: Record<string, unknown> = {
      start: Number.isInteger(r.value.start) ? offsets.toUtf16(r.value.start as number) : r.value.start,
      end: Number.isInteger(r.value.end) ? offsets.toUtf16(r.value.end as number) : r.value.end,
      label: Array.isArray(labels) && labels.length === 1 ? labels[0] : undefined,
      ...(r.score === undefined ? {} : { score: r.score }),
    };
    out.push({ ...(typeof r.id === 'string' ? { id: r.id } : {}), raw });
  }
  return out;
}

/**
 * Reads a Label Studio tasks export (ours, or Label Studio's JSON export of it). Each bad task or
 * region is a problem with the line where its task starts; the rest imports.
 */
export function importLabelStudio(json: string, fileName: string, options: ImportOptions = {}): ImportResult {
  const problems: ImportProblem[] = [];
  const documents: DocumentWithSpans[] = [];
  let tasks: unknown;
  try {
    tasks = JSON.parse(json);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    problems.push({
      file: fileName,
      ...(position ? { line: linesAt(json, [Number(position[1])])[0]! } : {}),
      message: `not JSON: ${message}`,
    });
    return { documents, problems };
  }
  if (!Array.isArray(tasks)) {
    problems.push({ file: fileName, line: 1, message: 'a Label Studio export is a JSON array of tasks' });
    return { documents, problems };
  }
  const lines = linesAt(json, elementOffsets(json));
  const seen = new Set<string>();
  tasks.forEach((task, index) => {
    const place = { file: fileName, line: lines[index] ?? 1 };
    const doc = documentOfTask(task, index, place, options, problems);
    if (!doc) return;
    if (seen.has(doc.document.id)) {
      problems.push({ ...place, message: `document id "${doc.document.id}" appears twice; task skipped` });
      return;
    }
    seen.add(doc.document.id);
    documents.push(doc);
  });
  return { documents, problems };
}

function documentOfTask(
  task: unknown,
  index: number,
  place: { file: string; line: number },
  options: ImportOptions,
  problems: ImportProblem[],
): DocumentWithSpans | undefined {
  const push = (message: string) => problems.push({ ...place, message: `task ${index + 1}: ${message}` });
  if (!isObject(task) || !isObject(task.data) || typeof task.data.text !== 'string') {
    push('a task needs "data": { "text": … }');
    return undefined;
  }
  const deep = deepestKey(task, MAX_NESTING);
  if (deep !== undefined) {
    push(
      `the field ${JSON.stringify(deep)} is nested more than ${MAX_NESTING} levels deep (the limit); task skipped`,
    );
    return undefined;
  }
  const text = task.data.text;
  const offsets = offsetMap(text);
  const ours = isObject(task.data.uniner) ? task.data.uniner : {};
  const taskId = typeof ours.id === 'string' && ours.id ? ours.id : undefined;
  const stored = options.existing?.({ ...(taskId === undefined ? {} : { id: taskId }), text });
  if (stored && stored.text !== text) {
    push(
      `the text differs from the stored document "${stored.id}"; task skipped, the stored document is unchanged`,
    );
    return undefined;
  }
  const { types, labels } = typesAndLabels(ours.types, stored?.types, options.labels);
  const decisions = isObject(ours.decisions) ? ours.decisions : {};

  // Model spans from the predictions, keyed by region id.
  const model: { id?: string; span: CorpusSpan }[] = [];
  const predictions = Array.isArray(task.predictions) ? task.predictions : [];
  for (const prediction of predictions) {
    if (!isObject(prediction)) {
      push('a prediction must be an object (export with predictions included, not as ids)');
      continue;
    }
    const version = typeof prediction.model_version === 'string' ? prediction.model_version : UNKNOWN_MODEL;
    const regions = regionsOf(prediction.result, offsets);
    if (typeof regions === 'string') {
      push(`prediction: ${regions}`);
      continue;
    }
    for (const { id, raw } of regions) {
      const decision = id !== undefined ? decisions[id] : undefined;
      const read = readSpan(text, raw, labels, {
        source: 'model',
        ...(version === UNKNOWN_MODEL ? {} : { model: version }),
        ...(decision === 'accepted' || decision === 'rejected' ? { decision } : {}),
      });
      if (typeof read === 'string') push(`prediction: ${read}`);
      else model.push({ ...(id === undefined ? {} : { id }), span: read });
    }
  }

  // The latest annotation a person did not cancel (by `updated_at`/`created_at`, as Label Studio's
  // converter picks, else the last listed) decides the model spans and adds the person's.
  const when = (a: Record<string, unknown>) => String(a.updated_at ?? a.created_at ?? '');
  const annotation = (Array.isArray(task.annotations) ? task.annotations : [])
    .filter((a): a is Record<string, unknown> => isObject(a) && a.was_cancelled !== true)
    .reduce<Record<string, unknown> | undefined>(
      (latest, a) => (!latest || when(a) >= when(latest) ? a : latest),
      undefined,
    );
  const persons: CorpusSpan[] = [];
  let spans: CorpusSpan[] = model.map((m) => m.span);
  if (annotation) {
    const regions = regionsOf(annotation.result, offsets);
    if (typeof regions === 'string') push(`annotation: ${regions}`);
    const kept = new Set<number>();
    // Model spans by region id and by range + label, in order: each annotation region finds its
    // prediction in constant time (a search of all predictions per region was quadratic).
    const rangeKey = (span: Pick<CorpusSpan, 'start' | 'end' | 'label'>) =>
      `${span.start}:${span.end}:${span.label}`;
    const byId = new Map<string, number[]>();
    const byRange = new Map<string, number[]>();
    for (let i = 0; i < model.length; i++) {
      const { id, span } = model[i]!;
      for (const [map, key] of [
        [byId, id],
        [byRange, rangeKey(span)],
      ] as const) {
        if (key === undefined) continue;
        const list = map.get(key);
        if (list) list.push(i);
        else map.set(key, [i]);
      }
    }
    const firstFree = (list: number[] | undefined, also: (i: number) => boolean) => {
      if (!list) return -1;
      while (list.length && kept.has(list[0]!)) list.shift();
      for (const i of list) if (!kept.has(i) && also(i)) return i;
      return -1;
    };
    for (const { id, raw } of typeof regions === 'string' ? [] : regions) {
      const read = readSpan(text, raw, labels, { source: 'person' });
      if (typeof read === 'string') {
        push(`annotation: ${read}`);
        continue;
      }
      const key = rangeKey(read);
      let match = id === undefined ? -1 : firstFree(byId.get(id), (i) => rangeKey(model[i]!.span) === key);
      if (match < 0 && !(id !== undefined && /^p\d+$/.test(id)))
        match = firstFree(byRange.get(key), () => true);
      if (match >= 0) kept.add(match);
      else persons.push(read);
    }
    spans = model.map((m, i) => {
      const { decision, ...rest } = m.span;
      if (!kept.has(i)) return { ...rest, decision: 'rejected' as const };
      return decision === 'accepted' || decision === 'rejected'
        ? { ...rest, decision: 'accepted' as const }
        : rest;
    });
  }
  const checked = dropConflicts(text, [...spans, ...persons], place, problems);

  const fallbackId = `${place.file}:${place.line}`;
  const reviewed = typeof ours.reviewed === 'boolean' ? ours.reviewed : annotation !== undefined;
  const pages = ours.pages === undefined ? undefined : checkedPages(ours.pages, text);
  if (typeof pages === 'string') push(pages);
  const document: CorpusDocument = stored
    ? { ...stored, reviewed }
    : {
        id: taskId ?? fallbackId,
        name: typeof ours.name === 'string' && ours.name ? ours.name : fallbackId,
        text,
        meta: isObject(ours.meta) ? ours.meta : {},
        ...(pages && typeof pages !== 'string' ? { pages } : {}),
        types,
        status: checked.some((s) => s.source === 'model') ? 'done' : 'pending',
        reviewed,
      };
  return { document, spans: checked };
}
