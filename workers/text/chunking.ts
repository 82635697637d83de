/**
 * Long passages: split at sentence boundaries into chunks that each fit a token budget, then map the
 * per-chunk results back to passage offsets and merge them.
 *
 * Chunks are contiguous and cover the passage exactly (`chunk.text === passage.slice(start, end)`,
 * each chunk starting where the previous ended), so whitespace between sentences belongs to the
 * sentence before it and nothing is lost. A sentence longer than the budget is split after
 * whitespace; a word longer than the budget is cut hard, never inside a surrogate pair and, where
 * possible, never before a combining mark.
 *
 * The token counter is injected: the worker passes its tokenizer, tests a simple counter. Each
 * piece is counted once and every chunk is then counted as a whole before it is accepted, so the
 * budget holds even for tokenizers whose counts do not add up across a cut.
 */

import { InputError } from '../errors';
import type { FoundEntity, Span } from '../protocol';

/** More characters per token than any real tokenizer averages over a long text (see chunkPassage). */
const MAX_CHARS_PER_TOKEN = 64;

/** Counts the tokens of a piece of text (the caller decides whether special tokens count). */
export type TokenCounter = (text: string) => number;

/** One piece of the passage: `text === passage.slice(start, end)`. */
export interface Chunk {
  readonly text: string;
  /** Offset of the chunk's first UTF-16 code unit in the passage; add it to spans found in the chunk. */
  readonly start: number;
  readonly end: number;
}

/** How sentences are found: `intl` is `Intl.Segmenter` (UAX #29), `regex` a simple fallback. */
export type SentenceSplitter = 'auto' | 'intl' | 'regex';

/** Options of {@link chunkPassage}. */
export interface ChunkOptions {
  /** Default `auto`: `Intl.Segmenter` where the runtime has it, the regex otherwise. */
  readonly sentences?: SentenceSplitter;
}

/**
 * Splits `passage` into chunks of at most `budget` tokens each, at sentence boundaries where possible.
 * A passage that fits is one chunk; an empty passage is no chunks. The whole list at once: see
 * {@link chunkPassageLazily} for the same chunks one at a time.
 *
 * @throws {InputError} when the budget is not a positive number, or is too small to hold even one
 *   character (then no split can satisfy it).
 */
export function chunkPassage(
  passage: string,
  budget: number,
  countTokens: TokenCounter,
  options: ChunkOptions = {},
): Chunk[] {
  return [...chunkPassageLazily(passage, budget, countTokens, options)];
}

/**
 * The chunks of {@link chunkPassage}, computed only as far as they are consumed. Why: counting the
 * tokens of a 1 MB passage takes seconds, and the first chunk can be answered long before the last
 * one is known. Sentences are found window by window and pieces are counted just ahead of the chunk
 * being packed, so taking the first chunk costs about one chunk's worth of counting.
 *
 * @throws {InputError} as {@link chunkPassage}, when the budget is unusable (on the first `next()`).
 */
export function* chunkPassageLazily(
  passage: string,
  budget: number,
  countTokens: TokenCounter,
  options: ChunkOptions = {},
): Generator<Chunk, void, undefined> {
  if (!(budget >= 1)) {
    throw new InputError(
      `The chunk token budget must be at least 1 (got ${budget}). Use a model with a longer context.`,
    );
  }
  if (passage === '') return;
  // Counting a long text is the slow part (a 1 MB passage takes seconds): skip the whole-passage count
  // when the passage cannot fit anyway — no tokenizer we know of has tokens averaging 64 characters.
  const certainlyTooLong = passage.length > budget * MAX_CHARS_PER_TOKEN;
  if (!certainlyTooLong && countTokens(passage) <= budget) {
    yield { text: passage, start: 0, end: passage.length };
    return;
  }
  // What one count adds regardless of the text (BOS, say); subtracted when estimating a sum of pieces.
  const overhead = Math.max(0, countTokens(''));
  yield* pack(
    passage,
    pieces(passage, budget, countTokens, options.sentences),
    budget,
    overhead,
    countTokens,
  );
}

/**
 * How many chunks a passage will probably have, from the chunks taken so far (their average length
 * applied to the rest). For progress display while {@link chunkPassageLazily} is still going.
 */
export function estimateChunkCount(
  passageLength: number,
  chunksSoFar: number,
  charactersCovered: number,
): number {
  if (chunksSoFar === 0 || charactersCovered <= 0) return 1;
  const remaining = Math.max(0, passageLength - charactersCovered);
  return chunksSoFar + Math.ceil((remaining * chunksSoFar) / charactersCovered);
}

/** The passage as pieces that each fit the budget, sentence by sentence, computed on demand. */
function* pieces(
  passage: string,
  budget: number,
  countTokens: TokenCounter,
  splitter: SentenceSplitter | undefined,
): Generator<Piece, void, undefined> {
  let start = 0;
  const out: Piece[] = [];
  for (const end of sentenceEnds(passage, splitter)) {
    splitToFit(passage, start, end, budget, countTokens, out);
    yield* out;
    out.length = 0;
    start = end;
  }
}

