import { useRef, useState } from 'react';
import { importCorpusFiles } from '../../store/corpus-actions';
import { useAppStore } from '../../store/app-store';

/** The formats the importer reads (the picker shows these; a drop takes any file and reports what it cannot read). */
const ACCEPT = '.txt,.text,.md,.jsonl,.ndjson,.csv,.pdf,text/plain,application/pdf';

/** A drop zone and a file picker (several files at once) for the corpus. */
export function ImportZone() {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const ready = useAppStore((s) => s.corpusReady);
  const importing = useAppStore((s) => s.corpusImport !== null);
  const disabled = !ready || importing;
  const take = (files: FileList | null) => {
    if (files && files.length > 0) void importCorpusFiles([...files]);
  };
  return (
    <div
      data-testid="corpus-drop-zone"
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        if (!disabled) take(event.dataTransfer.files);
      }}
      className={`flex flex-col items-center gap-2 rounded-md border-2 border-dashed p-3 text-center text-sm ${
        over ? 'border-indigo-500 bg-indigo-50 dark:bg-indigo-950' : 'border-slate-300 dark:border-slate-700'
      }`}
    >
      <span>Drop .txt, .jsonl, .csv or .pdf files here, or</span>
      <button
        type="button"
        disabled={disabled}
        onClick={() => input.current?.click()}
        className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800"
      >
        Choose files…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept={ACCEPT}
        aria-label="Import documents"
        className="sr-only"
        onChange={(event) => {
          take(event.target.files);
          event.target.value = '';
        }}
      />
    </div>
  );
}
