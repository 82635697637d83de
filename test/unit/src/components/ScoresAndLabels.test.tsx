// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FoundEntity } from '../../../../workers/protocol';
import { ResultsSection } from '../../../../src/components/ResultsSection';
import { useAppStore, initialAppState } from '../../../../src/store/app-store';
import { LABELS_AUTO_LIMIT, labelsShown } from '../../../../src/lib/span-layout';
import { QUEUED } from '../../../../src/store/slices/run';

const download = vi.hoisted(() => ({ files: [] as { name: string; text: string }[] }));
vi.mock('../../../../src/lib/download', () => ({
  downloadText: (name: string, text: string) => download.files.push({ name, text }),
  copyText: () => Promise.resolve(true),
}));

const passage = 'Tim Cook leads Apple Inc. in Cupertino, California. Apple makes the iPhone.';
const span = (text: string, from = 0) => {
  const start = passage.indexOf(text, from);
  return { start, end: start + text.length };
};
const results: Record<string, FoundEntity[]> = {
  person: [{ text: 'Tim Cook', spans: [span('Tim Cook')], match: 'exact', score: 0.93 }],
  organization: [
    { text: 'Apple', spans: [span('Apple'), span('Apple', 30)], match: 'exact', score: 0.42 },
    // No score (an older engine): never hidden, no score shown.
    { text: 'Apple Inc.', spans: [span('Apple Inc.')], match: 'exact' },
  ],
  location: [
    { text: 'Cupertino, California', spans: [span('Cupertino, California')], match: 'exact', score: 0.8 },
    // Crosses "Cupertino, California": its mark is cut and the rest is a continuation piece.
    { text: 'California. Apple', spans: [span('California. Apple')], match: 'tolerant', score: 0.3 },
    { text: 'Atlantis', spans: [], match: 'none', score: 0.1 },
  ],
};
const types = ['person', 'organization', 'location'];

const view = () => screen.getByTestId('highlighted-passage');
const markAt = (type: string, text: string, from = 0) =>
  view().querySelector<HTMLElement>(`mark[data-type="${type}"][data-start="${span(text, from).start}"]`)!;
const slider = () => screen.getByRole('slider', { name: 'Minimum confidence' });

beforeEach(() => {
  download.files = [];
  useAppStore.setState({
    ...initialAppState,
    passage,
    runStatus: 'done',
    runPassage: passage,
    runTypes: types,
    results,
    typeRuns: Object.fromEntries(types.map((t) => [t, { ...QUEUED, status: 'done' as const }])),
  });
});
afterEach(cleanup);

describe('type labels', () => {
  it('label the piece that ends each span, without changing the text', () => {
    render(<ResultsSection />);
    expect(view().hasAttribute('data-labels')).toBe(true);
    expect(markAt('person', 'Tim Cook').dataset.label).toBe('person');
    expect(markAt('organization', 'Apple Inc.').dataset.label).toBe('organization');
    // The crossing span's own mark stops early: its label sits on the continuation piece at its end.
    const cut = markAt('location', 'California. Apple');
    expect(cut.dataset.end).toBe(String(span('California. Apple').end));
    expect(cut.dataset.label).toBeUndefined();
    const rest = view().querySelector<HTMLElement>('[data-continuation][data-type="location"]')!;
    expect(rest.dataset.label).toBe('location');
    // Labels are drawn by CSS: the passage's text is exactly the passage.
    expect(view().textContent).toBe(passage);
    expect(view().querySelectorAll('[data-label]')).toHaveLength(view().querySelectorAll('mark').length);
  });

  it('can be switched off (persisted), which changes one attribute, not the marks', () => {
    render(<ResultsSection />);
    const before = markAt('person', 'Tim Cook');
    fireEvent.change(screen.getByRole('combobox', { name: 'Type labels' }), { target: { value: 'off' } });
    expect(view().hasAttribute('data-labels')).toBe(false);
    expect(useAppStore.getState().typeLabels).toBe('off');
    expect(markAt('person', 'Tim Cook')).toBe(before);
  });

  it('are off automatically above the limit of marks, and can be forced on', () => {
    const long = 'word '.repeat(LABELS_AUTO_LIMIT + 1);
    const spans = Array.from({ length: LABELS_AUTO_LIMIT + 1 }, (_, i) => ({ start: i * 5, end: i * 5 + 4 }));
    useAppStore.setState({
      runPassage: long,
      runTypes: ['x'],
      results: { x: [{ text: 'word', spans, match: 'exact' }] },
    });
    render(<ResultsSection />);
    expect(view().hasAttribute('data-labels')).toBe(false);
    expect(screen.getByRole('group', { name: 'Display options' }).textContent).toContain(
      `Off: this passage has ${(LABELS_AUTO_LIMIT + 1).toLocaleString('en')} highlights.`,
    );
    fireEvent.change(screen.getByRole('combobox', { name: 'Type labels' }), { target: { value: 'on' } });
    expect(view().hasAttribute('data-labels')).toBe(true);
    // At the limit labels still show; 'off' never shows them.
    expect(labelsShown('auto', LABELS_AUTO_LIMIT)).toBe(true);
    expect(labelsShown('off', 1)).toBe(false);
  });
});

