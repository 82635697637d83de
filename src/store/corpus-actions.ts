/**
 * Actions of the corpus beside the editor: open the database, import files, run and stop, open and
 * delete documents. The documents live in IndexedDB; the store mirrors only what the list shows.
 */
import { effectiveSpans } from '../../workers/corpus/document';
import { CORPUS_DB_NAME, CorpusDb, storageUsage, type DocumentSummary } from '../lib/corpus/db';
import { DEFAULT_STORED_ID_POLICY, type StoredIdPolicy } from '../../workers/corpus/ids';
import { labelStudioConfig, type ExportFormat } from '../../workers/corpus/formats';
import {
  BlobSink,
  exportCorpus,
  exportFileName,
  FileSink,
  FORMAT_LABEL,
  FORMAT_MIME,
  type ExportScope,
  type ExportSink,
  type WritableFile,
} from '../lib/corpus/export';
import {
  formatDuration,
  nextMatching,
  stepFrom,
  visibleDocuments,
  type StatusFilter,
} from '../lib/corpus/list-view';
import { downloadBlob, downloadText } from '../lib/download';
import { entitiesBySpan } from '../lib/review/review-results';
import { fileSource, importFiles, type Importer, type ImportTally } from '../lib/corpus/import-files';
import { pageImporter } from '../lib/corpus/importer';
import { CorpusRunner, type CorpusRunProgress } from '../lib/corpus/runner';
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

let answerStoredIds: ((policy: StoredIdPolicy) => void) | null = null;

/** The person's answer to "these ids are already stored" (the dialog); closing it answers the default. */
export function answerStoredIdQuestion(policy: StoredIdPolicy = DEFAULT_STORED_ID_POLICY): void {
  const answer = answerStoredIds;
  answerStoredIds = null;
  set({ corpusImportQuestion: null });
  answer?.(policy);
}

/** One sentence on what an import did with ids already stored, or null when it met none. */
export function importSummary(tally: ImportTally): string | null {
  const parts: string[] = [];
  const docs = (n: number) => `${n.toLocaleString('en-US')} document${n === 1 ? '' : 's'}`;
  if (tally.skipped > 0)
    parts.push(
      `${docs(tally.skipped)} already stored kept as they were${
        tally.skippedReviewed > 0 ? ` (${tally.skippedReviewed.toLocaleString('en-US')} reviewed)` : ''
      }`,
    );
  if (tally.replaced > 0) parts.push(`${docs(tally.replaced)} updated from the file`);
  if (tally.renamed > 0) parts.push(`${docs(tally.renamed)} imported under a new id ("<file>#<id>")`);
  return parts.length > 0 ? `Import: ${parts.join('; ')}.` : null;
}

/**
 * Imports dropped or picked files; stops with a message naming the file when the storage is full.
 * When a file brings ids already stored from the same file (a re-import), the page asks once what to
 * do with them (`corpusImportQuestion`); another file's ids are kept beside under `<file>#<id>`.
 */
