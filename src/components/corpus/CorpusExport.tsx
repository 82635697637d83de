import { useState } from 'react';
import { EXPORT_FORMATS, type ExportFormat } from '../../../workers/corpus/formats';
import { FORMAT_LABEL, type ExportScope } from '../../lib/corpus/export';
import { visibleDocuments } from '../../lib/corpus/list-view';
import { useAppStore } from '../../store/app-store';
import { downloadLabelStudioConfig, exportCorpusFile } from '../../store/corpus-actions';

const button =
  'rounded-md border border-slate-300 px-2.5 py-1 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800';

/**
 * Export of the corpus in every format the CLI writes: all documents, the reviewed ones, or the list as
 * filtered; each format is one button (a click writes the file). Label Studio gets its config too.
 */
export function CorpusExport() {
  const documents = useAppStore((s) => s.corpusDocuments);
  const statusFilter = useAppStore((s) => s.corpusStatusFilter);
  const filter = useAppStore((s) => s.corpusFilter);
  const running = useAppStore((s) => s.corpusExport);
  const message = useAppStore((s) => s.corpusExportMessage);
  const [scope, setScope] = useState<ExportScope>('all');
  if (documents.length === 0) return null;
  const reviewed = documents.filter((d) => d.reviewed).length;
  const filtered = visibleDocuments(documents, statusFilter, filter).length;
  const count = scope === 'all' ? documents.length : scope === 'reviewed' ? reviewed : filtered;
  const scopes: { value: ExportScope; label: string }[] = [
    { value: 'all', label: `All (${documents.length})` },
    { value: 'reviewed', label: `Reviewed (${reviewed})` },
    { value: 'filtered', label: `The list as filtered (${filtered})` },
  ];
  return (
    <details
      className="rounded-md border border-slate-200 p-2 dark:border-slate-800"
      data-testid="corpus-export"
    >
      <summary className="cursor-pointer font-medium">Export the corpus</summary>
      <div className="mt-2 flex flex-col gap-2">
        <fieldset className="flex flex-col gap-0.5 text-sm">
          <legend className="text-slate-700 dark:text-slate-300">Documents</legend>
          {scopes.map(({ value, label }) => (
            <label key={value} className="flex items-center gap-1.5">
              <input
                type="radio"
                name="corpus-export-scope"
                checked={scope === value}
                onChange={() => setScope(value)}
              />
              {label}
            </label>
          ))}
        </fieldset>
        <div role="group" aria-label="Export format" className="flex flex-wrap gap-1.5">
          {EXPORT_FORMATS.map((format: ExportFormat) => (
            <button
              key={format}
              type="button"
              className={button}
              disabled={running !== null || count === 0}
              onClick={() => void exportCorpusFile(format, scope)}
            >
              {FORMAT_LABEL[format]}
            </button>
          ))}
          <button type="button" className={button} onClick={downloadLabelStudioConfig}>
            Label Studio config (XML)
          </button>
        </div>
        <p className="text-xs text-slate-600 dark:text-slate-400">
          Each document keeps its id and metadata. JSONL keeps who proposed each span and every decision;
          Label Studio gets annotations for reviewed documents and the model&apos;s predictions.
        </p>
        {running && (
          <p role="status" className="text-sm">
            Exporting… {running.written.toLocaleString('en-US')} of {count.toLocaleString('en-US')} documents
          </p>
        )}
        {message && (
          <p role="status" className="text-sm" data-testid="corpus-export-message">
            {message}
          </p>
        )}
      </div>
    </details>
  );
}