describe('scores', () => {
  it('name type and score on each mark (hover title, focus tip, accessible name)', () => {
    render(<ResultsSection />);
    const tim = markAt('person', 'Tim Cook');
    expect(tim.getAttribute('aria-label')).toBe('Tim Cook: person, 93%');
    expect(tim.title).toBe('person, 93%');
    expect(tim.dataset.tip).toBe('person, 93%');
    // Unscored: the type alone.
    expect(markAt('organization', 'Apple Inc.').getAttribute('aria-label')).toBe('Apple Inc.: organization');
    // Marks take focus (arrow keys; a tap on a phone), which shows the tip.
    tim.focus();
    expect(document.activeElement).toBe(tim);
  });

  it('are listed after each string in the results', () => {
    render(<ResultsSection />);
    const person = screen.getByRole('region', { name: 'Results for person' });
    expect(within(person).getByRole('listitem').textContent).toBe('Tim Cook confidence 93%');
    const org = screen.getByRole('region', { name: 'Results for organization' });
    expect(
      within(org)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Apple ×2 confidence 42%', 'Apple Inc.']);
  });
});

describe('confidence threshold', () => {
  it('is a labelled slider from 0 to 1 that shows its value; 0 shows everything', () => {
    render(<ResultsSection />);
    expect(slider()).toMatchObject({ min: '0', max: '1', step: '0.05', value: '0' });
    expect(slider().getAttribute('aria-valuetext')).toBe('0%');
    expect(screen.getByRole('group', { name: 'Display options' }).textContent).toContain(
      'Showing everything.',
    );
    expect(view().querySelectorAll('mark')).toHaveLength(6);
  });

  it('hides marks, list entries and legend counts below it at once, and brings them back', () => {
    render(<ResultsSection />);
    fireEvent.change(slider(), { target: { value: '0.5' } });
    expect(useAppStore.getState().minScore).toBe(0.5);
    expect(slider().getAttribute('aria-valuetext')).toBe('50%');
    const marks = [...view().querySelectorAll<HTMLElement>('mark')].map(
      (m) => `${m.dataset.type}:${passage.slice(Number(m.dataset.start), Number(m.dataset.end))}`,
    );
    expect(marks.sort()).toEqual([
      'location:Cupertino, California',
      'organization:Apple Inc.',
      'person:Tim Cook',
    ]);
    expect(view().textContent).toBe(passage);
    // 2 × "Apple" + "California. Apple"; strings: those two and "Atlantis" (not in the text).
    expect(screen.getByRole('group', { name: 'Display options' }).textContent).toContain(
      '3 spans hidden (3 strings).',
    );
    const org = screen.getByRole('region', { name: 'Results for organization' });
    expect(org.textContent).toContain('1 below 50% hidden');
    expect(screen.getByRole('button', { name: 'Emphasise organization (1 found)' })).toBeTruthy();
    const loc = screen.getByRole('region', { name: 'Results for location' });
    expect(loc.textContent).not.toContain('Atlantis');

    fireEvent.change(slider(), { target: { value: '0' } });
    expect(view().querySelectorAll('mark')).toHaveLength(6);
    expect(loc.textContent).toContain('Atlantis');
  });

  it('exports what is shown, and says so', () => {
    useAppStore.setState({ minScore: 0.5 });
    render(<ResultsSection />);
    expect(screen.getByTestId('export-scope').textContent).toBe(
      'Exports hold the spans shown (confidence ≥ 50%); 3 hidden spans are left out.',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Download JSONL' }));
    const rows = download.files[0]!.text.trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { text: string }).text);
    expect(rows.sort()).toEqual(['Apple Inc.', 'Cupertino, California', 'Tim Cook']);
  });

  it('says when a run has no scores to filter', () => {
    const unscored = Object.fromEntries(
      Object.entries(results).map(([t, list]) => [t, list.map(({ score: _score, ...rest }) => rest)]),
    );
    useAppStore.setState({ results: unscored, minScore: 0.9 });
    render(<ResultsSection />);
    expect(screen.getByRole('group', { name: 'Display options' }).textContent).toContain(
      'This run has no scores, so nothing is hidden.',
    );
    expect(view().querySelectorAll('mark')).toHaveLength(6);
  });

  it('a threshold off the 0.05 grid (from a link) keeps its value on a finer step', () => {
    useAppStore.setState({ minScore: 0.43 });
    render(<ResultsSection />);
    expect(slider()).toMatchObject({ step: '0.01', value: '0.43' });
  });
});
