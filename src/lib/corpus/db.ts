/**
 * The corpus in IndexedDB (through `idb`): one store of documents, one of spans keyed by document id.
 * Every write that belongs together is one transaction, so a crash or a full disk leaves the previous
 * state, never half a document. Nothing here knows about React or the engine.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import {
  sameTypeSet,
  type CorpusDocument,
  type CorpusSpan,
  type DocumentStatus,
} from '../../../workers/corpus/document';

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
  /** Model spans per type of the last run (for the list's counts). */
  readonly counts: Readonly<Record<string, number>>;
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

function isQuotaError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'QuotaExceededError' || /quota/i.test(error.message));
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

function countsOf(spans: readonly CorpusSpan[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const span of spans) counts[span.label] = (counts[span.label] ?? 0) + 1;
  return counts;
}

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
   * Adds documents of one file in one transaction (an id already stored is replaced, with its spans
   * removed). A full quota rejects with {@link CorpusQuotaError} naming `file`; nothing of this batch is
   * stored, everything before it is intact. Returns the summaries as stored.
   */
  async addDocuments(documents: readonly CorpusDocument[], file: string): Promise<DocumentSummary[]> {
    const tx = this.db.transaction(['documents', 'spans'], 'readwrite');
    const store = tx.objectStore('documents');
    const out: DocumentSummary[] = [];
    // Request errors surface once, through tx.done; the per-request promises must not go unhandled.
    const quiet = (request: Promise<unknown>) => void request.catch(() => undefined);
    try {
      const last = await store.index('seq').openCursor(null, 'prev');
      let seq = last ? last.value.seq + 1 : 0;
      for (const document of documents) {
        const stored: StoredDocument = {
          ...document,
          status: 'pending',
          types: [],
          seq: seq++,
          size: document.text.length,
          counts: {},
        };
        quiet(store.put(stored));
        quiet(tx.objectStore('spans').delete(document.id));
        out.push(summaryOf(stored));
      }
      await tx.done;
      return out;
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
   * never sees new spans with an old status or the reverse. Person spans already stored are kept.
   */
  async writeResults(
    id: string,
    types: readonly string[],
    modelSpans: readonly CorpusSpan[],
  ): Promise<DocumentSummary | undefined> {
    const tx = this.db.transaction(['documents', 'spans'], 'readwrite');
    const doc = await tx.objectStore('documents').get(id);
    if (!doc) {
      await tx.done;
      return undefined;
    }
    const previous = (await tx.objectStore('spans').get(id))?.spans ?? [];
    const spans = [...previous.filter((s) => s.source === 'person'), ...modelSpans];

    const { error: _old, ...rest } = doc;
    const next: StoredDocument = {
      ...rest,
      status: 'done',
      types: [...types],
      counts: countsOf(modelSpans),
    };
    await tx.objectStore('spans').put({ documentId: id, spans });
    await tx.objectStore('documents').put(next);
    await tx.done;
    return summaryOf(next);
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
    const next: StoredDocument = { ...doc, reviewed };
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
