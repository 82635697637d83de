/**
 * Actions of the corpus beside the editor: open the database, import files, run and stop, open and
 * delete documents. The documents live in IndexedDB; the store mirrors only what the list shows.
 */
import { effectiveSpans, type CorpusSpan } from '../../workers/corpus/document';
import type { FoundEntity } from '../../workers/protocol';
import { CORPUS_DB_NAME, CorpusDb, storageUsage, type DocumentSummary } from '../lib/corpus/db';
import { fileSource, importFiles, type Importer } from '../lib/corpus/import-files';
import { pageImporter } from '../lib/corpus/importer';
import { CorpusRunner } from '../lib/corpus/runner';
import { useAppStore } from './app-store';
import { ensureSelectedModel, extractOptionsOf, workerEngine } from './engine-actions';
import { saveReviewsTo, storedReviewPatch } from './review-actions';
import { QUEUED, type TypeRun } from './slices/run';

const set = useAppStore.setState;
const get = useAppStore.getState;

let db: CorpusDb | null = null;
let runner: CorpusRunner | null = null;
let unsubscribeTypes: (() => void) | null = null;
let unsubscribeReviews: (() => void) | null = null;

/**
 * Opens the corpus database and loads the list. A document left `running` by a closed tab goes back to
 * `pending`; documents run for another type list than the current one are marked stale. Later changes
 * of the type list mark them too.
 */
export async function initCorpus(name: string = CORPUS_DB_NAME): Promise<void> {
  try {
    db = await CorpusDb.open(name);
  } catch (error) {
    set({
      corpusReady: false,
      corpusNotice: `The document store is unavailable in this browser (${error instanceof Error ? error.message : String(error)}); documents cannot be kept.`,
    });
    return;
  }
  await db.resetInterrupted();
  await db.markStale(get().entityTypes);
  await refreshList();
  set({ corpusReady: true });
  void refreshStorage();
  // A person's corrections of an open document are stored with it (spans keyed by document id).
  unsubscribeReviews?.();
  unsubscribeReviews = saveReviewsTo(async (id, review) => {
    const summary = await db?.saveReview(id, review.spans, review.reviewed);
    if (summary) set({ corpusDocuments: get().corpusDocuments.map((d) => (d.id === id ? summary : d)) });
  });
  unsubscribeTypes?.();
  unsubscribeTypes = useAppStore.subscribe((state, previous) => {
    if (state.entityTypes !== previous.entityTypes && !runner?.running) void markStaleAndRefresh();
  });
}

/** Closes the database (tests; a page keeps it open). */
export function closeCorpus(): void {
  unsubscribeTypes?.();
  unsubscribeTypes = null;
  unsubscribeReviews?.();
  unsubscribeReviews = null;
  runner?.stop();
  runner = null;
  db?.close();
  db = null;
}

async function refreshList(): Promise<void> {
  if (db) set({ corpusDocuments: await db.listDocuments() });
}

async function refreshStorage(): Promise<void> {
  set({ corpusStorage: await storageUsage() });
}

async function markStaleAndRefresh(): Promise<void> {
  if (!db) return;
  if ((await db.markStale(get().entityTypes)) > 0) await refreshList();
}

/** Replaces one document of the list (by id) with its new summary. */
function replaceSummary(summary: DocumentSummary): void {
  const list = get().corpusDocuments;
  const index = list.findIndex((d) => d.id === summary.id);
  if (index < 0) return;
  const next = list.slice();
  next[index] = summary;
  set({ corpusDocuments: next });
}

/** Imports dropped or picked files; stops with a message naming the file when the storage is full. */
export async function importCorpusFiles(
  files: readonly File[],
  importer: Importer = pageImporter,
): Promise<void> {
  if (!db || files.length === 0) return;
  const current = db;
  set({
    corpusImport: { file: files[0]!.name, bytesRead: 0, totalBytes: files[0]!.size, stored: 0 },
    corpusNotice: null,
  });
  let stored = 0;
  const outcome = await importFiles(files.map(fileSource), current, importer, {
    onProgress: (file, bytesRead, totalBytes) =>
      set({ corpusImport: { file, bytesRead, totalBytes, stored } }),
    onProblem: (problem) => set({ corpusProblems: [...get().corpusProblems, problem] }),
    onStored: (documents) => {
      stored += documents.length;
      // Ids already in the list were replaced by the import: drop the old entries.
      const ids = new Set(documents.map((d) => d.id));
      set({ corpusDocuments: [...get().corpusDocuments.filter((d) => !ids.has(d.id)), ...documents] });
      const progress = get().corpusImport;
      if (progress) set({ corpusImport: { ...progress, stored } });
    },
  });
  set({ corpusImport: null, ...(outcome.outcome === 'done' ? {} : { corpusNotice: outcome.message }) });
  void refreshStorage();
}