/**
 * The offsets where sentences end, ascending, the last one being `text.length` (none for `''`).
 * The whitespace after a sentence belongs to it.
 */
export function sentenceBoundaries(text: string, splitter: SentenceSplitter = 'auto'): number[] {
  return [...sentenceEnds(text, splitter)];
}

/** {@link sentenceBoundaries} one at a time, found only as far as they are consumed. */
function* sentenceEnds(
  text: string,
  splitter: SentenceSplitter = 'auto',
): Generator<number, void, undefined> {
  if (text === '') return;
  const useIntl = splitter === 'intl' || (splitter === 'auto' && typeof Intl.Segmenter === 'function');
  if (useIntl) {
    yield* intlSentenceEnds(text);
  } else {
    let last = 0;
    for (const match of text.matchAll(SENTENCE_END)) {
      const end = match.index + match[0].length;
      if (end > last && end < text.length) {
        yield end;
        last = end;
      }
    }
  }
  yield text.length;
}

/** Characters segmented at once; see {@link intlSentenceEnds}. */
const SEGMENT_WINDOW = 4096;
/** Ends this close to a window's cut are not trusted: the rules look ahead past a full stop. */
const SEGMENT_MARGIN = 256;

/**
 * `Intl.Segmenter` sentence ends, found window by window. Iterating the segments of one long string
 * is quadratic in V8 (about 75 s for 1 MB of short sentences), so the text is segmented in windows
 * of {@link SEGMENT_WINDOW} characters; ends within {@link SEGMENT_MARGIN} of a window's cut are
 * dropped and found again by the next window, which starts at the last end kept. A window with no
 * trustworthy end (one very long sentence) is doubled until it has one or reaches the text's end.
 */
function* intlSentenceEnds(text: string): Generator<number, void, undefined> {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'sentence' });
  let from = 0;
  let size = SEGMENT_WINDOW;
  while (from < text.length) {
    const to = Math.min(text.length, from + size);
    const last = to === text.length;
    const limit = last ? to : to - SEGMENT_MARGIN;
    let kept = from;
    for (const { index } of segmenter.segment(text.slice(from, to))) {
      const end = from + index;
      if (index > 0 && end < text.length && end <= limit) {
        yield end;
        kept = end;
      }
    }
    if (last) return;
    if (kept === from) {
      size *= 2;
    } else {
      from = kept;
      size = SEGMENT_WINDOW;
    }
  }
}

/**
 * Fallback sentence ends: terminal punctuation (optionally followed by closing quotes or brackets)
 * plus the whitespace after it, CJK full stops with or without whitespace, or a line break.
 */
