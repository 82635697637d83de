// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResultsSection } from '../../../../src/components/ResultsSection';
import { initialAppState, useAppStore } from '../../../../src/store/app-store';

const TEXT = 'Alice Smith met Bob Jones in Paris.';
const model = (start: number, end: number, label: string, score: number) => ({
  start,
  end,
  label,
  source: 'model' as const,
  model: 'm',
  score,
});

// jsdom lays nothing out and has no Range.getBoundingClientRect (the popover is placed by it).
Range.prototype.getBoundingClientRect ??= () => new DOMRect();

beforeEach(() => {
  localStorage.clear();
  useAppStore.setState(initialAppState, true);
  useAppStore.setState({
    passage: TEXT,
    runStatus: 'done',
    runPassage: TEXT,
    runTypes: ['person', 'location'],
    reviewText: TEXT,
    reviewTypes: ['person', 'location'],
    review: { spans: [model(0, 11, 'person', 0.9), model(16, 25, 'person', 0.4)], reviewed: false },
  });
});
afterEach(cleanup);

const view = () => screen.getByTestId('highlighted-passage');
const markAt = (start: number, type = 'person') =>
  view().querySelector<HTMLElement>(`mark[data-start="${start}"][data-type="${type}"]`)!;
const announcement = () => screen.getByTestId('review-announcement').textContent;

/** Selects `[from, to)` of the single text node that holds it and releases the mouse over the view. */
function selectText(from: number, to: number, altKey = false) {
  const walker = document.createTreeWalker(view(), NodeFilter.SHOW_TEXT);
  let seen = 0;
  const find = (offset: number) => {
    walker.currentNode = view();
    seen = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const length = node.textContent!.length;
      if (offset <= seen + length) return { node, offset: offset - seen };
      seen += length;
    }
    throw new Error('outside');
  };
  const a = find(from);
  const b = find(to);
  const range = document.createRange();
  range.setStart(a.node, a.offset);
  range.setEnd(b.node, b.offset);
  const selection = document.getSelection()!;
  selection.removeAllRanges();
  selection.addRange(range);
  fireEvent.mouseUp(view(), { altKey });
}

describe('correcting spans in the highlighted passage', () => {
  it('a selection opens "Add as" snapped to whole words; a type button adds a person span and announces it', () => {
    render(<ResultsSection />);
    selectText(30, 33); // "ari" inside "Paris"
    const dialog = screen.getByRole('dialog', { name: 'Add “Paris” as' });
    expect(document.activeElement?.textContent).toBe('person');
    fireEvent.click(screen.getByRole('button', { name: 'location' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(dialog.isConnected).toBe(false);
    expect(markAt(29, 'location').dataset.source).toBe('person');
    expect(announcement()).toBe('Added location: Paris');
  });

  it('Alt keeps a selection as made; free entry adds any label', () => {
    render(<ResultsSection />);
    selectText(30, 33, true);
    screen.getByRole('dialog', { name: 'Add “ari” as' });
    fireEvent.change(screen.getByRole('textbox', { name: 'New type' }), { target: { value: 'fragment' } });
    fireEvent.submit(screen.getByRole('textbox', { name: 'New type' }).closest('form')!);
    expect(markAt(30, 'fragment').dataset.end).toBe('33');
  });

  it('Enter on a focused mark opens its menu; Escape closes it and returns focus to the mark', () => {
    render(<ResultsSection />);
    const mark = markAt(0);
    act(() => mark.focus());
    fireEvent.keyDown(mark, { key: 'Enter' });
    const menu = screen.getByTestId('span-menu');
    expect(menu.getAttribute('aria-label')).toBe('Span “Alice Smith”: person, 90%');
    expect(document.activeElement?.textContent).toBe('Accept');
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toBe('Reject');
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByTestId('span-menu')).toBeNull();
    expect(document.activeElement).toBe(markAt(0));
  });

  it('reject, retype and undo through the menu and the toolbar; rejected spans can be hidden', () => {
    render(<ResultsSection />);
    fireEvent.click(markAt(16));
    fireEvent.click(screen.getByRole('button', { name: 'Reject' }));
    expect(markAt(16).dataset.decision).toBe('rejected');
    expect(announcement()).toBe('Rejected person: Bob Jones');
    fireEvent.click(markAt(0));
    fireEvent.click(screen.getByRole('button', { name: 'Change type to location' }));
    expect(markAt(0, 'location').dataset.source).toBe('person');
    expect(markAt(0).dataset.decision).toBe('rejected');
    fireEvent.keyDown(view(), { key: 'z', ctrlKey: true });
    expect(announcement()).toBe('Undone: Changed person to location: Alice Smith');
    expect(markAt(0, 'location')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Redo' }));
    expect(markAt(0, 'location')).not.toBeNull();
    fireEvent.click(screen.getByRole('checkbox', { name: /Show rejected/ }));
    expect(markAt(16)).toBeNull();
    expect(markAt(0)).toBeNull();
  });

  it('accepts all shown at the minimum confidence and marks the passage reviewed', () => {
    useAppStore.setState({ minScore: 0.5 });
    render(<ResultsSection />);
    // Bob Jones (40%) is below the threshold: hidden and not accepted.
    expect(markAt(16)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Accept all shown (≥ 50%)' }));
    expect(announcement()).toBe('Accepted 1 span');
    expect(markAt(0).dataset.decision).toBe('accepted');
    const reviewed = screen.getByRole('button', { name: 'Mark reviewed' });
    fireEvent.click(reviewed);
    expect(reviewed.getAttribute('aria-pressed')).toBe('true');
    expect(useAppStore.getState().review.reviewed).toBe(true);
  });
});
