/**
 * The corpus in IndexedDB (through `idb`): one store of documents, one of spans keyed by document id.
 * Every write that belongs together is one transaction, so a crash or a full disk leaves the previous
 * state, never half a document. Nothing here knows about React or the engine.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import {
  effectiveSpans,
  sameTypeSet,
  type CorpusDocument,
  type CorpusSpan,
  type DocumentStatus,
} from '../../../workers/corpus/document';
import {
  DEFAULT_STORED_ID_POLICY,
  fileOfName,
  IdAssigner,
  needsQuestion,
  storedIdAction,
  type StoredIdPolicy,
} from '../../../workers/corpus/ids';
import { mergeRerun } from '../../../workers/corpus/rerun';

/** The database name the page uses (tests pass their own). */
export const CORPUS_DB_NAME = 'uniner-corpus';

/** The schema version; {@link upgradeCorpusDb} walks every older version up to it. */
export const CORPUS_DB_VERSION = 1;

/** A stored document: the document plus what the list shows without loading spans. */
export interface StoredDocument extends CorpusDocument {
  /** Import order (the list's order). */
  readonly seq: number;
  /** Size of the text in UTF-16 code units (what the list shows as size). */
  readonly size: number;
  /** Spans per type that count (person spans and model spans not rejected), for the list's counts. */
  readonly counts: Readonly<Record<string, number>>;
  /** The file it was imported from (documents stored before this field: read from `name`). */
  readonly file?: string;
}

/** The file a stored document came from. */
export function fileOfDocument(doc: Pick<StoredDocument, 'file' | 'name'>): string {
  return doc.file ?? fileOfName(doc.name);
}

/**
 * A document to import; `spans` when it comes from an export of ours (its status, types and reviewed
 * flag are then kept as the file says).
 */
export type ImportedDocument = CorpusDocument & { readonly spans?: readonly CorpusSpan[] };

/** What one import batch did with its documents. */
export interface ImportBatchResult {
  /** Summaries of the documents written (new, renamed or replaced), in input order. */
  readonly stored: DocumentSummary[];
  /** Ids of stored documents that were overwritten (the list drops their old entries). */
  readonly replaced: readonly string[];
  /** Documents not imported because their id is stored and the person chose to skip those. */
  readonly skipped: number;
  /** Of those, documents kept because they are reviewed (a `replace` never touches them). */
  readonly skippedReviewed: number;
  /** Documents imported under a new id (`<file>#<id>`): another file's id, or "keep both". */
  readonly renamed: number;
}

/** How many documents of a batch re-import ids of the same file already stored (the question to ask). */
export interface StoredConflicts {
  readonly count: number;
  /** Of those, how many stored documents are reviewed. */
  readonly reviewed: number;
}

/** What the document list holds per document: everything but the text. */
export type DocumentSummary = Omit<StoredDocument, 'text' | 'meta' | 'pages'>;

interface CorpusSchema extends DBSchema {
  documents: { key: string; value: StoredDocument; indexes: { seq: number } };
  spans: { key: string; value: { readonly documentId: string; readonly spans: readonly CorpusSpan[] } };
}

/** Thrown when the browser refuses a write because the site's storage quota is reached. */
export class CorpusQuotaError extends Error {
  override readonly name = 'CorpusQuotaError';
  constructor(readonly file: string) {
    super(
      `Storage is full: the import of ${file} stopped. Everything imported before it is kept; delete documents or free space, then import ${file} again.`,
    );
  }
}

/** Thrown when a run's results cannot be stored because the quota is reached: the document is unchanged. */
export class ResultsQuotaError extends Error {
  override readonly name = 'ResultsQuotaError';
  constructor(readonly documentName: string) {
    super(
      `Storage is full: the results of ${documentName} could not be stored. Its earlier results and review are unchanged; delete documents or free space, then run again.`,
    );
  }
}

function isQuotaError(error: unknown): boolean {
  // A DOMException from another realm (a test's DOM, a worker) is not `instanceof Error`: read its fields.
  if (!error || typeof error !== 'object') return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return name === 'QuotaExceededError' || (typeof message === 'string' && /quota/i.test(message));
}

/** Creates or migrates the stores. Each step takes one version to the next, so any old database opens. */
export function upgradeCorpusDb(db: IDBPDatabase<CorpusSchema>, oldVersion: number): void {
  if (oldVersion < 1) {
    const documents = db.createObjectStore('documents', { keyPath: 'id' });
    documents.createIndex('seq', 'seq');
    db.createObjectStore('spans', { keyPath: 'documentId' });
  }
  // Version 2 and later: add `if (oldVersion < 2) { ... }` here; never edit a step that shipped.
}

