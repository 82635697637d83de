import { useEffect, useRef } from 'react';
import type { StoredIdPolicy } from '../../../workers/corpus/ids';
import { useAppStore } from '../../store/app-store';
import { answerStoredIdQuestion } from '../../store/corpus-actions';

const CHOICES: { policy: StoredIdPolicy; label: string; says: string }[] = [
  { policy: 'skip', label: 'Skip those', says: 'keep the stored documents as they are (nothing changes)' },
  {
    policy: 'replace',
    label: 'Replace those',
    says: 'take the file’s text and fields; an unchanged text keeps its results and decisions; a reviewed document is never replaced',
  },
  {
    policy: 'keep-both',
    label: 'Keep both',
    says: 'import the file’s documents beside them under new ids (file#id)',
  },
];

/**
 * The one question of a re-import: documents of this file are already stored. The answer holds for
 * the whole import (10,000 stored ids: one question). Escape or closing answers the default, skip.
 */
export function StoredIdsDialog() {
  const question = useAppStore((s) => s.corpusImportQuestion);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (question && !element.open) element.showModal();
    if (!question && element.open) element.close();
  }, [question]);
  return (
    <dialog
      ref={dialog}
      aria-labelledby="stored-ids-title"
      onCancel={(event) => {
        event.preventDefault();
        answerStoredIdQuestion('skip');
      }}
      className="m-auto max-w-md rounded-lg border border-slate-300 bg-white p-4 text-slate-900 shadow-xl backdrop:bg-slate-900/40 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      {question && (
        <div className="flex flex-col gap-3">
          <h2 id="stored-ids-title" className="text-lg font-semibold">
            {question.file} was imported before
          </h2>
          <p className="text-sm">
            {question.count.toLocaleString('en-US')} of its documents {question.count === 1 ? 'is' : 'are'}{' '}
            already stored under the same id
            {question.reviewed > 0
              ? `, ${question.reviewed.toLocaleString('en-US')} of them reviewed`
              : ''}{' '}
            (in this part of the file). Your answer holds for the rest of this import.
          </p>
          <ul className="flex flex-col gap-2">
            {CHOICES.map(({ policy, label, says }) => (
              <li key={policy}>
                <button
                  type="button"
                  autoFocus={policy === 'skip'}
                  onClick={() => answerStoredIdQuestion(policy)}
                  className="w-full rounded-md border border-slate-300 px-3 py-2 text-left text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-slate-700 dark:hover:bg-slate-800"
                >
                  <span className="font-medium">{label}</span>
                  {policy === 'skip' ? ' (default)' : ''}: {says}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </dialog>
  );
}