export async function importCorpusFiles(
  files: readonly File[],
  importer: Importer = pageImporter,
): Promise<void> {
  if (!db || files.length === 0) return;
  const current = db;
  set({
    corpusImport: { file: files[0]!.name, bytesRead: 0, totalBytes: files[0]!.size, stored: 0 },
    corpusNotice: null,
    corpusImportSummary: null,
  });
  let stored = 0;
  const outcome = await importFiles(files.map(fileSource), current, importer, {
    onProgress: (file, bytesRead, totalBytes) =>
      set({ corpusImport: { file, bytesRead, totalBytes, stored } }),
    onProblem: (problem) => set({ corpusProblems: [...get().corpusProblems, problem] }),
    onStored: (result) => {
      stored += result.stored.length;
      // Replaced documents keep their place in the list; new ones go to the end.
      const byId = new Map(result.stored.map((d) => [d.id, d]));
      const kept = get().corpusDocuments.map((d) => byId.get(d.id) ?? d);
      const known = new Set(kept.map((d) => d.id));
      set({ corpusDocuments: [...kept, ...result.stored.filter((d) => !known.has(d.id))] });
      const progress = get().corpusImport;
      if (progress) set({ corpusImport: { ...progress, stored } });
    },
    askStoredIds: (question) =>
      new Promise<StoredIdPolicy>((resolve) => {
        answerStoredIds = resolve;
        set({ corpusImportQuestion: question });
      }),
  });
  set({
    corpusImport: null,
    corpusImportSummary: importSummary(outcome.tally),
    ...(outcome.outcome === 'done' ? {} : { corpusNotice: outcome.message }),
  });
  // The open document may have been updated from the file: show it as stored now.
  const open = get().corpusOpenId;
  if (open && outcome.tally.replaced > 0) void openDocument(open);
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
  set({ corpusRunStatus: 'running', corpusRunError: null, corpusProgress: null, corpusRunSummary: null });
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
  } catch (error) {
    // A write the run could not make (a full disk while marking a document): say so, keep the rest.
    set({
      corpusRunError: {
        name: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
      },
    });
  } finally {
    set({ corpusRunStatus: 'idle', corpusRunSummary: runSummary(get().corpusProgress) });
    void markStaleAndRefresh();
    void refreshStorage();
    // The line gets out of the way: the list shows each document's result.
    const shown = get().corpusRunSummary;
    if (shown !== null)
      setTimeout(() => {
        if (get().corpusRunSummary === shown) set({ corpusRunSummary: null });
      }, RUN_SUMMARY_MS);
  }
}

/** How long "Finished N documents in T" stays after a run. */
const RUN_SUMMARY_MS = 10_000;

/** The line a finished or stopped run leaves, or null when it ran nothing. */
function runSummary(progress: CorpusRunProgress | null): string | null {
  if (!progress || progress.total === 0) return null;
  const took = formatDuration(progress.elapsedMs);
  const documents = (n: number) => `${n} document${n === 1 ? '' : 's'}`;
  return progress.finished >= progress.total
    ? `Finished ${documents(progress.finished)} in ${took}`
    : `Stopped after ${progress.finished} of ${documents(progress.total)} (${took})`;
}

