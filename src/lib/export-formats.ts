/**
 * Pure exporters of extraction results: JSON, JSON Lines, CoNLL BIO and CSV.
 * Offsets are UTF-16 code units of the passage, half-open `[start, end)`. Scores (0..1, the model's
 * confidence in the string, see `FoundEntity.score`) travel in JSON, JSON Lines and CSV when known.
 */
import type { FoundEntity } from '../../workers/protocol';

/** Results of one run: entity type → entities found for it. */
export type ResultsByType = Readonly<Record<string, readonly FoundEntity[]>>;

/** One located entity: the row of the JSONL and CSV exports. */
export interface SpanRow {
  readonly type: string;
  /** The passage text at `[start, end)` (which may differ in case from the model's string). */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** The model's confidence in the string, 0..1; absent when the engine gave none. */
  readonly score?: number;
}

/**
 * Every span of every type, deduplicated, sorted by start, end, then type order. Where two strings of
 * one type land on the same span (tolerant matching), the span keeps the higher score.
 */
export function spanRows(
  passage: string,
  results: ResultsByType,
  typeOrder: readonly string[] = Object.keys(results),
): SpanRow[] {
  const rank = new Map(typeOrder.map((t, i) => [t, i]));
  const rows = new Map<string, SpanRow>();
  for (const [type, entities] of Object.entries(results)) {
    for (const entity of entities) {
      for (const { start, end } of entity.spans) {
        const key = `${type}\u0000${start}\u0000${end}`;
        const seen = rows.get(key);
        const score = Math.max(seen?.score ?? -Infinity, entity.score ?? -Infinity);
        rows.set(key, {
          type,
          text: passage.slice(start, end),
          start,
          end,
          ...(score === -Infinity ? {} : { score }),
        });
      }
    }
  }
  const r = (t: string) => rank.get(t) ?? typeOrder.length;
  return [...rows.values()].sort((a, b) => a.start - b.start || a.end - b.end || r(a.type) - r(b.type));
}

/** The JSON document of "Copy JSON". */
export interface ExportDocument {
  readonly passage: string;
  readonly model: string | null;
  readonly entityTypes: readonly string[];
  readonly results: ResultsByType;
  readonly spans: readonly SpanRow[];
}

/** Pretty-printed JSON of the whole run: passage, model, results per type (with match kind) and flat spans. */
export function toJson(
  passage: string,
  results: ResultsByType,
  model: string | null,
  typeOrder?: readonly string[],
): string {
  const entityTypes = typeOrder ?? Object.keys(results);
  const doc: ExportDocument = {
    passage,
    model,
    entityTypes,
    results,
    spans: spanRows(passage, results, entityTypes),
  };
  return JSON.stringify(doc, null, 2);
}

/**
 * JSON Lines: one `{"type","text","start","end"}` object per span, plus `"score"` when known, `\n`
 * after each line (the CLI's line format).
 */
export function toJsonLines(passage: string, results: ResultsByType, typeOrder?: readonly string[]): string {
  return spanRows(passage, results, typeOrder)
    .map((row) => JSON.stringify(spanLine(row)) + '\n')
    .join('');
}

/** The JSON Lines object of one span: `score` only when known. */
function spanLine(row: SpanRow): SpanRow {
  const { type, text, start, end, score } = row;
  return { type, text, start, end, ...(score === undefined ? {} : { score }) };
}

/** A whitespace-delimited token of the passage. */
export interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Splits on whitespace, keeping offsets. */
export function whitespaceTokens(passage: string): Token[] {
  const tokens: Token[] = [];
  for (const match of passage.matchAll(/\S+/g)) {
    tokens.push({ text: match[0], start: match.index, end: match.index + match[0].length });
  }
  return tokens;
}

/** A BIO label never contains whitespace: `programming language` → `programming_language`. */
export function bioLabelOf(type: string): string {
  return type.trim().replace(/\s+/g, '_');
}

/**
 * CoNLL BIO: one `token<TAB>label` line per whitespace token, a blank line where the passage has a line
 * break between tokens (and at the end).
 *
 * A token belongs to a span when they share at least one character, so spans that cut a token label
 * the whole token. BIO allows one label per token, so overlapping spans are resolved greedily: longer
 * spans (in tokens) win, then earlier ones, then the type listed first; a span that shares a token with
 * an already chosen span is dropped whole (never partially labelled). Use JSONL or CSV to keep overlaps.
 */
export function toConllBio(passage: string, results: ResultsByType, typeOrder?: readonly string[]): string {
  const order = typeOrder ?? Object.keys(results);
  const rank = new Map(order.map((t, i) => [t, i]));
  const tokens = whitespaceTokens(passage);
  const labels: string[] = tokens.map(() => 'O');
  const candidates = spanRows(passage, results, order)
    .map((row) => {
      let first = -1;
      let last = -1;
      tokens.forEach((token, i) => {
        if (token.start < row.end && token.end > row.start) {
          if (first < 0) first = i;
          last = i;
        }
      });
      return { row, first, last };
    })
    .filter((c) => c.first >= 0)
    .sort(
      (a, b) =>
        b.last - b.first - (a.last - a.first) ||
        a.first - b.first ||
        (rank.get(a.row.type) ?? order.length) - (rank.get(b.row.type) ?? order.length),
    );
  const taken = new Array<boolean>(tokens.length).fill(false);
  for (const { row, first, last } of candidates) {
    if (taken.slice(first, last + 1).some(Boolean)) continue;
    const label = bioLabelOf(row.type);
    for (let i = first; i <= last; i++) {
      taken[i] = true;
      labels[i] = `${i === first ? 'B' : 'I'}-${label}`;
    }
  }
  let out = '';
  tokens.forEach((token, i) => {
    if (i > 0 && passage.slice(tokens[i - 1]!.end, token.start).includes('\n')) out += '\n';
    out += `${token.text}\t${labels[i]}\n`;
  });
  return tokens.length ? out + '\n' : '';
}

/**
 * RFC 4180 field: quoted when it holds a comma, a quote, CR or LF (quotes doubled). A text cell that
 * a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a CR) gets a
 * leading apostrophe, as OWASP's CSV injection advice says; numbers are written as they are.
 */
export function csvField(value: string | number): string {
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * CSV with a header `type,text,start,end,score`, CRLF line endings (RFC 4180). `score` is empty where
 * the engine gave none.
 */
export function toCsv(passage: string, results: ResultsByType, typeOrder?: readonly string[]): string {
  const lines = [['type', 'text', 'start', 'end', 'score'].join(',')];
  for (const row of spanRows(passage, results, typeOrder)) {
    const score = row.score === undefined ? '' : row.score;
    lines.push(
      [csvField(row.type), csvField(row.text), csvField(row.start), csvField(row.end), csvField(score)].join(
        ',',
      ),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
