// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LinkNotice } from '../../../../src/components/LinkNotice';
import { initialAppState, useAppStore } from '../../../../src/store/app-store';

const DRAFT = { passage: 'My private draft.', entityTypes: ['person', 'drug'] };

beforeEach(() => {
  localStorage.clear();
  useAppStore.setState({ ...initialAppState, ...DRAFT });
});
afterEach(() => {
  cleanup();
  window.history.replaceState(null, '', '/');
});

describe('LinkNotice: bring back my draft', () => {
  it('offers the draft a link replaced and restores it', () => {
    window.history.replaceState(null, '', '/#text=Shared%20text.&types=location&min=0.5');
    render(<LinkNotice />);
    const notice = screen.getByTestId('link-notice');
    expect(notice.textContent).toContain(
      'Opened from a shared link. It replaced the passage and types you had.',
    );
    expect(useAppStore.getState()).toMatchObject({ passage: 'Shared text.', minScore: 0.5 });

    fireEvent.click(screen.getByRole('button', { name: 'Bring back my draft' }));
    expect(useAppStore.getState()).toMatchObject(DRAFT);
    expect(window.location.hash).toBe('');
    expect(screen.getByTestId('link-notice').textContent).toContain('Your draft is back.');
    expect(screen.queryByRole('button', { name: 'Bring back my draft' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Clear the address bar' })).toBeNull();
  });

  it('can be dismissed, which keeps the shared text', () => {
    window.history.replaceState(null, '', '/#text=Shared%20text.');
    render(<LinkNotice />);
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss the link notice' }));
    expect(screen.queryByTestId('link-notice')).toBeNull();
    expect(useAppStore.getState().passage).toBe('Shared text.');
    expect(useAppStore.getState().replacedDraft).toBeNull();
  });

  it('says a bad threshold was ignored, and offers nothing when the draft was not replaced', () => {
    window.history.replaceState(
      null,
      '',
      `/#text=${encodeURIComponent(DRAFT.passage)}&types=person,drug&min=2`,
    );
    render(<LinkNotice />);
    const notice = screen.getByTestId('link-notice');
    expect(notice.getAttribute('role')).toBe('status');
    expect(notice.textContent).toMatch(
      /confidence threshold in the link \("2"\) is not a number from 0 to 1/,
    );
    expect(screen.queryByRole('button', { name: 'Bring back my draft' })).toBeNull();
  });
});
