/**
 * Parsing the model's answer: a JSON list of strings such as `["Barack Obama", "Hawaii"]`.
 *
 * {@link StreamingListParser} reads the answer while it is generated, emits each entity the moment its
 * closing quote arrives (so the page can highlight it at once), never throws, and salvages what it can
 * from malformed output, reporting what was wrong. Scoring the way the paper does uses the official
 * parser's twin instead, quirk for quirk: `tools/eval/official-parser.ts`.
 */

/** What the streaming parser made of a whole answer. */
export interface ParseReport {
  /** Every entity string, in answer order (duplicates kept; empty and blank strings left out). */
  readonly entities: readonly string[];
  /** True when the answer was exactly one JSON list of strings, optionally surrounded by whitespace. */
  readonly wellFormed: boolean;
  /** What was wrong and what was done about it; absent when well formed. */
  readonly problem?: string;
}

/** Called once per entity, as soon as its closing quote has been fed. */
export type EntityListener = (entity: string, index: number) => void;

/**
 * Where the parser is: `before` the opening `[`; `expect-value` after `[` or `,`; `after-value` after
 * an item; `string`, `escape` (after a backslash) and `unicode` (inside `\uXXXX`) within a string;
 * `bare` inside a non-string item (number, `true`, an unquoted word), skipped up to `,` or `]`; `skip`
 * inside an object item, skipped whole (its strings are keys and values, not entities); `done` after
 * the closing `]`.
 */
type State =
  'before' | 'expect-value' | 'after-value' | 'string' | 'escape' | 'unicode' | 'bare' | 'skip' | 'done';

const HEX = /^[0-9a-fA-F]$/;
const JSON_WS = new Set([' ', '\t', '\n', '\r']);
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * An incremental, never-throwing parser of a JSON list of strings.
 *
 * Feed it text deltas cut anywhere (inside escapes, between the halves of a surrogate pair); each
 * {@link feed} returns the entities completed by that delta (and calls the listener for each). Then
 * {@link finish} returns the report. Malformed answers are salvaged rather than rejected:
 *
 * - text before the first `[` (`Sure! ["a"]`, a code fence) is skipped; an answer that starts with
 *   `"` is read as a list whose `[` is missing;
 * - strings inside nested lists are taken (flattened); numbers, `true`, unquoted words and objects are
 *   skipped; single-quoted strings (a Python repr) are taken;
 * - a missing comma between strings, an empty item and a trailing comma are tolerated;
 * - an invalid escape (`\x`, `\u12`) is kept as written; a raw control character (a newline inside a
 *   string) is kept;
 * - text after the closing `]` is ignored; an unterminated last string is dropped (it is most likely
 *   cut off by the token limit, and half an entity would highlight the wrong span).
 *
 * Every such repair makes the answer not well formed and is named in `problem`. Whitespace between
 * items, newlines included, is valid JSON and well formed (the official parser would reject a newline:
 * see `tools/eval/official-parser.ts`). Empty and whitespace-only strings are never entities.
 */
export class StreamingListParser {
  private state: State = 'before';
  /** `[` nesting depth; 1 inside the top-level list. */
  private depth = 0;
  /** The quote that opened the current string (`"`, or `'` for a salvaged Python-style string). */
  private quote = '"';
  /** The decoded text of the current string so far. */
  private buffer = '';
  private hex = '';
  /** Nesting depth of `{`/`[` inside a skipped object, and its string state. */
  private skipDepth = 0;
  private skipInString = false;
  private skipEscape = false;
  private sawText = false;
  private sawComma = false;
  private readonly found: string[] = [];
  private readonly problems: string[] = [];
  private report: ParseReport | undefined;

  /** @param onEntity optional listener called for every entity as soon as it is complete. */
  constructor(private readonly onEntity?: EntityListener) {}

  /** The entities found so far. */
  get entities(): readonly string[] {
    return this.found;
  }

  /**
   * Reads the next piece of the answer.
   *
   * @returns the entities completed by this piece, in order (often none). Never throws; pieces fed
   *   after {@link finish} are ignored.
   */
  feed(delta: string): string[] {
    if (this.report) return [];
    const fresh: string[] = [];
    for (let i = 0; i < delta.length; i++) this.step(delta.charAt(i), fresh);
    return fresh;
  }

  /** Ends the answer and reports what was found. Calling it again returns the same report. */
  finish(): ParseReport {
    if (this.report) return this.report;
    switch (this.state) {
      case 'before':
        this.problem(this.sawText ? 'no JSON list was found in the answer' : 'the answer is empty');
        break;
      case 'string':
      case 'escape':
      case 'unicode': {
        const partial = this.buffer + (this.state === 'unicode' ? `\\u${this.hex}` : '');
        this.problem(`an unterminated string was dropped (${JSON.stringify(partial.slice(0, 40))})`);
        this.problem('the list was not closed');
        break;
      }
      case 'done':
        break;
      default:
        this.problem('the list was not closed');
    }
    this.report =
      this.problems.length === 0
        ? { entities: this.found, wellFormed: true }
        : { entities: this.found, wellFormed: false, problem: this.problems.join('; ') };
    return this.report;
  }

