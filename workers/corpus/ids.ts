/**
 * Document ids across files: ONE rule for the page's import and the CLI's `--input`, so both faces
 * name clashes the same way. Pure: no DOM, no Node, no storage.
 *
 * - Within one import (one CLI run, one drop of several files), the first document to use an id keeps
 *   it; a later one with the same id becomes `<file>#<id>`, then `<file>#<id>~2`, `~3`… Decided by
 *   input order alone, so a rerun of the same inputs renames the same way. A duplicate inside one file
 *   is renamed by the same rule, never dropped.
 * - Against ids already stored (the page's corpus), {@link storedIdAction} says what to do with each:
 *   a document of another file is kept beside the stored one under a file-named id; a document of the
 *   same file (a re-import) follows the person's {@link StoredIdPolicy}, and the default never touches
 *   a reviewed document.
 */

/** The id a renamed document gets: `<file>#<id>`, then `~2`, `~3`… until `taken` says it is free. */
export function renamedId(fileName: string, id: string, taken: (candidate: string) => boolean): string {
  let candidate = `${fileName}#${id}`;
  for (let n = 2; taken(candidate); n += 1) candidate = `${fileName}#${id}~${n}`;
  return candidate;
}

/**
 * Hands out unique ids in input order. `taken` (optional) names ids used outside this assigner (the
 * page's stored ids that are not being replaced), so a renamed id never lands on one of them either.
 * Holds the ids it handed out (short strings), never texts.
 */
export class IdAssigner {
  readonly #seen = new Set<string>();
  #renamed = 0;

  constructor(private readonly taken: (id: string) => boolean = () => false) {}

  /** The id under which the document `id` of `fileName` is kept. */
  assign(fileName: string, id: string): string {
    const free = (candidate: string) => !this.#seen.has(candidate) && !this.taken(candidate);
    const out = free(id) ? id : renamedId(fileName, id, (candidate) => !free(candidate));
    if (out !== id) this.#renamed += 1;
    this.#seen.add(out);
    return out;
  }

  /** Whether this assigner handed out (or reserved) `id` already. */
  has(id: string): boolean {
    return this.#seen.has(id);
  }

  /** Marks an id as used without assigning it (an id kept from the store). */
  reserve(id: string): void {
    this.#seen.add(id);
  }

  /** How many documents were renamed so far. */
  get renamed(): number {
    return this.#renamed;
  }
}

/**
 * What a person chose for documents of a re-imported file whose ids are already stored:
 * - `skip`: keep the stored documents as they are, import nothing for those ids (the default);
 * - `replace`: take the file's text and metadata; a document whose text is unchanged keeps its spans,
 *   decisions and status; one whose text changed starts over (not run), except a reviewed document,
 *   which is never replaced;
 * - `keep-both`: import the file's document beside the stored one under a new id (`<file>#<id>`).
 */
export type StoredIdPolicy = 'skip' | 'replace' | 'keep-both';

/** The default answer: touches nothing already stored. */
export const DEFAULT_STORED_ID_POLICY: StoredIdPolicy = 'skip';

/** What is known of a stored document with the same id. */
export interface StoredIdInfo {
  /** The file the stored document came from. */
  readonly file: string;
  readonly text: string;
  readonly reviewed: boolean;
}

/** What to do with one incoming document whose id is stored. */
export type StoredIdAction =
  /** Import nothing for it. */
  | { readonly kind: 'skip'; readonly reason: 'policy' | 'reviewed' }
  /** Overwrite the stored document; `keepSpans`: its spans, decisions and status stay (same text). */
  | { readonly kind: 'replace'; readonly keepSpans: boolean }
  /** Import it under a new id (see {@link IdAssigner}). */
  | { readonly kind: 'rename' };

/**
 * The rule for an incoming document of `incomingFile` with `incomingText` whose id is stored. A
 * document of another file never needs a question: both are kept. `policy` is asked only for a
 * re-import of the same file (see {@link needsQuestion}).
 */
export function storedIdAction(
  stored: StoredIdInfo,
  incomingFile: string,
  incomingText: string,
  policy: StoredIdPolicy,
): StoredIdAction {
  if (stored.file !== incomingFile) return { kind: 'rename' };
  if (policy === 'keep-both') return { kind: 'rename' };
  if (policy === 'skip') return { kind: 'skip', reason: 'policy' };
  if (stored.text === incomingText) return { kind: 'replace', keepSpans: true };
  if (stored.reviewed) return { kind: 'skip', reason: 'reviewed' };
  return { kind: 'replace', keepSpans: false };
}

/** Whether a stored id conflict is one the person must decide (a re-import of the same file). */
export function needsQuestion(stored: Pick<StoredIdInfo, 'file'>, incomingFile: string): boolean {
  return stored.file === incomingFile;
}

/**
 * The file a document came from, from its name as the importers write it (`<file> #<line>` for
 * multi-document files, the file name alone otherwise) or as the page shows it (`<file> · row 3`).
 * For documents stored before the page kept the file name itself.
 */
export function fileOfName(name: string): string {
  const match = /^(.*?)(?: #\d+| · (?:row|line) \d+)$/.exec(name);
  return match ? match[1]! : name;
}
