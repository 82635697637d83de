// @vitest-environment jsdom
/**
 * The workspace's parts in a DOM: Delete all says what goes and offers an export first; the list
 * shows reviewed/left and filters by status; the keys move between documents but never while typing.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorpusExport } from '../../../../src/components/corpus/CorpusExport';
import { DeleteAll } from '../../../../src/components/corpus/DeleteAll';
import { DocumentList } from '../../../../src/components/corpus/DocumentList';
import { FileSink } from '../../../../src/lib/corpus/export';
import type { DocumentSummary } from '../../../../src/lib/corpus/db';
import { initialAppState, useAppStore } from '../../../../src/store/app-store';

const summary = (id: string, status: DocumentSummary['status'], reviewed: boolean): DocumentSummary => ({
  id,
  name: `news.jsonl · line ${id}`,
  status,
  reviewed,
  types: ['person'],
  seq: Number(id),
  size: 10,
  counts: { person: 1 },
});

beforeEach(() => {
  useAppStore.setState({
    ...initialAppState,
    corpusReady: true,
    corpusDocuments: [
      summary('1', 'done', true),
      summary('2', 'done', true),
      summary('3', 'done', false),
      summary('4', 'pending', false),
    ],
  });
});
afterEach(() => cleanup());

describe('Delete all', () => {
  it('says how many documents and how many reviewed go, and offers an export first', () => {
    render(
      <>
        <CorpusExport />
        <DeleteAll />
      </>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Delete all…' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete all documents' });
    expect(dialog.textContent).toContain(
      'This deletes all 4 documents with their results (3 run), including 2 reviewed and every correction. It cannot be undone.',
    );
    const details = document.querySelector<HTMLDetailsElement>('[data-testid="corpus-export"]')!;
    expect(details.open).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Export first' }));
    expect(details.open).toBe(true);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(useAppStore.getState().corpusDocuments).toHaveLength(4);
  });
});

describe('the document list', () => {
  it('shows reviewed and left, and filters by status', () => {
    render(<DocumentList />);
    expect(screen.getByTestId('review-progress').textContent).toBe('2 reviewed · 2 left of 4');
    // (The rows are virtualised and jsdom lays nothing out: the count line says what the list holds.)
    fireEvent.click(screen.getByRole('button', { name: 'to review 1' }));
    expect(screen.getByText(/of 4 documents$/).textContent).toBe('1 of 4 documents');
    expect(useAppStore.getState().corpusStatusFilter).toBe('done');
    fireEvent.click(screen.getByRole('button', { name: 'reviewed 2' }));
    expect(screen.getByText(/of 4 documents$/).textContent).toBe('2 of 4 documents');
    expect(screen.getByRole('button', { name: 'reviewed 2' }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'not run 1' }));
    expect(screen.getByText(/of 4 documents$/).textContent).toBe('1 of 4 documents');
  });
});

describe('FileSink', () => {
  it('writes parts to the picked file, closes it at the end, aborts it on failure', async () => {
    const calls: string[] = [];
    const sink = new FileSink({
      write: async (data) => void calls.push(`write ${data}`),
      close: async () => void calls.push('close'),
      abort: async () => void calls.push('abort'),
    });
    await sink.append('a');
    await sink.append('');
    await sink.close();
    await sink.abort(new Error('x'));
    expect(calls).toEqual(['write a', 'close', 'abort']);
  });
});
