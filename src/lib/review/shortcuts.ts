/**
 * The review workspace's keys, as labeling tools have them (Prodigy: a accept, x reject; doccano and
 * Label Studio: keys to move between tasks). Pure: which key does what, and when a key is the
 * person's typing and must be left alone.
 */

/** What a key asks for. */
export type ShortcutAction =
  'next' | 'previous' | 'next-unreviewed' | 'accept' | 'reject' | 'reviewed' | 'help';

/** The keys, as the help lists them (first key per line is the one shown on buttons). */
export const SHORTCUTS: readonly {
  readonly keys: readonly string[];
  readonly action: ShortcutAction;
  readonly does: string;
}[] = [
  { keys: ['j', 'Alt+↓'], action: 'next', does: 'next document' },
  { keys: ['k', 'Alt+↑'], action: 'previous', does: 'previous document' },
  { keys: ['n'], action: 'next-unreviewed', does: 'next document not reviewed yet' },
  { keys: ['a'], action: 'accept', does: 'accept the focused span (or the first undecided), then move on' },
  { keys: ['x'], action: 'reject', does: 'reject the focused span (or the first undecided), then move on' },
  { keys: ['r'], action: 'reviewed', does: 'mark the document reviewed (or not)' },
  { keys: ['←', '→'], action: 'help', does: 'move between spans; Enter opens a span’s menu' },
  { keys: ['?'], action: 'help', does: 'show or hide these keys' },
];

/** The parts of a keyboard event the decision needs. */
export interface KeyPress {
  readonly key: string;
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
}

/**
 * The action of a key press, or null. `typing`: the focus is in a text field, a select, an editable
 * element or an open popover (a span's menu): the key belongs to it, never to a shortcut.
 */
export function shortcutOf(press: KeyPress, typing: boolean): ShortcutAction | null {
  if (typing || press.ctrlKey || press.metaKey) return null;
  if (press.altKey) {
    if (press.key === 'ArrowDown') return 'next';
    if (press.key === 'ArrowUp') return 'previous';
    return null;
  }
  switch (press.key) {
    case 'j':
      return 'next';
    case 'k':
      return 'previous';
    case 'n':
      return 'next-unreviewed';
    case 'a':
      return 'accept';
    case 'x':
      return 'reject';
    case 'r':
      return 'reviewed';
    case '?':
      return 'help';
    default:
      return null;
  }
}

const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'range', 'button', 'submit', 'reset', 'file', 'color']);

/** Whether an element takes typed keys (or is inside a popover that does): shortcuts stay off there. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const element = target as HTMLElement;
  if (element.isContentEditable || element.closest('[role="dialog"]')) return true;
  // A checkbox, radio, slider or button input takes no letters: the keys stay on there.
  if (element instanceof HTMLInputElement && NON_TEXT_INPUTS.has(element.type)) return false;
  return (
    element.closest(
      'input, textarea, select, [contenteditable=""], [contenteditable="true"], [role="dialog"]',
    ) !== null
  );
}