/** Clears the list of import problems. */
export function dismissImportProblems(): void {
  set({ corpusProblems: [] });
}

/**
 * Runs the current types over every document not yet run for them (pending, stale, failed), one
 * ordinary extract request each. Resolves when the run ends (finished, stopped, or failed).
 */
export async function runCorpus(): Promise<void> {
  const engine = workerEngine();
  if (!db || !engine || runner?.running) return;
  const types = [...get().entityTypes];
  if (types.length === 0) {
    set({ corpusRunError: { name: 'NoEntityTypes', message: 'Add at least one entity type.' } });
    return;
  }
  runner ??= new CorpusRunner(db, engine);
  set({ corpusRunStatus: 'running', corpusRunError: null, corpusProgress: null });
  try {
    await markStaleAndRefresh();
    if (!(await ensureSelectedModel())) {
      set({ corpusRunError: get().loadError ?? { name: 'LoadError', message: 'The model did not load.' } });
      return;
    }
    const state = get();
    const outcome = await runner.run({
      types,
      options: extractOptionsOf(state),
      model: state.loadedModel?.source ?? state.loadSource ?? 'unknown',
      prepare: ensureSelectedModel,
      onDocument: replaceSummary,
      onProgress: (progress) => set({ corpusProgress: progress }),
    });
    if (outcome.outcome === 'error') {
      // As for the editor's run: anything but a bad input may have broken the worker; reload next time.
      set({ corpusRunError: outcome.error, loadStatus: 'idle', loadedModel: null });
    }
  } finally {
    set({ corpusRunStatus: 'idle' });
    void markStaleAndRefresh();
    void refreshStorage();
  }
}

/** Stops the corpus run: the current document is interrupted and restarts next time. */
export function stopCorpus(): void {
  if (!runner?.running) return;
  set({ corpusRunStatus: 'stopping' });
  runner.stop();
}

/** One entity per distinct (type, text), with all its spans: the shape the highlighter draws. */
function entitiesBySpan(text: string, spans: readonly CorpusSpan[]): Record<string, FoundEntity[]> {
  const byType: Record<string, Map<string, { spans: { start: number; end: number }[]; score?: number }>> = {};
  for (const span of spans) {
    const entities = (byType[span.label] ??= new Map());
    const surface = text.slice(span.start, span.end);
    const entity = entities.get(surface) ?? { spans: [] };
    entity.spans.push({ start: span.start, end: span.end });
    if (span.score !== undefined) entity.score = Math.max(entity.score ?? 0, span.score);
    entities.set(surface, entity);
  }
  const out: Record<string, FoundEntity[]> = {};
  for (const [type, entities] of Object.entries(byType)) {
    out[type] = [...entities].map(([surface, e]) => ({
      text: surface,
      spans: e.spans,
      match: 'exact' as const,
      ...(e.score !== undefined ? { score: e.score } : {}),
    }));
  }
  return out;
}

/** Shows a document in the editor with its stored highlights, exactly as after a run of that passage. */
export async function openDocument(id: string): Promise<void> {
  if (!db) return;
  const document = await db.getDocument(id);
  if (!document) return;
  const stored = await db.getSpans(id);
  const spans = effectiveSpans(stored);
  const ran = document.status === 'done' || document.status === 'stale';
  const results = ran ? entitiesBySpan(document.text, spans) : {};
  const typeRuns: Record<string, TypeRun> = {};
  for (const type of ran ? document.types : []) {
    typeRuns[type] = { ...QUEUED, status: 'done', count: results[type]?.length ?? 0 };
  }
  set({
    corpusOpenId: id,
    passage: document.text,
    runPassage: document.text,
    runStatus: ran ? 'done' : 'idle',
    runRequestId: null,
    runTypes: ran ? document.types : [],
    typeRuns,
    results,
    runStats: null,
    chunkProgress: null,
    runNotice: null,
    runError: null,
    // The correction view shows every stored span (rejected ones too) and edits save back to it.
    ...storedReviewPatch(id, document.text, ran ? document.types : [], stored, document.reviewed),
  });
}

/** Deletes one document and its spans. */
export async function deleteDocument(id: string): Promise<void> {
  if (!db) return;
  await db.deleteDocument(id);
  set({
    corpusDocuments: get().corpusDocuments.filter((d) => d.id !== id),
    ...(get().corpusOpenId === id ? { corpusOpenId: null } : {}),
  });
  void refreshStorage();
}

/** Deletes every document (stops a run first). */
export async function deleteAllDocuments(): Promise<void> {
  if (!db) return;
  runner?.stop();
  await db.clear();
  set({ corpusDocuments: [], corpusOpenId: null, corpusProgress: null });
  void refreshStorage();
}

export function setCorpusFilter(filter: string): void {
  set({ corpusFilter: filter });
}
