/**
 * A bounded undo/redo history of review states. Each entry keeps the state and the message of the
 * command that produced it, so "Undone: Added person: Alice Smith" can be announced. States are
 * immutable, so an entry is a reference, not a copy.
 */
import type { CommandResult, ReviewState } from './review-state';

/** The most commands that can be undone; older ones are forgotten. */
export const HISTORY_LIMIT = 100;

/** Past and future of one passage's review. */
export interface ReviewHistory {
  /** States before each undoable command, oldest first, with the command's message. */
  readonly past: readonly HistoryEntry[];
  /** States undone, most recently undone last. */
  readonly future: readonly HistoryEntry[];
}

/** One step: the state on the other side of the command and what the command was. */
export interface HistoryEntry {
  readonly state: ReviewState;
  readonly message: string;
}

export const EMPTY_HISTORY: ReviewHistory = { past: [], future: [] };

/** Records that `result` replaced `current`; clears the redo list (a new branch of edits). */
export function record(
  history: ReviewHistory,
  current: ReviewState,
  result: CommandResult,
  limit = HISTORY_LIMIT,
): ReviewHistory {
  const past = [...history.past, { state: current, message: result.message }];
  return { past: past.length > limit ? past.slice(past.length - limit) : past, future: [] };
}

/** The state before the last command, or null when there is nothing to undo. */
export function undo(
  history: ReviewHistory,
  current: ReviewState,
): { history: ReviewHistory; state: ReviewState; message: string } | null {
  const last = history.past[history.past.length - 1];
  if (!last) return null;
  return {
    history: {
      past: history.past.slice(0, -1),
      future: [...history.future, { state: current, message: last.message }],
    },
    state: last.state,
    message: `Undone: ${last.message}`,
  };
}

/** The state the last undo left, or null when there is nothing to redo. */
export function redo(
  history: ReviewHistory,
  current: ReviewState,
): { history: ReviewHistory; state: ReviewState; message: string } | null {
  const next = history.future[history.future.length - 1];
  if (!next) return null;
  return {
    history: {
      past: [...history.past, { state: current, message: next.message }],
      future: history.future.slice(0, -1),
    },
    state: next.state,
    message: `Redone: ${next.message}`,
  };
}
