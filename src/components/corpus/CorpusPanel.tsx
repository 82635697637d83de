import { formatBytes } from '../../../workers/bytes';
import { useAppStore } from '../../store/app-store';
import { CorpusRunControls } from './CorpusRunControls';
import { DocumentList } from './DocumentList';
import { ImportStatus } from './ImportStatus';
import { ImportZone } from './ImportZone';

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

/** The corpus beside the editor: import, run, the document list and storage. */
export function CorpusPanel() {
  const notice = useAppStore((s) => s.corpusNotice);
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
      <CorpusRunControls />
      <DocumentList />
      <StorageUsed />
    </section>
  );
}
