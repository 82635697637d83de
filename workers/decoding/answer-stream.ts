/**
 * Turns generated token ids into answer text and entities as they arrive: incremental detokenisation
 * (holding back a partial UTF-8 character, which decodes to U+FFFD until its last byte arrives) feeding
 * the streaming list parser. Given each token's log-probability, it also scores every entity from the
 * tokens that spell it (see `token-scores.ts`).
 */
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { StreamingListParser, type ParseReport } from '../text/stream-parser';
import { TokenCharRanges, entityScore, openingQuote, type EntityOccurrence } from './token-scores';

/** The finished answer of one question. */
export interface FinishedAnswer extends ParseReport {
  /** The raw answer text the model produced (special tokens removed). */
  readonly text: string;
  /** Entity text → confidence 0..1 (the highest of its occurrences); only entities with a score. */
  readonly scores: ReadonlyMap<string, number>;
}

/**
 * A parser fed one character at a time, so that the answer-text index of each entity's closing quote
 * is known, and from it the whole occurrence.
 */
class LocatingParser {
  private readonly parser = new StreamingListParser();
  private fed = 0;

  /** Feeds `text` from where the last call stopped; returns the occurrences completed. */
  feedUpTo(text: string): EntityOccurrence[] {
    const fresh: EntityOccurrence[] = [];
    for (; this.fed < text.length; this.fed++) {
      for (const entity of this.parser.feed(text.charAt(this.fed))) {
        const close = this.fed;
        fresh.push({ text: entity, open: openingQuote(text, close), close });
      }
    }
    return fresh;
  }

  get entities(): readonly string[] {
    return this.parser.entities;
  }

  finish(): ParseReport {
    return this.parser.finish();
  }
}

export class AnswerStream {
  private readonly ids: number[] = [];
  /** log p of each of `ids`; `undefined` where the caller gave none. */
  private readonly logProbs: (number | undefined)[] = [];
  private readonly ranges = new TokenCharRanges();
  private emitted = '';
  private readonly parser = new LocatingParser();
  private readonly scored = new Map<string, number>();

  constructor(
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly eosTokenIds: readonly number[],
  ) {}

  /**
   * Adds one generated token and, when known, its log-probability under the model's distribution;
   * returns the entities it completed.
   */
  push(id: number, logProb?: number): string[] {
    if (this.eosTokenIds.includes(id)) return [];
    this.ids.push(id);
    this.logProbs.push(logProb);
    const text = this.decode();
    this.ranges.push(text);
    // Wait for the rest of a multi-byte character, and for decodes that rewrite earlier text
    // (rare: SentencePiece's leading-space strip only touches the first token).
    if (text.endsWith('\uFFFD') || !text.startsWith(this.emitted)) return [];
    this.emitted = text;
    const completed = this.parser.feedUpTo(text);
    this.score(completed, this.scored);
    return completed.map((occurrence) => occurrence.text);
  }

  /** See {@link listReadingDecided}: the answer so far already fixes what a first-line list reader gets. */
  listReadingDecided(): boolean {
    return listReadingDecided(this.emitted);
  }

  /** Entities completed so far. */
  entities(): readonly string[] {
    return this.parser.entities;
  }

  /** Entity text → confidence 0..1 for the entities completed so far (the highest occurrence). */
  scores(): ReadonlyMap<string, number> {
    return this.scored;
  }

  /** Flushes what was held back and returns the parse report with the raw text and the scores. */
  finish(): FinishedAnswer {
    const text = this.decode();
    if (text.startsWith(this.emitted)) {
      this.score(this.parser.feedUpTo(text), this.scored);
      return { ...this.parser.finish(), text, scores: this.scored };
    }
    // The held-back text diverged from what was fed: reparse the whole answer for the report.
    const fresh = new LocatingParser();
    const scores = new Map<string, number>();
    this.score(fresh.feedUpTo(text), scores);
    return { ...fresh.finish(), text, scores };
  }

  /** Scores `occurrences` into `into`, keeping each text's highest score. */
  private score(occurrences: readonly EntityOccurrence[], into: Map<string, number>): void {
    for (const occurrence of occurrences) {
      const score = entityScore(occurrence, this.ranges, this.logProbs);
      if (score === undefined) continue;
      const best = into.get(occurrence.text);
      if (best === undefined || score > best) into.set(occurrence.text, score);
    }
  }

  private decode(): string {
    // An answer that is EOS at once has no ids, and transformers.js refuses to decode none.
    if (this.ids.length === 0) return '';
    return this.tokenizer.decode(this.ids, { skip_special_tokens: true });
  }
}

/**
 * Leading whitespace as both JavaScript's `\s` and Python's `str.strip()` see it (their union: Python
 * also strips the information separators U+001C..U+001F and U+0085).
 */
// eslint-disable-next-line no-control-regex -- those separators are exactly what Python strips
const LEADING_WHITESPACE = /^[\s\x1c-\x1f\x85]+/u;

/**
 * Whether more text can no longer change what a reader of "the JSON list at the start of the first
 * line" gets — UniNER's official parser (`re.match(r'\[(.*?)\]')` on the stripped answer): the answer
 * starts with something other than `[`, or the list's first `]` or a line break has been written.
 * Evaluation uses this to stop free-running answers that have nothing more to say to the scorer.
 */
export function listReadingDecided(answerSoFar: string): boolean {
  const text = answerSoFar.replace(LEADING_WHITESPACE, '');
  if (text === '') return false;
  if (!text.startsWith('[')) return true;
  return /[\]\n]/.test(text.slice(1));
}