const SENTENCE_END = /[.!?…]+["'”’»)\]]*\s+|[。！？]+["'”’»)\]]*\s*|\n\s*/gu;

/** Shifts spans found in a chunk by the chunk's start offset, to passage offsets. */
export function mapSpans(chunkOffset: number, spans: readonly Span[]): Span[] {
  return spans.map(({ start, end }) => ({ start: start + chunkOffset, end: end + chunkOffset }));
}

/** {@link mapSpans} for every entity of a chunk's answer. */
export function mapFoundEntities(chunkOffset: number, entities: readonly FoundEntity[]): FoundEntity[] {
  return entities.map((entity) => ({ ...entity, spans: mapSpans(chunkOffset, entity.spans) }));
}

/**
 * Merges the entities of one type over all chunks (spans already in passage offsets, see
 * {@link mapFoundEntities}) into one list: one entry per distinct text, in first-seen order, with the
 * union of its spans deduplicated and sorted. `match` is `none` without spans, `tolerant` when any
 * chunk matched the text tolerantly, else `exact`. `score` is the highest any chunk gave the text
 * (absent when none did): the model was that sure of it somewhere in the passage.
 */
export function mergeFoundEntities(perChunk: readonly (readonly FoundEntity[])[]): FoundEntity[] {
  const merged = new Map<string, { spans: Map<string, Span>; tolerant: boolean; score?: number }>();
  for (const entities of perChunk) {
    for (const entity of entities) {
      let entry = merged.get(entity.text);
      if (!entry) {
        entry = { spans: new Map(), tolerant: false };
        merged.set(entity.text, entry);
      }
      if (entity.match === 'tolerant' && entity.spans.length > 0) entry.tolerant = true;
      if (entity.score !== undefined) entry.score = Math.max(entry.score ?? -Infinity, entity.score);
      for (const span of entity.spans)
        entry.spans.set(`${span.start}:${span.end}`, { start: span.start, end: span.end });
    }
  }
  return [...merged].map(([text, { spans, tolerant, score }]) => {
    const sorted = [...spans.values()].sort((a, b) => a.start - b.start || a.end - b.end);
    const match = sorted.length === 0 ? 'none' : tolerant ? 'tolerant' : 'exact';
    return { text, spans: sorted, match, ...(score === undefined ? {} : { score }) };
  });
}

/** A contiguous piece of the passage with its own token count (always within the budget). */
interface Piece {
  readonly start: number;
  readonly end: number;
  readonly tokens: number;
}

/** Appends `[start, end)` as pieces that each fit: whole, else at whitespace, else hard cuts. */
function splitToFit(
  passage: string,
  start: number,
  end: number,
  budget: number,
  countTokens: TokenCounter,
  out: Piece[],
): void {
  const tokens = countTokens(passage.slice(start, end));
  if (tokens <= budget) {
    out.push({ start, end, tokens });
    return;
  }
  for (const [wordStart, wordEnd] of words(passage, start, end)) {
    const wordTokens =
      wordEnd - wordStart === end - start ? tokens : countTokens(passage.slice(wordStart, wordEnd));
    if (wordTokens <= budget) out.push({ start: wordStart, end: wordEnd, tokens: wordTokens });
    else hardCut(passage, wordStart, wordEnd, budget, countTokens, out);
  }
}

/** `[start, end)` cut after every whitespace run: each word keeps the whitespace that follows it. */
function* words(passage: string, start: number, end: number): Generator<[number, number]> {
  const whitespaceRun = /\s+/gu;
  whitespaceRun.lastIndex = start;
  let from = start;
  for (;;) {
    const match = whitespaceRun.exec(passage);
    if (!match || match.index >= end) break;
    const cut = Math.min(match.index + match[0].length, end);
    if (cut > from && cut < end) {
      yield [from, cut];
      from = cut;
    }
    if (cut >= end) break;
  }
  yield [from, end];
}

/** Cuts `[start, end)` into the longest prefixes that fit, by binary search on the cut offset. */
function hardCut(
  passage: string,
  start: number,
  end: number,
  budget: number,
  countTokens: TokenCounter,
  out: Piece[],
): void {
  let from = start;
  const fits = (cut: number) => countTokens(passage.slice(from, safeCut(passage, from, cut))) <= budget;
  while (from < end) {
    // Gallop to bracket the cut, then bisect: the counter only ever sees about twice the chunk,
    // not the rest of a long word (which made a 1 MB word quadratic).
    let lo = from; // fits (empty)
    let step = 1;
    while (lo + step < end && fits(lo + step)) {
      lo += step;
      step *= 2;
    }
    let hi = Math.min(end, lo + step); // lo + step does not fit, or is the end
    if (hi === end && fits(end)) lo = end;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    const cut = safeCut(passage, from, lo);
    if (cut <= from) {
      throw new InputError(
        `The chunk token budget (${budget}) is too small to hold even one character of the passage. ` +
          'Use a model with a longer context or a shorter question.',
      );
    }
    out.push({ start: from, end: cut, tokens: countTokens(passage.slice(from, cut)) });
    from = cut;
  }
}

const COMBINING_MARK = /^\p{M}$/u;

/**
 * `cut` moved back so it does not split a surrogate pair and, if that leaves something, does not
 * separate a combining mark from its base.
 */
function safeCut(passage: string, from: number, cut: number): number {
  if (cut >= passage.length || cut <= from) return cut;
  let safe = cut;
  if (isLowSurrogate(passage.charCodeAt(safe)) && isHighSurrogate(passage.charCodeAt(safe - 1))) safe--;
  let withMarks = safe;
  while (withMarks > from && COMBINING_MARK.test(String.fromCodePoint(passage.codePointAt(withMarks) ?? 0))) {
    withMarks--;
    if (isLowSurrogate(passage.charCodeAt(withMarks)) && isHighSurrogate(passage.charCodeAt(withMarks - 1)))
      withMarks--;
  }
  return withMarks > from ? withMarks : safe;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/**
 * Greedy packing of pieces into chunks, checked against the real count of each chunk. Pieces are
 * pulled from `source` only as far as the current chunk needs (one piece of lookahead).
 */
function* pack(
  passage: string,
  source: Iterator<Piece, void, undefined>,
  budget: number,
  overhead: number,
  countTokens: TokenCounter,
): Generator<Chunk, void, undefined> {
  // Pieces pulled but not yet packed, in passage order.
  const pending: Piece[] = [];
  const pieceAt = (i: number): Piece | undefined => {
    while (pending.length <= i) {
      const next = source.next();
      if (next.done) return undefined;
      pending.push(next.value);
    }
    return pending[i];
  };
  for (let first = pieceAt(0); first; first = pieceAt(0)) {
    // Extend while the estimate fits...
    let last = 0;
    let estimate = first.tokens;
    for (
      let next = pieceAt(1);
      next && estimate + next.tokens - overhead <= budget;
      next = pieceAt(last + 1)
    ) {
      last++;
      estimate += next.tokens - overhead;
    }
    // ...then back off while the real count does not (a single piece always fits: it was counted).
    while (last > 0 && countTokens(passage.slice(first.start, pending[last]!.end)) > budget) last--;
    const end = pending[last]!.end;
    pending.splice(0, last + 1);
    yield { text: passage.slice(first.start, end), start: first.start, end };
  }
}