  private step(c: string, fresh: string[]): void {
    switch (this.state) {
      case 'before':
        if (JSON_WS.has(c)) return;
        if (c === '[') {
          if (this.sawText) this.problem('text before the list was skipped');
          this.depth = 1;
          this.sawComma = false;
          this.state = 'expect-value';
        } else if (c === '"' && !this.sawText) {
          // The model skipped the `[` and went straight to the first string.
          this.problem('the list has no opening [');
          this.depth = 1;
          this.startString(c);
        } else {
          this.sawText = true;
        }
        return;
      case 'expect-value':
      case 'after-value':
        this.between(c);
        return;
      case 'string':
        if (c === '\\') this.state = 'escape';
        else if (c === this.quote) this.endString(fresh);
        else {
          if (c < ' ') this.problem('a raw control character (such as a newline) inside a string was kept');
          this.buffer += c;
        }
        return;
      case 'escape': {
        const simple = SIMPLE_ESCAPES[c];
        if (c === 'u') {
          this.hex = '';
          this.state = 'unicode';
          return;
        }
        if (simple !== undefined) this.buffer += simple;
        else if (c === "'" && this.quote === "'") this.buffer += c;
        else {
          this.problem('an invalid escape sequence was kept as written');
          this.buffer += `\\${c}`;
        }
        this.state = 'string';
        return;
      }
      case 'unicode':
        if (HEX.test(c)) {
          this.hex += c;
          if (this.hex.length === 4) {
            // One UTF-16 code unit; two consecutive escapes form a surrogate pair by concatenation.
            this.buffer += String.fromCharCode(parseInt(this.hex, 16));
            this.state = 'string';
          }
          return;
        }
        this.problem('an invalid escape sequence was kept as written');
        this.buffer += `\\u${this.hex}`;
        this.state = 'string';
        this.step(c, fresh);
        return;
      case 'bare':
        if (c === ',' || c === ']') this.between(c);
        return;
      case 'skip':
        this.skip(c);
        return;
      case 'done':
        if (!JSON_WS.has(c)) this.problem('text after the list was ignored');
        return;
    }
  }

  /** A character between items: after `[`, `,` or a finished item. */
  private between(c: string): void {
    if (JSON_WS.has(c)) return;
    const expectingValue = this.state === 'expect-value';
    if (c === ']') {
      if (expectingValue && this.sawComma) this.problem('a trailing comma was ignored');
      this.depth--;
      this.sawComma = false;
      this.state = this.depth === 0 ? 'done' : 'after-value';
      return;
    }
    if (c === ',') {
      if (expectingValue) this.problem('an empty item was ignored');
      this.sawComma = true;
      this.state = 'expect-value';
      return;
    }
    if (!expectingValue) this.problem('a missing comma between items was tolerated');
    if (c === '"' || c === "'") {
      if (c === "'") this.problem('single-quoted strings were read as strings');
      this.startString(c);
    } else if (c === '[') {
      this.problem('nested lists were flattened');
      this.depth++;
      this.sawComma = false;
      this.state = 'expect-value';
    } else if (c === '{') {
      this.problem('non-string items were skipped');
      this.skipDepth = 1;
      this.skipInString = false;
      this.skipEscape = false;
      this.state = 'skip';
    } else {
      this.problem('non-string items were skipped');
      this.state = 'bare';
    }
  }

  private startString(quote: string): void {
    this.quote = quote;
    this.buffer = '';
    this.state = 'string';
  }

  private endString(fresh: string[]): void {
    const entity = this.buffer;
    this.buffer = '';
    this.sawComma = false;
    this.state = 'after-value';
    if (entity.trim() === '') return;
    this.found.push(entity);
    fresh.push(entity);
    this.onEntity?.(entity, this.found.length - 1);
  }

  /** Skips an object item, tracking its own nesting and strings so `]`/`,` inside it do not count. */
  private skip(c: string): void {
    if (this.skipInString) {
      if (this.skipEscape) this.skipEscape = false;
      else if (c === '\\') this.skipEscape = true;
      else if (c === '"') this.skipInString = false;
      return;
    }
    if (c === '"') this.skipInString = true;
    else if (c === '{' || c === '[') this.skipDepth++;
    else if (c === '}' || c === ']') {
      this.skipDepth--;
      if (this.skipDepth === 0) this.state = 'after-value';
    }
  }

  private problem(message: string): void {
    if (!this.problems.includes(message)) this.problems.push(message);
  }
}

/**
 * Parses a whole answer with {@link StreamingListParser}: a convenience for non-streaming callers.
 * Never throws.
 */
export function parseAnswer(answer: string): ParseReport {
  const parser = new StreamingListParser();
  parser.feed(answer);
  return parser.finish();
}