function summaryOf(doc: StoredDocument): DocumentSummary {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { text, meta, pages, ...summary } = doc;
  return summary;
}

/** Spans per type that count: person spans and model spans a person did not reject. */
export function countsOf(spans: readonly CorpusSpan[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const span of effectiveSpans(spans)) counts[span.label] = (counts[span.label] ?? 0) + 1;
  return counts;
}

/** A request's rejection surfaces once, through `tx.done`: the per-request promise must not go unhandled. */
const quiet = (request: Promise<unknown>) => void request.catch(() => undefined);

/** The corpus database of one origin. */
export class CorpusDb {
  private constructor(private readonly db: IDBPDatabase<CorpusSchema>) {}

  /** Opens (creating or upgrading) the database. */
  static async open(name: string = CORPUS_DB_NAME): Promise<CorpusDb> {
    const db = await openDB<CorpusSchema>(name, CORPUS_DB_VERSION, {
      upgrade: (database, oldVersion) => upgradeCorpusDb(database, oldVersion),
    });
    return new CorpusDb(db);
  }

  close(): void {
    this.db.close();
  }

  /**
   * Adds documents of one file in one transaction. Ids already stored follow the one id rule
   * (`workers/corpus/ids.ts`): a document of another file is kept beside the stored one under
   * `<file>#<id>`; a re-import of the same file follows `policy` (default: skip, so nothing stored
   * changes). `assigner` carries the ids of earlier batches and files of the same import. A full quota
   * rejects with {@link CorpusQuotaError} naming `file`; nothing of this batch is stored, everything
   * before it is intact.
   */
  async addDocuments(
    documents: readonly ImportedDocument[],
    file: string,
    policy: StoredIdPolicy = DEFAULT_STORED_ID_POLICY,
    assigner: IdAssigner = new IdAssigner(),
  ): Promise<ImportBatchResult> {
    const tx = this.db.transaction(['documents', 'spans'], 'readwrite');
    const store = tx.objectStore('documents');
    const spans = tx.objectStore('spans');
    const stored: DocumentSummary[] = [];
    const replaced: string[] = [];
    let skipped = 0;
    let skippedReviewed = 0;
    let renamed = 0;
    try {
      const last = await store.index('seq').openCursor(null, 'prev');
      let seq = last ? last.value.seq + 1 : 0;
      /** A free id for a document that cannot keep its own: the assigner's rule, checked against the store. */
      const freeId = async (id: string): Promise<string> => {
        for (;;) {
          const candidate = assigner.assign(file, id);
          if ((await store.getKey(candidate)) === undefined) return candidate;
        }
      };
      for (const { spans: imported, ...document } of documents) {
        const fresh = (id: string, at = seq++): StoredDocument => {
          if (imported) quiet(spans.put({ documentId: id, spans: [...imported] }));
          return {
            ...document,
            id,
            ...(imported ? {} : { status: 'pending' as const, types: [], reviewed: false }),
            seq: at,
            size: document.text.length,
            counts: imported ? countsOf(imported) : {},
            file,
          };
        };
        // An id an earlier file (or record) of this import used: renamed by file, no question.
        const existing = assigner.has(document.id) ? undefined : await store.get(document.id);
        let next: StoredDocument;
        if (assigner.has(document.id)) {
          next = fresh(await freeId(document.id));
          renamed++;
        } else if (!existing) {
          next = fresh(assigner.assign(file, document.id));
        } else {
          const action = storedIdAction(
            { file: fileOfDocument(existing), text: existing.text, reviewed: existing.reviewed },
            file,
            document.text,
            policy,
          );
          if (action.kind === 'skip') {
            assigner.reserve(document.id);
            skipped++;
            if (existing.reviewed) skippedReviewed++;
            continue;
          }
          if (action.kind === 'rename') {
            assigner.reserve(document.id);
            next = fresh(await freeId(document.id));
            renamed++;
          } else {
            assigner.reserve(document.id);
            replaced.push(document.id);
            if (action.keepSpans) {
              // Same text: the offsets still hold, so spans, decisions, status and review stay.
              const { pages: _pages, ...rest } = existing;
              next = {
                ...rest,
                name: document.name,
                meta: document.meta,
                ...(document.pages ? { pages: document.pages } : {}),
                file,
              };
            } else {
              if (!imported) quiet(spans.delete(document.id));
              next = fresh(document.id, existing.seq);
            }
          }
        }
        quiet(store.put(next));
        stored.push(summaryOf(next));
      }
      await tx.done;
      return { stored, replaced, skipped, skippedReviewed, renamed };
    } catch (error) {
      // A request that threw at once leaves the transaction open: abort it so none of this batch lands.
      try {
        tx.abort();
      } catch {
        // Already aborted by the failed request.
      }
      quiet(tx.done);
      if (isQuotaError(error)) throw new CorpusQuotaError(file);
      throw error;
    }
  }

