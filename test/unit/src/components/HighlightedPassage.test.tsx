// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FoundEntity } from '../../../../workers/protocol';
import { ResultsSection } from '../../../../src/components/ResultsSection';
import { useAppStore, initialAppState } from '../../../../src/store/app-store';
import { QUEUED } from '../../../../src/store/slices/run';

const passage = 'Tim Cook leads Apple Inc. in Cupertino, California. Apple makes the iPhone.';
const span = (text: string, from = 0) => {
  const start = passage.indexOf(text, from);
  return { start, end: start + text.length };
};
const results: Record<string, FoundEntity[]> = {
  person: [{ text: 'Tim Cook', spans: [span('Tim Cook')], match: 'exact' }],
  organization: [
    { text: 'Apple', spans: [span('Apple'), span('Apple', 30)], match: 'exact' },
    { text: 'Apple Inc.', spans: [span('Apple Inc.')], match: 'exact' },
    { text: 'Google', spans: [], match: 'none' },
  ],
  location: [
    { text: 'Cupertino, California', spans: [span('Cupertino, California')], match: 'exact' },
    { text: 'California', spans: [span('California')], match: 'exact' },
    // Crosses "Cupertino, California" on purpose.
    { text: 'California. Apple', spans: [span('California. Apple')], match: 'tolerant' },
  ],
};
const types = ['person', 'organization', 'location'];

beforeEach(() => {
  useAppStore.setState({
    ...initialAppState,
    passage,
    runStatus: 'done',
    runPassage: passage,
    runTypes: types,
    results,
    typeRuns: Object.fromEntries(
      types.map((t) => [
        t,
        { ...QUEUED, status: 'done' as const, count: results[t]!.filter((e) => e.spans.length).length },
      ]),
    ),
  });
});
afterEach(cleanup);

