/**
 * The corpus data model: one shape for documents and their spans, shared by the page (IndexedDB,
 * the document list, correction), the CLI (`npm run extract -- --input`) and every import/export
 * format. Pure: no DOM, no Node, no transformers.js, so `src/` may import it (see eslint.config.js).
 *
 * Offsets are UTF-16 code units into `CorpusDocument.text`, half-open `[start, end)`, as everywhere
 * else in the app. A person's edit never changes a model span in place: it adds a `person` span or
 * records a `decision` on the model span, so an export can tell what a human reviewed from a guess.
 */
import type { FoundEntity } from '../protocol';

/** Who proposed a span. */
export type SpanSource = 'model' | 'person';

/** A person's verdict on a model span. Person spans are accepted by construction and carry none. */
export type SpanDecision = 'accepted' | 'rejected';

/** One labelled range of a document's text. */
export interface CorpusSpan {
  readonly start: number;
  readonly end: number;
  /** The entity type, exactly as asked ("person", "programming language"). */
  readonly label: string;
  readonly source: SpanSource;
  /** The model's confidence 0..1 (model spans only, when the engine gave one). */
  readonly score?: number;
  /** Which model proposed it (model spans only): the loaded model's source string. */
  readonly model?: string;
  /** A person's verdict on a model span; absent = not reviewed yet. */
  readonly decision?: SpanDecision;
}

/** Where a document's text came from a PDF: `text.slice(start, end)` is page `page` (1-based). */
export interface PageRange {
  readonly start: number;
  readonly end: number;
  readonly page: number;
}

/**
 * Where a document is in its life:
 * - `pending`: imported, not run yet;
 * - `running`: the corpus run is on it now (a reload finds it `running` and restarts it);
 * - `done`: every type of `types` was answered;
 * - `failed`: the run ended in an error (`error` says which);
 * - `stale`: it was run, but for another type list than the current one (results kept, not mixed).
 */
export type DocumentStatus = 'pending' | 'running' | 'done' | 'failed' | 'stale';

/** One document of a corpus. */
export interface CorpusDocument {
  /** Stable id: the record's own `id` field where the input has one, else `<file name>:<line>` or the file name. */
  readonly id: string;
  /** What the list shows: the file name, plus the line or row for multi-document files. */
  readonly name: string;
  readonly text: string;
  /** Every other field of the input record (JSONL keys, CSV columns), kept for export. */
  readonly meta: Readonly<Record<string, unknown>>;
  /** PDFs only: which page each part of `text` came from (pages are joined with "\n"). */
  readonly pages?: readonly PageRange[];
  /** The entity types the stored model spans were extracted for (empty before the first run). */
  readonly types: readonly string[];
  readonly status: DocumentStatus;
  /** True only when a person marked the document reviewed. */
  readonly reviewed: boolean;
  /** Why the last run failed (`status: 'failed'`). */
  readonly error?: string;
}

/** A document together with its spans: the unit of every export and import. */
export interface DocumentWithSpans {
  readonly document: CorpusDocument;
  readonly spans: readonly CorpusSpan[];
}

/** Something wrong with one record of an input file: the rest of the file still imports. */
export interface ImportProblem {
  /** The input file's name. */
  readonly file: string;
  /** 1-based line (JSONL, CoNLL, exports) or row (CSV, counting the header as row 1). */
  readonly line?: number;
  /** 1-based PDF page. */
  readonly page?: number;
  readonly message: string;
}

/** The page of a PDF document that holds `offset`, or undefined for documents without pages. */
export function pageAt(document: Pick<CorpusDocument, 'pages'>, offset: number): number | undefined {
  const pages = document.pages;
  if (!pages) return undefined;
  for (const range of pages) if (offset >= range.start && offset < range.end) return range.page;
  // An offset at the very end (an empty span after the last character) belongs to the last page.
  const last = pages[pages.length - 1];
  return last && offset === last.end ? last.page : undefined;
}

/**
 * The model spans of one answered entity type: one span per occurrence of each string, the
 * highest score where two strings land on the same range (tolerant matching).
 */
export function modelSpansFromEntities(
  label: string,
  entities: readonly FoundEntity[],
  model: string,
): CorpusSpan[] {
  const byRange = new Map<string, CorpusSpan>();
  for (const entity of entities) {
    for (const { start, end } of entity.spans) {
      const key = `${start}:${end}`;
      const seen = byRange.get(key);
      const score = Math.max(seen?.score ?? -Infinity, entity.score ?? -Infinity);
      byRange.set(key, {
        start,
        end,
        label,
        source: 'model',
        model,
        ...(score === -Infinity ? {} : { score }),
      });
    }
  }
  return [...byRange.values()].sort(compareSpans);
}

/** Reading order: start, then end, then label. */
export function compareSpans(a: CorpusSpan, b: CorpusSpan): number {
  return a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}

/**
 * The spans a reviewed export counts as true: person spans and model spans a person did not reject.
 * (`accepted` and undecided model spans both stay; only the document's `reviewed` flag says whether a
 * person looked at all.)
 */
export function effectiveSpans(spans: readonly CorpusSpan[]): CorpusSpan[] {
  return spans.filter((span) => span.source === 'person' || span.decision !== 'rejected').sort(compareSpans);
}

/** Two type lists name the same question set (order and duplicates do not matter). */
export function sameTypeSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  if (left.size !== right.size) return false;
  for (const type of left) if (!right.has(type)) return false;
  return true;
}
