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
