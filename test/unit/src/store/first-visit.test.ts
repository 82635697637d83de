// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { EXAMPLE_PASSAGES } from '../../../../src/lib/example-passages';
import { initialAppState, STORAGE_KEY, useAppStore } from '../../../../src/store/app-store';
import { setPassage } from '../../../../src/store/actions';
import { FIRST_VISIT_EXAMPLE_ID, showExampleOnFirstVisit } from '../../../../src/store/first-visit';

const FIRST = EXAMPLE_PASSAGES.find((e) => e.id === FIRST_VISIT_EXAMPLE_ID)!;

beforeEach(() => {
  localStorage.clear();
  useAppStore.setState(initialAppState, true);
  localStorage.clear();
});

describe('first visit', () => {
  it('shows an example passage and its types, ready to run', () => {
    expect(showExampleOnFirstVisit()).toBe(true);
    const { passage, entityTypes } = useAppStore.getState();
    expect(passage).toBe(FIRST.text);
    expect(passage.length).toBeGreaterThan(100);
    expect(entityTypes).toEqual(FIRST.types);
    // Saved at once: the next visit is not a first visit.
    expect(localStorage.getItem(STORAGE_KEY)).toContain('Ashish Vaswani');
  });

  it("leaves the person's own draft alone, even an empty one", () => {
    setPassage('My own draft.');
    expect(showExampleOnFirstVisit()).toBe(false);
    expect(useAppStore.getState().passage).toBe('My own draft.');
    setPassage('');
    expect(showExampleOnFirstVisit()).toBe(false);
    expect(useAppStore.getState().passage).toBe('');
  });

  it('does nothing when storage cannot be read', () => {
    const blocked = {
      getItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(showExampleOnFirstVisit(blocked)).toBe(false);
    expect(useAppStore.getState().passage).toBe('');
  });
});
