import { useState, type ChangeEvent } from 'react';
import type { ImportProblem } from '../../workers/corpus/document';
import { exportDocuments, labelStudioConfig, type ExportFormat } from '../../workers/corpus/formats';
import { downloadText } from '../lib/download';
import { importReviewOffThread } from '../lib/review/import-off-thread';
import { passageDocument } from '../lib/review/review-document';
import { setPassage } from '../store/actions';
import { useAppStore } from '../store/app-store';
import { loadReview } from '../store/review-actions';
import { useIsRunning } from '../store/selectors';

const button =
  'rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800';

/** The corpus formats offered for the passage, one file each. */
const FORMATS: readonly { label: string; format: ExportFormat; fileName: string; mime: string }[] = [
  {
    label: 'Download JSONL with sources',
    format: 'jsonl',
    fileName: 'passage.jsonl',
    mime: 'application/jsonl',
  },
  { label: 'Download CoNLL (reviewed)', format: 'conll', fileName: 'passage.conll', mime: 'text/plain' },
  {
    label: 'Download Label Studio tasks',
    format: 'label-studio',
    fileName: 'passage.label-studio.json',
    mime: 'application/json',
  },
  {
    label: 'Download spaCy JSONL',
    format: 'spacy-jsonl',
    fileName: 'passage.spacy.jsonl',
    mime: 'application/jsonl',
  },
];

/** The passage and its review as a document, read at click time. */
function currentDocument() {
  const s = useAppStore.getState();
  return passageDocument(s.reviewText, s.reviewTypes, s.review);
}

/** "file.json, line 3: …" for one import problem. */
function describeProblem(problem: ImportProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}, line ${problem.line}`;
  return `${where}: ${problem.message}`;
}

/**
 * Exports of the reviewed passage in the corpus formats (every span with its source and decision
 * where the format can say it; CoNLL holds the spans a person kept), the Label Studio labeling
 * config, and "Import annotations": our JSONL or a Label Studio export loaded into the review (one
 * undoable step), with every problem listed with its line.
 */
export function ReviewExports({ canExport }: { readonly canExport: boolean }) {
  const running = useIsRunning();
  const [message, setMessage] = useState('');
  const [problems, setProblems] = useState<readonly string[]>([]);

  const onImport = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setMessage(''); // the answer replaces it (the status announces only results)
    let imported;
    try {
      // Parsed in a worker: a large export must not freeze the page.
      imported = await importReviewOffThread(file, useAppStore.getState().reviewText);
    } catch (error) {
      setProblems([]);
      setMessage(`${file.name}: could not be read (${(error as Error).message}).`);
      return;
    }
    const { document, count, problems: found } = imported;
    setProblems(found.map(describeProblem));
    if (!document) {
      setMessage(`${file.name}: no document could be read.`);
      return;
    }
    const { text, types, reviewed } = document.document;
    const spans = document.spans.length;
    const note = `Imported ${spans} ${spans === 1 ? 'span' : 'spans'} from ${file.name}`;
    loadReview(text, types, { spans: document.spans, reviewed }, note);
    if (useAppStore.getState().passage !== text) setPassage(text);
    setMessage(count > 1 ? `${note} (the file holds ${count} documents; this is one of them).` : `${note}.`);
  };

  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Export corrections">
        {FORMATS.map(({ label, format, fileName, mime }) => (
          <button
            key={format}
            type="button"
            className={button}
            disabled={running || !canExport}
            onClick={() => {
              const { text, problems: lost } = exportDocuments(format, [currentDocument()]);
              downloadText(fileName, text, mime);
              setProblems(lost.map((p) => p.message));
              setMessage(
                lost.length ? `${fileName}: ${lost.length} spans could not be written (listed below).` : '',
              );
            }}
          >
            {label}
          </button>
        ))}
        <button
          type="button"
          className={button}
          disabled={running || !canExport}
          onClick={() => {
            const { document, spans } = currentDocument();
            const types = [...document.types, ...spans.map((s) => s.label)];
            try {
              downloadText('label-studio-config.xml', labelStudioConfig(types), 'application/xml');
            } catch (error) {
              // A type with a control character: no invalid XML is written.
              setMessage(`label-studio-config.xml: ${(error as Error).message}.`);
            }
          }}
        >
          Download Label Studio config
        </button>
        <label className={`${button} cursor-pointer`}>
          Import annotations
          <input
            type="file"
            accept=".jsonl,.json,application/json"
            className="sr-only"
            disabled={running}
            onChange={(event) => void onImport(event)}
          />
        </label>
      </div>
      <p role="status" className="text-sm text-slate-600 dark:text-slate-400" data-testid="review-io-status">
        {message}
      </p>
      {problems.length > 0 && (
        <ul
          className="list-disc pl-5 text-sm text-amber-800 dark:text-amber-300"
          aria-label="Import and export problems"
        >
          {problems.map((problem, index) => (
            <li key={index}>{problem}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