  /**
   * How many documents of a batch re-import, from the same file, an id already stored (and how many
   * of those stored documents are reviewed): read-only, so the page can ask once before writing.
   * Ids `assigner` already handed out this import are not counted (they are renamed by file).
   */
  async storedConflicts(
    documents: readonly CorpusDocument[],
    file: string,
    assigner?: IdAssigner,
  ): Promise<StoredConflicts> {
    const tx = this.db.transaction('documents');
    let count = 0;
    let reviewed = 0;
    const found = await Promise.all(
      documents.map((doc) => (assigner?.has(doc.id) ? undefined : tx.store.get(doc.id))),
    );
    await tx.done;
    for (const existing of found) {
      if (!existing || !needsQuestion({ file: fileOfDocument(existing) }, file)) continue;
      count++;
      if (existing.reviewed) reviewed++;
    }
    return { count, reviewed };
  }

  /**
   * Documents with their spans in import order, `batch` at a time, each batch read in one
   * transaction (an export reads the corpus without holding it all). `keep` picks documents by summary.
   */
  async *documentsWithSpans(
    keep: (doc: DocumentSummary) => boolean = () => true,
    batch = 100,
  ): AsyncGenerator<{ document: StoredDocument; spans: readonly CorpusSpan[] }[]> {
    let after: number | undefined;
    for (;;) {
      const tx = this.db.transaction(['documents', 'spans']);
      const index = tx.objectStore('documents').index('seq');
      const out: { document: StoredDocument; spans: readonly CorpusSpan[] }[] = [];
      let cursor = await index.openCursor(after === undefined ? null : IDBKeyRange.lowerBound(after, true));
      let last: number | undefined;
      while (cursor && out.length < batch) {
        last = cursor.value.seq;
        if (keep(summaryOf(cursor.value))) {
          const spans = (await tx.objectStore('spans').get(cursor.value.id))?.spans ?? [];
          out.push({ document: cursor.value, spans });
        }
        cursor = await cursor.continue();
      }
      const more = cursor !== null;
      await tx.done;
      if (out.length > 0) yield out;
      if (!more || last === undefined) return;
      after = last;
    }
  }

  /** Every document without its text, in import order. */
  async listDocuments(): Promise<DocumentSummary[]> {
    const out: DocumentSummary[] = [];
    let cursor = await this.db.transaction('documents').store.index('seq').openCursor();
    while (cursor) {
      out.push(summaryOf(cursor.value));
      cursor = await cursor.continue();
    }
    return out;
  }

  async getDocument(id: string): Promise<StoredDocument | undefined> {
    return this.db.get('documents', id);
  }

  async getSpans(id: string): Promise<readonly CorpusSpan[]> {
    return (await this.db.get('spans', id))?.spans ?? [];
  }

  /** Sets a document's status (and error); returns the new summary, or undefined when it is gone. */
  async setStatus(id: string, status: DocumentStatus, error?: string): Promise<DocumentSummary | undefined> {
    const tx = this.db.transaction('documents', 'readwrite');
    const doc = await tx.store.get(id);
    if (!doc) {
      await tx.done;
      return undefined;
    }
    const { error: _old, ...rest } = doc;
    const next: StoredDocument = { ...rest, status, ...(error !== undefined ? { error } : {}) };
    await tx.store.put(next);
    await tx.done;
    return summaryOf(next);
  }

