import { formatBytes } from '../../../workers/bytes';
import { useAppStore } from '../../store/app-store';
import { CorpusExport } from './CorpusExport';
import { CorpusRunControls } from './CorpusRunControls';
import { DeleteAll } from './DeleteAll';
import { ImportStatus } from './ImportStatus';
import { ImportZone } from './ImportZone';
import { StoredIdsDialog } from './StoredIdsDialog';

/** How much this site stores (documents, results and cached models share the same quota). */
function StorageUsed() {
  const storage = useAppStore((s) => s.corpusStorage);
  if (!storage) return null;
  return (
    <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="corpus-storage">
      This site uses {formatBytes(storage.usage)} of {formatBytes(storage.quota)} (documents, results and
      models)
    </p>
  );
}

/**
 * The corpus beside the editor: import (and the question about ids already stored), run, export,
 * delete all, storage. The document list is in the review workspace below.
 */
export function CorpusPanel() {
  const notice = useAppStore((s) => s.corpusNotice);
  const summary = useAppStore((s) => s.corpusImportSummary);
  const count = useAppStore((s) => s.corpusDocuments.length);
  return (
    <section
      aria-labelledby="corpus-heading"
      className="flex min-w-0 flex-col gap-3 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h2 id="corpus-heading" className="text-lg font-semibold">
        Documents
      </h2>
      {notice && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {notice}
        </p>
      )}
      <ImportZone />
      <ImportStatus />
      {summary && (
        <p role="status" className="text-sm" data-testid="import-summary">
          {summary}
        </p>
      )}
      <StoredIdsDialog />
      {count > 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {count.toLocaleString('en-US')} document{count === 1 ? '' : 's'}: review them in the list below.
        </p>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">No documents yet.</p>
      )}
      <CorpusRunControls />
      <CorpusExport />
      <DeleteAll />
      <StorageUsed />
    </section>
  );
}