describe('HighlightedPassage', () => {
  it('renders one mark per span with type and exact UTF-16 offsets', () => {
    render(<ResultsSection />);
    const view = screen.getByTestId('highlighted-passage');
    const marks = [...view.querySelectorAll('mark')];
    const expected = Object.entries(results).flatMap(([type, entities]) =>
      entities.flatMap((e) => e.spans.map((s) => `${type}:${s.start}:${s.end}`)),
    );
    expect(marks.map((m) => `${m.dataset.type}:${m.dataset.start}:${m.dataset.end}`).sort()).toEqual(
      expected.sort(),
    );
    // The view reproduces the passage exactly.
    expect(view.textContent).toBe(passage);
    // Uncut marks contain exactly their text; nesting keeps "Apple" inside "Apple Inc.".
    const apple = view.querySelector(
      `mark[data-type="organization"][data-start="${span('Apple').start}"][data-end="${span('Apple').end}"]`,
    )!;
    expect(apple.textContent).toBe('Apple');
    expect(apple.parentElement?.getAttribute('data-end')).toBe(String(span('Apple Inc.').end));
    for (const mark of marks) {
      if (
        mark.dataset.type === 'location' &&
        mark.textContent !== passage.slice(Number(mark.dataset.start), Number(mark.dataset.end))
      ) {
        // Only the crossing span is cut; its rest follows as a continuation piece.
        expect(mark.getAttribute('aria-label')).toContain('California. Apple');
        expect(view.querySelector('[data-continuation][data-type="location"]')).not.toBeNull();
      } else {
        expect(mark.textContent).toBe(passage.slice(Number(mark.dataset.start), Number(mark.dataset.end)));
      }
    }
  });

  it('names the types of a span on hover and for screen readers', () => {
    useAppStore.setState({
      results: { ...results, person: [{ text: 'Apple', spans: [span('Apple', 30)], match: 'exact' }] },
    });
    render(<ResultsSection />);
    const both = [...document.querySelectorAll(`mark[data-start="${span('Apple', 30).start}"]`)];
    expect(both).toHaveLength(2);
    for (const mark of both) {
      expect(mark.getAttribute('title')).toBe('person; organization');
      expect(mark.getAttribute('aria-label')).toBe('Apple: person; organization');
    }
  });

  it('lists strings that are not in the text and counts per type', () => {
    render(<ResultsSection />);
    const org = screen.getByRole('region', { name: 'Results for organization' });
    expect(org.textContent).toContain('Not found in text');
    expect(org.textContent).toContain('Google');
    expect(org.querySelector('h3')?.textContent).toContain('(2)');
  });

  it('emphasises a type while its legend entry is hovered or focused', () => {
    render(<ResultsSection />);
    const view = screen.getByTestId('highlighted-passage');
    const entry = screen.getByRole('button', { name: /Emphasise location/ });
    // jsdom has constructed stylesheets but not adoptedStyleSheets: give it the array browsers have.
    Object.defineProperty(document, 'adoptedStyleSheets', { value: [], writable: true, configurable: true });
    const runtimeRules = () =>
      document.adoptedStyleSheets
        .flatMap((sheet) => [...sheet.cssRules].map((rule) => rule.cssText))
        .join('\n');
    fireEvent.focus(entry);
    expect(view.dataset.emphasis).toBe('location');
    // Through the CSSOM, not an inline <style> (which the build's CSP would block).
    expect(runtimeRules()).toContain('[data-type="location"]');
    expect(document.querySelector('style')).toBeNull();
    fireEvent.blur(entry);
    expect(view.dataset.emphasis).toBeUndefined();
    expect(runtimeRules()).toBe('');
  });

  it('moves focus between marks with the arrow keys', () => {
    render(<ResultsSection />);
    const view = screen.getByTestId('highlighted-passage');
    view.focus();
    fireEvent.keyDown(view, { key: 'ArrowRight' });
    expect((document.activeElement as HTMLElement).dataset.type).toBe('person');
    fireEvent.keyDown(view, { key: 'ArrowRight' });
    expect((document.activeElement as HTMLElement).dataset.start).toBe(String(span('Apple Inc.').start));
    fireEvent.keyDown(view, { key: 'End' });
    fireEvent.keyDown(view, { key: 'ArrowLeft' });
    expect(document.activeElement?.tagName).toBe('MARK');
  });

  it('renders 2,000 spans over 50,000 characters without per-character elements', () => {
    const big = 'lorem ipsum dolor sit amet '.repeat(1852).slice(0, 50_000);
    const many: FoundEntity[] = [];
    for (let i = 0; i < 2000; i++) {
      const start = i * 25;
      many.push({ text: big.slice(start, start + 5), spans: [{ start, end: start + 5 }], match: 'exact' });
    }
    useAppStore.setState({
      runPassage: big,
      passage: big,
      runTypes: ['x'],
      results: { x: many },
      typeRuns: { x: { ...QUEUED, status: 'done', count: 2000 } },
    });
    const t0 = performance.now();
    render(<ResultsSection />);
    const ms = performance.now() - t0;
    const view = screen.getByTestId('highlighted-passage');
    expect(view.querySelectorAll('mark')).toHaveLength(2000);
    expect(view.querySelectorAll('*').length).toBeLessThan(2100);
    expect(ms).toBeLessThan(5000); // jsdom is far slower than a browser; this guards against blow-ups
  });

  it('draws a long passage in blocks, and a streamed result changes only the blocks it lands in', () => {
    // One paragraph without line breaks: the blocks are cut after sentence ends.
    const long = 'Barack Obama went to Hawaii on a sunny day. '.repeat(500).slice(0, 20_000);
    const obama = (upTo: number): FoundEntity => {
      const spans = [];
      for (
        let at = long.indexOf('Barack Obama');
        at >= 0 && at < upTo;
        at = long.indexOf('Barack Obama', at + 1)
      )
        spans.push({ start: at, end: at + 12 });
      return { text: 'Barack Obama', spans, match: 'exact', score: 0.9 };
    };
    useAppStore.setState({
      runPassage: long,
      passage: long,
      runTypes: ['person'],
      results: { person: [obama(5000)] },
      typeRuns: { person: { ...QUEUED, status: 'streaming', count: 1 } },
    });
    render(<ResultsSection />);
    const view = screen.getByTestId('highlighted-passage');
    const blocks = [...view.querySelectorAll<HTMLElement>('[data-block-start]')];
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    expect(view.textContent).toBe(long);
    const before = view.querySelectorAll('mark').length;

    const observer = new MutationObserver(() => {});
    observer.observe(view, { subtree: true, childList: true, attributes: true, characterData: true });
    // The next chunk's answer: more occurrences, all between 5,000 and 8,000.
    act(() => useAppStore.setState({ results: { person: [obama(8000)] } }));
    const records = observer.takeRecords();
    observer.disconnect();

    const marks = view.querySelectorAll('mark');
    expect(marks.length).toBeGreaterThan(before);
    expect(view.textContent).toBe(long);
    // Every change is inside, or is the replacement of, a block that holds part of 5,000–8,000.
    const touched = new Set<number>();
    for (const record of records) {
      const target = record.target instanceof Element ? record.target : record.target.parentElement!;
      const block = target.closest<HTMLElement>('[data-block-start]');
      const nodes = block ? [block] : [...record.addedNodes, ...record.removedNodes];
      for (const node of nodes) touched.add(Number((node as HTMLElement).dataset.blockStart));
    }
    const starts = blocks.map((b) => Number(b.dataset.blockStart));
    const blockEnd = (start: number) => starts.find((s) => s > start) ?? long.length;
    expect(touched.size).toBeGreaterThan(0);
    for (const start of touched) {
      expect(start).toBeLessThan(8000);
      expect(blockEnd(start)).toBeGreaterThan(5000);
    }
    expect(touched.size).toBeLessThan(blocks.length / 2);
    // Marks of untouched blocks are the very same elements as before.
    const first = blocks[0]!.querySelector('mark');
    expect(view.querySelector('mark')).toBe(first);
  });

  it('copies exactly the selected passage text across blocks (no line break where a block ends)', () => {
    const long = 'Barack Obama went to Hawaii on a sunny day. '.repeat(300);
    const at = long.indexOf('Barack Obama', 4000);
    useAppStore.setState({
      runPassage: long,
      passage: long,
      runTypes: ['person'],
      results: {
        person: [{ text: 'Barack Obama', spans: [{ start: at, end: at + 12 }], match: 'exact' }],
      },
      typeRuns: { person: { ...QUEUED, status: 'done', count: 1 } },
    });
    render(<ResultsSection />);
    const view = screen.getByTestId('highlighted-passage');
    const blocks = [...view.querySelectorAll<HTMLElement>('[data-block-start]')];
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    // From the 10th character of block 0 into the mark in a later block ("Barack Ob").
    const mark = view.querySelector('mark')!;
    const range = document.createRange();
    range.setStart(blocks[0]!.firstChild!, 10);
    range.setEnd(mark.firstChild!, 9);
    document.getSelection()!.removeAllRanges();
    document.getSelection()!.addRange(range);
    const setData = vi.fn();
    fireEvent.copy(view, { clipboardData: { setData } });
    expect(setData).toHaveBeenCalledWith('text/plain', long.slice(10, at + 9));
  });
});
