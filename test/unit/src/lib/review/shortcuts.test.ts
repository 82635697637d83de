// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { isTypingTarget, shortcutOf } from '../../../../../src/lib/review/shortcuts';

const press = (key: string, mods: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) => ({
  key,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  ...mods,
});

describe('review shortcuts', () => {
  it('maps the labeling keys', () => {
    expect(shortcutOf(press('j'), false)).toBe('next');
    expect(shortcutOf(press('k'), false)).toBe('previous');
    expect(shortcutOf(press('ArrowDown', { altKey: true }), false)).toBe('next');
    expect(shortcutOf(press('ArrowUp', { altKey: true }), false)).toBe('previous');
    expect(shortcutOf(press('n'), false)).toBe('next-unreviewed');
    expect(shortcutOf(press('a'), false)).toBe('accept');
    expect(shortcutOf(press('x'), false)).toBe('reject');
    expect(shortcutOf(press('r'), false)).toBe('reviewed');
    expect(shortcutOf(press('?'), false)).toBe('help');
  });

  it('leaves typing, plain arrows and modified keys alone', () => {
    expect(shortcutOf(press('a'), true)).toBeNull();
    expect(shortcutOf(press('ArrowDown'), false)).toBeNull();
    expect(shortcutOf(press('a', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutOf(press('z', { metaKey: true }), false)).toBeNull();
    expect(shortcutOf(press('A'), false)).toBeNull();
  });

  it('a text field, a select, an editable element or an open span menu take their keys', () => {
    document.body.innerHTML = `
      <input id="i"><textarea id="t"></textarea><select id="s"></select>
      <div contenteditable="true" id="c"></div>
      <div role="dialog"><button id="menu">Accept</button></div>
      <button id="b">Run</button><mark id="m" tabindex="-1">Ada</mark>
      <input type="checkbox" id="cb"><input type="range" id="r"><input type="search" id="q">`;
    for (const id of ['i', 't', 's', 'menu'])
      expect(isTypingTarget(document.getElementById(id)), id).toBe(true);
    expect(isTypingTarget(document.getElementById('b'))).toBe(false);
    expect(isTypingTarget(document.getElementById('cb'))).toBe(false);
    expect(isTypingTarget(document.getElementById('r'))).toBe(false);
    expect(isTypingTarget(document.getElementById('q'))).toBe(true);
    expect(isTypingTarget(document.getElementById('m'))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