/** Stops the corpus run: the current document is interrupted and restarts next time. */
export function stopCorpus(): void {
  if (!runner?.running) return;
  set({ corpusRunStatus: 'stopping' });
  runner.stop();
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
  const running = runner?.running && get().corpusProgress?.currentId === id;
  const name = get().corpusDocuments.find((d) => d.id === id)?.name ?? id;
  await db.deleteDocument(id);
  set({
    ...(running
      ? { corpusNotice: `${name} was deleted while it ran: its results are dropped, the run goes on.` }
      : {}),
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

/** The File System Access API's save picker, where the browser has it (Chromium). */
type SavePicker = (options: {
  suggestedName: string;
  types?: { description: string; accept: Record<string, string[]> }[];
}) => Promise<{ createWritable(): Promise<WritableFile> }>;

function savePicker(): SavePicker | undefined {
  const picker = (window as unknown as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
  return typeof picker === 'function' ? picker.bind(window) : undefined;
}

/** Keeps a closing tab from silently cutting an export short: the browser asks first. */
function holdTabWhile<T>(work: Promise<T>): Promise<T> {
  const ask = (event: BeforeUnloadEvent) => {
    event.preventDefault();
  };
  window.addEventListener('beforeunload', ask);
  return work.finally(() => window.removeEventListener('beforeunload', ask));
}

/** Which documents an export scope takes, by summary (the filtered list as the page shows it now). */
export function exportKeep(scope: ExportScope): (doc: DocumentSummary) => boolean {
  if (scope === 'reviewed') return (doc) => doc.reviewed;
  if (scope === 'all') return () => true;
  const state = get();
  const ids = new Set(
    visibleDocuments(state.corpusDocuments, state.corpusStatusFilter, state.corpusFilter).map((d) => d.id),
  );
  return (doc) => ids.has(doc.id);
}

/**
 * Exports the corpus (all documents, the reviewed ones, or the filtered list) in `format`. Where the
 * browser can write a file as it goes (`showSaveFilePicker`), the person picks it first (this must run
 * straight from the click); elsewhere the file is assembled as a Blob from its parts and downloaded.
 */
export async function exportCorpusFile(format: ExportFormat, scope: ExportScope): Promise<void> {
  if (!db || get().corpusExport) return;
  const current = db;
  const name = exportFileName(format, scope);
  const picker = savePicker();
  let sink: ExportSink;
  let blob: BlobSink | null = null;
  if (picker) {
    try {
      const handle = await picker({
        suggestedName: name,
        types: [
          {
            description: FORMAT_LABEL[format],
            accept: { [FORMAT_MIME[format]]: [`.${name.split('.').pop()}`] },
          },
        ],
      });
      sink = new FileSink(await handle.createWritable());
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return; // the person cancelled
      set({ corpusExportMessage: `The export could not start: ${(error as Error).message}` });
      return;
    }
  } else {
    blob = new BlobSink(FORMAT_MIME[format]);
    sink = blob;
  }
  set({ corpusExport: { format, written: 0 }, corpusExportMessage: null });
  try {
    const result = await holdTabWhile(
      exportCorpus(current, format, exportKeep(scope), sink, {
        onProgress: (written) => set({ corpusExport: { format, written } }),
      }),
    );
    if (blob?.blob) downloadBlob(name, blob.blob);
    const problems = result.problems.length;
    set({
      corpusExportMessage: `Exported ${result.documents.toLocaleString('en-US')} document${
        result.documents === 1 ? '' : 's'
      } to ${name}${
        problems > 0
          ? `; ${problems} span${problems === 1 ? '' : 's'} the format cannot hold left out (${result.problems
              .slice(0, 3)
              .join('; ')}${problems > 3 ? '…' : ''})`
          : ''
      }.`,
    });
  } catch (error) {
    set({
      corpusExportMessage: `The export stopped: ${error instanceof Error ? error.message : String(error)}. Nothing stored was changed; no file was completed.`,
    });
  } finally {
    set({ corpusExport: null });
  }
}

/** The Label Studio labeling config for every type in the corpus and the current type list. */
export function downloadLabelStudioConfig(): void {
  const state = get();
  const types = new Set(state.entityTypes);
  for (const doc of state.corpusDocuments) {
    for (const type of doc.types) types.add(type);
    for (const type of Object.keys(doc.counts)) types.add(type);
  }
  downloadText('label-studio-config.xml', labelStudioConfig(types), 'application/xml');
}

/** Moves to the next (+1) or previous (-1) document of the list as filtered; false at the ends. */
export async function openNeighbour(step: 1 | -1): Promise<boolean> {
  const state = get();
  const list = visibleDocuments(state.corpusDocuments, state.corpusStatusFilter, state.corpusFilter);
  const next = stepFrom(list, state.corpusOpenId, step);
  if (!next) return false;
  await openDocument(next.id);
  return true;
}

/** Opens the next document (after the open one, wrapping round) that is run and not reviewed yet. */
export async function openNextUnreviewed(): Promise<boolean> {
  const state = get();
  const list = visibleDocuments(state.corpusDocuments, state.corpusStatusFilter, state.corpusFilter);
  const next =
    nextMatching(list, state.corpusOpenId, (doc) => !doc.reviewed && doc.status === 'done') ??
    nextMatching(state.corpusDocuments, state.corpusOpenId, (doc) => !doc.reviewed && doc.status === 'done');
  if (!next) {
    set({ reviewAnnouncement: 'No document left to review.' });
    return false;
  }
  await openDocument(next.id);
  return true;
}

export function setCorpusStatusFilter(filter: StatusFilter): void {
  set({ corpusStatusFilter: filter });
}
