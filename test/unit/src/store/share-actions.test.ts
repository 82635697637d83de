// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXAMPLE_PASSAGES } from '../../../../src/lib/example-passages';
import { decodeShareFragment } from '../../../../src/lib/share-link';
import { setMinScore, setPassage } from '../../../../src/store/actions';
import { initialAppState, persistedPart, useAppStore } from '../../../../src/store/app-store';
import { isWorthKeeping, nextReplacedDraft } from '../../../../src/store/draft-restore';
import {
  currentShareUrl,
  dismissLinkNotice,
  openShareFragment,
  restoreDraft,
  startFragmentSync,
} from '../../../../src/store/share-actions';

const DRAFT = { passage: 'My own unfinished notes about Grace Hopper.', entityTypes: ['person', 'language'] };
const LINK = '#text=Ada%20Lovelace%20met%20Babbage.&types=person';

const state = () => useAppStore.getState();

beforeEach(() => {
  localStorage.clear();
  window.history.replaceState(null, '', '/');
  useAppStore.setState({ ...initialAppState, ...DRAFT });
});
afterEach(() => vi.useRealTimers());

describe('share links → store: the confidence threshold', () => {
  it('a link sets the threshold, which is persisted with the other settings', () => {
    openShareFragment(`${LINK}&min=0.65`);
    expect(state().minScore).toBe(0.65);
    expect(persistedPart(state())).toMatchObject({ minScore: 0.65, typeLabels: 'auto' });
  });

  it('a bad min is ignored with a note; the rest of the link is applied', () => {
    setMinScore(0.2);
    openShareFragment(`${LINK}&min=lots`);
    expect(state().passage).toBe('Ada Lovelace met Babbage.');
    expect(state().linkNotice?.kind).toBe('opened');
    expect(state().linkNotice?.message).toMatch(/^Opened from a shared link\. The confidence threshold/);
    // No min and a passage: the passage shows as sent, unfiltered.
    expect(state().minScore).toBe(0);
  });

  it('a link without a passage leaves the threshold alone', () => {
    setMinScore(0.4);
    openShareFragment('#types=person,drug');
    expect(state().minScore).toBe(0.4);
  });

  it('Copy link writes min only when it is above 0', () => {
    expect(currentShareUrl('https://x.test/')).not.toContain('min=');
    setMinScore(0.5);
    const url = currentShareUrl('https://x.test/')!;
    const decoded = decodeShareFragment(url.slice(url.indexOf('#')));
    expect(decoded.ok && decoded.state.minScore).toBe(0.5);
    // Opened elsewhere (threshold 0 there), the link brings its threshold along.
    setMinScore(0);
    openShareFragment(url.slice(url.indexOf('#')));
    expect(state().minScore).toBe(0.5);
  });

  it('setMinScore clamps to 0..1, keeps two decimals and ignores NaN', () => {
    setMinScore(1.7);
    expect(state().minScore).toBe(1);
    setMinScore(-3);
    expect(state().minScore).toBe(0);
    setMinScore(0.123);
    expect(state().minScore).toBe(0.12);
    setMinScore(Number.NaN);
    expect(state().minScore).toBe(0.12);
  });

  it('the fragment follows threshold changes while sync is on', () => {
    vi.useFakeTimers();
    openShareFragment(LINK);
    const stop = startFragmentSync(10);
    setMinScore(0.3);
    vi.advanceTimersByTime(20);
    stop();
    expect(window.location.hash).toContain('min=0.3');
  });
});

describe('share links → store: bring back my draft', () => {
  it('keeps the draft a link replaced and restores it, with the address bar no longer following', () => {
    openShareFragment(LINK);
    window.history.replaceState(null, '', `/${LINK}`);
    expect(state().passage).toBe('Ada Lovelace met Babbage.');
    expect(state().replacedDraft?.draft).toEqual(DRAFT);
    expect(state().shareSync).toBe(true);

    expect(restoreDraft()).toBe(true);
    expect(state().passage).toBe(DRAFT.passage);
    expect(state().entityTypes).toEqual(DRAFT.entityTypes);
    expect(state().replacedDraft).toBeNull();
    expect(state().shareSync).toBe(false);
    expect(window.location.hash).toBe('');
    expect(state().linkNotice?.kind).toBe('restored');
    expect(restoreDraft()).toBe(false);
  });

  it('dismissing the notice forgets the draft', () => {
    openShareFragment(LINK);
    dismissLinkNotice();
    expect(state().replacedDraft).toBeNull();
    expect(state().linkNotice).toBeNull();
  });

  it('offers nothing when the link did not change the passage or types', () => {
    openShareFragment(`#text=${encodeURIComponent(DRAFT.passage)}&types=person,language&min=0.5`);
    expect(state().replacedDraft).toBeNull();
    openShareFragment('#model=onnx-community/Qwen2.5-0.5B-Instruct');
    expect(state().replacedDraft).toBeNull();
  });

  it('offers nothing for a first-visit example or an empty editor', () => {
    const example = EXAMPLE_PASSAGES[0]!;
    useAppStore.setState({ passage: example.text, entityTypes: example.types });
    openShareFragment(LINK);
    expect(state().replacedDraft).toBeNull();
    useAppStore.setState({ ...initialAppState });
    openShareFragment(LINK);
    expect(state().replacedDraft).toBeNull();
    // The example with the person's own types is theirs.
    expect(isWorthKeeping({ passage: example.text, entityTypes: ['gene'] })).toBe(true);
    expect(isWorthKeeping({ passage: '', entityTypes: ['gene'] })).toBe(true);
  });

  it('a second link over an unedited first one keeps the original draft (and opening twice is harmless)', () => {
    openShareFragment(LINK);
    openShareFragment(LINK); // React StrictMode runs the opening effect twice
    expect(state().replacedDraft?.draft).toEqual(DRAFT);
    openShareFragment('#text=Second%20link.&types=drug');
    expect(state().replacedDraft?.draft).toEqual(DRAFT);
    // Once the person edits what a link put in, that edit is the draft the next link replaces.
    setPassage('Edited after the second link.');
    openShareFragment(LINK);
    expect(state().replacedDraft?.draft.passage).toBe('Edited after the second link.');
  });

  it('nextReplacedDraft: a link that brings back the draft itself offers nothing', () => {
    const linkState = { passage: 'L', entityTypes: ['x'] };
    expect(nextReplacedDraft({ draft: DRAFT, linkState }, linkState, DRAFT)).toBeNull();
  });

  it('a refused link leaves the draft and offers nothing', () => {
    openShareFragment('#v=9&text=x');
    expect(state().passage).toBe(DRAFT.passage);
    expect(state().replacedDraft).toBeNull();
    expect(state().linkNotice?.kind).toBe('refused');
  });
});