  /**
   * Stores one run's results: the spans, the types asked, status `done`: ONE transaction, so a reader
   * never sees new spans with an old status or the reverse. The new model spans are merged into the
   * stored ones by `mergeRerun` (workers/corpus/rerun.ts): every person span and decision stays. Returns
   * undefined when the document was deleted meanwhile (nothing written). A full quota rejects with
   * {@link ResultsQuotaError}; the document is then exactly as before.
   */
  async writeResults(
    id: string,
    types: readonly string[],
    modelSpans: readonly CorpusSpan[],
  ): Promise<DocumentSummary | undefined> {
    const tx = this.db.transaction(['documents', 'spans'], 'readwrite');
    let name = id;
    try {
      const doc = await tx.objectStore('documents').get(id);
      if (!doc) {
        await tx.done;
        return undefined;
      }
      name = doc.name;
      const previous = (await tx.objectStore('spans').get(id))?.spans ?? [];
      const merged = mergeRerun(previous, modelSpans, doc.reviewed);

      const { error: _old, ...rest } = doc;
      const next: StoredDocument = {
        ...rest,
        status: 'done',
        types: [...types],
        reviewed: merged.reviewed,
        counts: countsOf(merged.spans),
      };
      quiet(tx.objectStore('spans').put({ documentId: id, spans: merged.spans }));
      quiet(tx.objectStore('documents').put(next));
      await tx.done;
      return summaryOf(next);
    } catch (error) {
      try {
        tx.abort();
      } catch {
        // Already aborted by the failed request.
      }
      quiet(tx.done);
      if (isQuotaError(error)) throw new ResultsQuotaError(name);
      throw error;
    }
  }

  /**
   * Stores a person's review of a document (page correction): all its spans, with sources and
   * decisions, and the reviewed flag, in ONE transaction. Returns the new summary, or undefined when
   * the document is gone.
   */
  async saveReview(
    id: string,
    spans: readonly CorpusSpan[],
    reviewed: boolean,
  ): Promise<DocumentSummary | undefined> {
    const tx = this.db.transaction(['documents', 'spans'], 'readwrite');
    const doc = await tx.objectStore('documents').get(id);
    if (!doc) {
      await tx.done;
      return undefined;
    }
    const next: StoredDocument = { ...doc, reviewed, counts: countsOf(spans) };
    await tx.objectStore('spans').put({ documentId: id, spans: [...spans] });
    await tx.objectStore('documents').put(next);
    await tx.done;
    return summaryOf(next);
  }

  /**
   * After a reload: a document left `running` (the tab closed mid-run) goes back to `pending`, so the
   * next run restarts it. Returns how many were reset.
   */
  async resetInterrupted(): Promise<number> {
    return this.updateWhere((doc) => (doc.status === 'running' ? { ...doc, status: 'pending' } : null));
  }

  /**
   * The type list changed: documents run for another set become `stale` (their results are kept, not
   * mixed with new ones); stale documents whose types match again are `done` again. Returns the count changed.
   */
  async markStale(currentTypes: readonly string[]): Promise<number> {
    return this.updateWhere((doc) => {
      if (doc.status === 'done' && !sameTypeSet(doc.types, currentTypes)) return { ...doc, status: 'stale' };
      if (doc.status === 'stale' && sameTypeSet(doc.types, currentTypes)) return { ...doc, status: 'done' };
      return null;
    });
  }

  private async updateWhere(change: (doc: StoredDocument) => StoredDocument | null): Promise<number> {
    const tx = this.db.transaction('documents', 'readwrite');
    let changed = 0;
    let cursor = await tx.store.openCursor();
    while (cursor) {
      const next = change(cursor.value);
      if (next) {
        changed++;
        await cursor.update(next);
      }
      cursor = await cursor.continue();
    }
    await tx.done;
    return changed;
  }

  /** Deletes one document and its spans (one transaction). */
  async deleteDocument(id: string): Promise<void> {
    const tx = this.db.transaction(['documents', 'spans'], 'readwrite');
    await Promise.all([tx.objectStore('documents').delete(id), tx.objectStore('spans').delete(id), tx.done]);
  }

  /** Whether a document is stored (a run checks before writing; a deleted one gets a message). */
  async has(id: string): Promise<boolean> {
    return (await this.db.getKey('documents', id)) !== undefined;
  }

  /** Deletes every document and span. */
  async clear(): Promise<void> {
    const tx = this.db.transaction(['documents', 'spans'], 'readwrite');
    await Promise.all([tx.objectStore('documents').clear(), tx.objectStore('spans').clear(), tx.done]);
  }
}

/** Bytes this origin stores (documents, spans, and cached models alike), or null where the browser does not say. */
export async function storageUsage(): Promise<{ usage: number; quota: number } | null> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  const estimate = await storage?.estimate?.().catch(() => undefined);
  if (!estimate || estimate.usage === undefined || estimate.quota === undefined) return null;
  return { usage: estimate.usage, quota: estimate.quota };
}
