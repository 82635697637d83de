/** Pure helpers of the document list: filtering and the figures it shows. */
import type { DocumentStatus } from '../../../workers/corpus/document';
import type { DocumentSummary } from './db';

const STATUSES: readonly DocumentStatus[] = ['pending', 'running', 'done', 'failed', 'stale'];

/** What the list shows for a status (the person reads "not run", the data model says `pending`). */
export const STATUS_LABEL: Readonly<Record<DocumentStatus, string>> = {
  pending: 'not run',
  running: 'running',
  done: 'done',
  failed: 'failed',
  stale: 'stale',
};

/**
 * The documents a filter keeps: every word must match the name, or a status (`done`, `not run`,
 * `failed`...) written as `status:done`, or a type that has spans written as `type:person`.
 */
export function filterDocuments(
  documents: readonly DocumentSummary[],
  filter: string,
): readonly DocumentSummary[] {
  const terms = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return documents;
  return documents.filter((doc) =>
    terms.every((term) => {
      if (term.startsWith('status:')) {
        const wanted = term.slice(7);
        const status = STATUSES.find((s) => s === wanted || STATUS_LABEL[s].replace(' ', '-') === wanted);
        return status !== undefined && doc.status === status;
      }
      if (term.startsWith('type:')) {
        const wanted = term.slice(5);
        return Object.entries(doc.counts).some(([type, n]) => n > 0 && type.toLowerCase().includes(wanted));
      }
      return doc.name.toLowerCase().includes(term);
    }),
  );
}

/**
 * The list's status filter: every document, or one state. `done` is run and not reviewed yet (what is
 * left to review), `reviewed` is marked reviewed by a person (whatever its run status).
 */
export type StatusFilter = 'all' | 'pending' | 'done' | 'reviewed' | 'failed' | 'stale';

/** The filters in the order the page offers them, with what the person reads. */
export const STATUS_FILTERS: readonly { readonly value: StatusFilter; readonly label: string }[] = [
  { value: 'all', label: 'all' },
  { value: 'pending', label: 'not run' },
  { value: 'done', label: 'to review' },
  { value: 'reviewed', label: 'reviewed' },
  { value: 'failed', label: 'failed' },
  { value: 'stale', label: 'stale' },
];

/** Whether a document passes a status filter. */
export function matchesStatus(
  doc: Pick<DocumentSummary, 'status' | 'reviewed'>,
  filter: StatusFilter,
): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'reviewed':
      return doc.reviewed;
    case 'done':
      return doc.status === 'done' && !doc.reviewed;
    case 'pending':
      return doc.status === 'pending' || doc.status === 'running';
    default:
      return doc.status === filter;
  }
}

/** The documents the list shows: the status filter, then the text filter. */
export function visibleDocuments(
  documents: readonly DocumentSummary[],
  status: StatusFilter,
  filter: string,
): readonly DocumentSummary[] {
  const byStatus = status === 'all' ? documents : documents.filter((doc) => matchesStatus(doc, status));
  return filterDocuments(byStatus, filter);
}

/** How many documents each status filter holds (the counts on the filter buttons). */
export function countByFilter(documents: readonly DocumentSummary[]): Record<StatusFilter, number> {
  const out: Record<StatusFilter, number> = { all: 0, pending: 0, done: 0, reviewed: 0, failed: 0, stale: 0 };
  for (const doc of documents)
    for (const { value } of STATUS_FILTERS) if (matchesStatus(doc, value)) out[value]++;
  return out;
}

/**
 * The document `step` places from `currentId` in `list` (next: +1, previous: -1), stopping at the ends;
 * the first (or last) when the open document is not in the list. Undefined when there is none.
 */
export function stepFrom(
  list: readonly DocumentSummary[],
  currentId: string | null,
  step: 1 | -1,
): DocumentSummary | undefined {
  const at = currentId === null ? -1 : list.findIndex((doc) => doc.id === currentId);
  if (at < 0) return step === 1 ? list[0] : list[list.length - 1];
  return list[at + step];
}

/** The next document after `currentId` in `list` (wrapping round) that `want` accepts, never the open one. */
export function nextMatching(
  list: readonly DocumentSummary[],
  currentId: string | null,
  want: (doc: DocumentSummary) => boolean,
): DocumentSummary | undefined {
  const at = currentId === null ? -1 : list.findIndex((doc) => doc.id === currentId);
  for (let n = 1; n <= list.length; n++) {
    const doc = list[(at + n + list.length) % list.length]!;
    if (doc.id !== currentId && want(doc)) return doc;
  }
  return undefined;
}

/** "1 h 5 min", "4 min 10 s", "12 s". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Documents per status, for the summary line. */
export function countByStatus(documents: readonly DocumentSummary[]): Record<DocumentStatus, number> {
  const out: Record<DocumentStatus, number> = { pending: 0, running: 0, done: 0, failed: 0, stale: 0 };
  for (const doc of documents) out[doc.status]++;
  return out;
}
