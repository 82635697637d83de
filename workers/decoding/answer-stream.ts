/**
 * Turns generated token ids into answer text and entities as they arrive: incremental detokenisation
 * (holding back a partial UTF-8 character, which decodes to U+FFFD until its last byte arrives) feeding
 * the streaming list parser.
 */
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { StreamingListParser, type ParseReport } from '../text/stream-parser';

/** The finished answer of one question. */
export interface FinishedAnswer extends ParseReport {
  /** The raw answer text the model produced (special tokens removed). */
  readonly text: string;
}

export class AnswerStream {
  private readonly ids: number[] = [];
  private emitted = '';
  private readonly parser = new StreamingListParser();

  constructor(
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly eosTokenIds: readonly number[],
  ) {}

  /** Adds one generated token; returns the entities it completed. */
  push(id: number): string[] {
    if (this.eosTokenIds.includes(id)) return [];
    this.ids.push(id);
    const text = this.decode();
    // Wait for the rest of a multi-byte character, and for decodes that rewrite earlier text
    // (rare: SentencePiece's leading-space strip only touches the first token).
    if (text.endsWith('\uFFFD') || !text.startsWith(this.emitted)) return [];
    const delta = text.slice(this.emitted.length);
    this.emitted = text;
    return delta ? this.parser.feed(delta) : [];
  }

  /** Entities completed so far. */
  entities(): readonly string[] {
    return this.parser.entities;
  }

  /** Flushes what was held back and returns the parse report with the raw text. */
  finish(): FinishedAnswer {
    const text = this.decode();
    if (text.startsWith(this.emitted)) {
      this.parser.feed(text.slice(this.emitted.length));
      return { ...this.parser.finish(), text };
    }
    // The held-back text diverged from what was fed: reparse the whole answer for the report.
    const fresh = new StreamingListParser();
    fresh.feed(text);
    return { ...fresh.finish(), text };
  }

  private decode(): string {
    return this.tokenizer.decode(this.ids, { skip_special_tokens: true });
  }
}
