/**
 * The per-answer decoding constraint: which token ids may come next so that the output stays a
 * prefix of a valid answer (see `answer-grammar.ts`), and EOS only right after `]`.
 *
 * Each step walks the tokenizer's byte trie depth-first together with the grammar state and the
 * passage automaton, so shared token prefixes are checked once and refused bytes cut whole subtrees.
 *
 * Budget rule (termination): with R tokens left including the one being chosen, a token is allowed
 * only if the state after it can still finish in at most R - 1 tokens, counting one token per byte
 * (`AnswerGrammar.finishCost`). The initial state needs 3 (`[`, `]`, EOS). Because that cost is a
 * shortest-path length, the next byte of a shortest ending always lowers it by one, and every byte
 * has a single-byte token in LLaMA (`<0xNN>`) and byte-level BPE vocabularies; so from a state that
 * fits the budget some token always keeps it fitting, and the answer reaches EOS within the budget.
 * In practice: a string may be opened only when there is room to close it and the list, and near the
 * end of the budget only the closing quote, `]` and EOS survive.
 *
 * Letting an item go (issue #12): masking inside a string is what made answers like "O", "Ob", "Oba":
 * when the model wants a string the passage lacks ("Hawaii" in a passage about Kenya), the best allowed
 * token is whatever passage substring the model ranks next, and each forced step drags the model
 * further from what it meant. So inside a string the constraint never overrules the model: before the
 * mask, {@link JsonListConstraint.review} looks at the model's own first choice, and when that token
 * would take the string off the passage (a byte no passage substring continues with, an empty or
 * repeated string closing, EOS mid-string) or past the budget, the item is let go: the string closes
 * at the next character boundary (empty if nothing was written), the list closes, EOS. While letting
 * go, only tokens that strictly shorten that exit are allowed (the "limit" becomes the exit's length
 * minus one), so it costs 2-3 tokens and never opens another string. The raw answer stays a valid
 * JSON list (it shows the dropped item, e.g. `["Barack Obama", ""]`); {@link JsonListConstraint.dropped}
 * names it, and {@link JsonListConstraint.keptEntities} removes it from the parsed entities. Ending the
 * list rather than going on also rules out the loop of growing fragments: the model is never pushed
 * into a string it did not choose. Outside strings, EOS where the list is not closed, or prose right
 * after an item (`"Obama" and ...`), closes the answer the same way (`]`): the model's list is over.
 * Other refused choices outside strings are masked to the best allowed token, which only writes list
 * syntax: `\n[` or `[ "a"` repaired, and prose before the list (`The text describes...`, what small
 * generic models answer to UniNER's question) turned into `[` and `"`, after which the model writes
 * the item itself or it is let go (`[""]`). That keeps small models answering (SmolLM2-135M names
 * "Paris" this way, and nothing without it) while every character of a kept item is the model's.
 */

import { AnswerGrammar, Esc, Phase, type AnswerGrammarOptions, type AnswerState } from './answer-grammar';
import { trieChild } from './byte-trie';
import { PassageAutomaton } from './passage-automaton';
import type { TokenTable } from './token-table';

const QUOTE = 0x22;
const utf8 = new TextDecoder();
const BACKSLASH = 0x5c;

/** Options of {@link JsonListConstraint}. */
export interface JsonListConstraintOptions extends AnswerGrammarOptions {
  /** End-of-sequence id(s). Allowed only right after `]` (then only EOS). */
  readonly eosTokenId: number | readonly number[];
  /** The `max_new_tokens` of the generation: the answer must end (EOS included) within it. */
  readonly maxNewTokens: number;
}

/** Constrained-decoding state of one answer (one batch row, one entity type). */
export class JsonListConstraint {
  readonly automaton: PassageAutomaton;
  private readonly grammar: AnswerGrammar;
  private readonly eos: Int32Array;
  private readonly maxNewTokens: number;
  private state: AnswerState;
  private generatedCount = 0;
  private ended = false;
  private violationText: string | null = null;
  private lettingGo = false;
  /** The bytes of the item that was let go, once its closing quote was fed. */
  private droppedBytes: Uint8Array | null = null;
  // Scratch for one allowedTokens() call.
  private out: Int32Array;
  private outLength = 0;
  private limit = 0;

  /**
   * @param table the tokenizer's byte table (`buildTokenByteTable`, cached per tokenizer).
   * @param passage the passage text, or its automaton when several answers share one passage.
   */
  constructor(
    private readonly table: TokenTable,
    passage: string | PassageAutomaton,
    options: JsonListConstraintOptions,
  ) {
    this.automaton = typeof passage === 'string' ? new PassageAutomaton(passage) : passage;
    this.grammar = new AnswerGrammar(this.automaton, options);
    const eos = typeof options.eosTokenId === 'number' ? [options.eosTokenId] : options.eosTokenId;
    if (eos.length === 0) throw new Error('JsonListConstraint needs at least one EOS token id.');
    this.eos = Int32Array.from(eos);
    this.maxNewTokens = options.maxNewTokens;
    this.state = this.grammar.initial();
    this.out = new Int32Array(Math.max(16, table.tokenBytes.length + this.eos.length));
  }

  /** Tokens accepted so far (EOS included). */
  get generated(): number {
    return this.generatedCount;
  }

  /** `true` once EOS was accepted after a complete list. */
  isComplete(): boolean {
    return this.ended && this.state.phase === Phase.Done && this.violationText === null;
  }

  /** `true` once EOS was accepted, or a refused token forced the answer to end. */
  isEnded(): boolean {
    return this.ended || this.violationText !== null;
  }

  /** Why the constraint gave up (a refused token was fed to {@link advance}), or `null`. */
  get violation(): string | null {
    return this.violationText;
  }

  /** `true` while the answer is inside a string (the state before the next token). */
  get insideString(): boolean {
    return !this.isEnded() && this.state.phase === Phase.Str;
  }

  /**
   * `true` once the constraint closed the answer early (see the header): the current item, or the list
   * the model did not want to write, is let go.
   */
  get abandoned(): boolean {
    return this.lettingGo;
  }

  /**
   * The text of the item that was let go (`""` when it was closed empty), or `null` when none was.
   * Before its closing quote is fed (a stopped run), the part written so far.
   */
  get dropped(): string | null {
    if (!this.lettingGo) return null;
    let bytes = this.droppedBytes;
    if (!bytes) {
      const s = this.state;
      bytes = s.phase === Phase.Str ? this.automaton.substring(s.sam, s.len) : new Uint8Array(0);
    }
    return utf8.decode(bytes);
  }

  /**
   * `entities` (the answer's strings in order, as the stream parser reads them) without the item that
   * was let go. That item is always the answer's last string (the list closes right after it), so only
   * a last entity equal to it is removed: an earlier equal item (the model repeating itself) stays, and
   * an empty or blank dropped item, which the parser never reports, removes nothing.
   */
  keptEntities(entities: readonly string[]): string[] {
    const dropped = this.dropped;
    return dropped && entities.at(-1) === dropped ? entities.slice(0, -1) : [...entities];
  }

  /**
   * Shows the constraint the model's own first choice (the argmax of the unconstrained logits) before
   * the mask. Returns `true` when that token is allowed. When it is not and it would take the current
   * string off the passage or past the budget, or it is EOS, or prose after an item, the answer closes
   * from this step on (see the header).
   */
  review(tokenId: number): boolean {
    if (this.accepts(tokenId)) return true;
    if (this.lettingGo || this.isEnded() || this.state.phase === Phase.Done) return false;
    if (this.state.phase === Phase.Str ? this.leavesString(tokenId) : this.leavesList(tokenId)) {
      this.lettingGo = true;
      this.grammar.letGo();
    }
    return false;
  }

  /**
   * The token ids allowed next. After the answer ended, and in the should-not-happen case that no
   * token fits, only EOS (so a finished batch row keeps emitting EOS, which is what transformers.js
   * expects from rows that are done while others continue).
   */
  allowedTokens(): Int32Array {
    if (this.isEnded() || this.state.phase === Phase.Done) return this.eos.slice();
    this.limit = this.stepLimit();
    this.outLength = 0;
    if (this.limit > 0) this.walk(0, this.state);
    if (this.outLength === 0) return this.eos.slice();
    return this.out.slice(0, this.outLength);
  }

  /**
   * `true` when `tokenId` is in {@link allowedTokens}, except that the EOS fallback of a dead end is
   * not reported. Costs O(bytes of the token) instead of a trie walk: with greedy decoding, checking
   * the argmax first makes the full mask unnecessary on most steps.
   */
  accepts(tokenId: number): boolean {
    if (this.isEnded() || this.state.phase === Phase.Done) return this.eos.includes(tokenId);
    const limit = this.stepLimit();
    const bytes = this.table.tokenBytes[tokenId];
    if (!bytes || limit <= 0) return false;
    let s: AnswerState | null = this.state;
    for (let i = 0; i < bytes.length && s; i++) s = this.grammar.step(s, bytes[i] as number);
    return s !== null && this.grammar.finishCost(s, limit) <= limit;
  }

  /**
   * Sets every disallowed entry of one row of logits to -Infinity, in place. Ids beyond the table
   * (models whose logits are wider than the vocabulary) are disallowed too.
   */
  maskLogits(row: Float32Array | Float64Array): void {
    const allowed = this.allowedTokens();
    const saved = new Float64Array(allowed.length);
    for (let i = 0; i < allowed.length; i++) {
      const id = allowed[i] as number;
      saved[i] = id < row.length ? (row[id] as number) : -Infinity;
    }
    row.fill(-Infinity);
    for (let i = 0; i < allowed.length; i++) {
      const id = allowed[i] as number;
      if (id < row.length) row[id] = saved[i] as number;
    }
  }

  /** Feeds the token the model produced. A token outside {@link allowedTokens} ends the answer. */
  advance(tokenId: number): void {
    this.generatedCount++;
    if (this.isEnded()) return;
    if (this.eos.includes(tokenId)) {
      this.ended = true;
      if (this.state.phase !== Phase.Done) this.violationText = `EOS before the list was closed`;
      return;
    }
    const bytes = this.table.tokenBytes[tokenId];
    if (!bytes) {
      this.violationText = `token ${tokenId} has no text (special token)`;
      return;
    }
    let s: AnswerState | null = this.state;
    for (let i = 0; i < bytes.length && s; i++) {
      const before: AnswerState = s;
      s = this.grammar.step(s, bytes[i] as number);
      if (this.lettingGo && !this.droppedBytes && before.phase === Phase.Str && s?.phase === Phase.AfterStr)
        this.droppedBytes = this.automaton.substring(before.sam, before.len);
    }
    if (!s) {
      this.violationText = `token ${tokenId} breaks the answer grammar`;
      return;
    }
    this.state = this.grammar.commit(s);
  }

  /**
   * Tokens left after the one being chosen, or while letting go the length of the exit minus one: every
   * allowed token then strictly shortens the exit (a new string or a space would not).
   */
  private stepLimit(): number {
    const left = this.maxNewTokens - this.generatedCount - 1;
    if (!this.lettingGo) return left;
    return Math.min(left, this.grammar.finishCost(this.state, left + 1) - 1);
  }

  /**
   * `true` when the refused token `tokenId` would take the current string off the passage: EOS or a
   * special token inside the string, a byte the grammar refuses before the string has closed (not in
   * the passage after what was written, an empty or repeated string closing, a bad escape), or bytes
   * that fit but leave a string that cannot close within the budget. A raw control character that the
   * passage does continue with is not one: the mask spells it as an escape. A token that closes the
   * string and then breaks the structure (`"\n`) is not one either: the string itself was fine.
   */
  private leavesString(tokenId: number): boolean {
    const bytes = this.table.tokenBytes[tokenId];
    if (!bytes) return true;
    let s: AnswerState = this.state;
    for (let i = 0; i < bytes.length; i++) {
      if (s.phase !== Phase.Str) return false;
      const b = bytes[i] as number;
      const next = this.grammar.step(s, b);
      if (!next) return !(b < 0x20 && s.esc === Esc.None && this.automaton.next(s.sam, b) >= 0);
      s = next;
    }
    return s.phase === Phase.Str;
  }

  /**
   * Outside strings: `true` when the refused token `tokenId` is EOS (or special), or right after an item
   * starts, after any leading whitespace, with something other than list syntax (`[`, `]`, `"`, `,`):
   * the model's list is over. Whitespace alone says nothing yet.
   */
  private leavesList(tokenId: number): boolean {
    const bytes = this.table.tokenBytes[tokenId];
    if (!bytes) return true;
    if (this.state.phase !== Phase.AfterStr) return false;
    for (const b of bytes) {
      if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
      return !(b === 0x5b || b === 0x5d || b === QUOTE || b === 0x2c);
    }
    return false;
  }

  /** Depth-first walk of the trie below `node`, whose bytes led to grammar state `s`. */
  private walk(node: number, s: AnswerState): void {
    const trie = this.table.trie;
    if (s.phase === Phase.Str && s.esc === Esc.None) {
      this.walkRaw(node, s);
      for (const b of [QUOTE, BACKSLASH]) {
        const child = trieChild(trie, node, b);
        if (child < 0) continue;
        const next = this.grammar.step(s, b);
        if (next) this.visit(child, next);
      }
      return;
    }
    const end = trie.childStart[node + 1] as number;
    for (let k = trie.childStart[node] as number; k < end; k++) {
      const next = this.grammar.step(s, trie.childByte[k] as number);
      if (next) this.visit(trie.childNode[k] as number, next);
    }
  }

  /**
   * Raw string bytes: intersect the node's children with the automaton's transitions by merging the
   * two sorted lists, so neither side is searched byte by byte.
   */
  private walkRaw(node: number, s: AnswerState): void {
    const trie = this.table.trie;
    const a = this.automaton;
    let i = trie.childStart[node] as number;
    const iEnd = trie.childStart[node + 1] as number;
    let j = a.transStart[s.sam] as number;
    const jEnd = a.transStart[s.sam + 1] as number;
    while (i < iEnd && j < jEnd) {
      const bi = trie.childByte[i] as number;
      const bj = a.transByte[j] as number;
      if (bi < bj) i++;
      else if (bj < bi) j++;
      else {
        const next = this.grammar.rawTo(s, bi, a.transTarget[j] as number);
        if (next) this.visit(trie.childNode[i] as number, next);
        i++;
        j++;
      }
    }
  }

  /** Collects the tokens ending at `node` if their end state can still finish in budget; recurses. */
  private visit(node: number, s: AnswerState): void {
    const trie = this.table.trie;
    const e0 = trie.endStart[node] as number;
    const e1 = trie.endStart[node + 1] as number;
    if (e0 < e1 && this.grammar.finishCost(s, this.limit) <= this.limit) {
      for (let e = e0; e < e1; e++) this.out[this.outLength++] = trie.endIds[e] as number;
    }
    if ((trie.childStart[node] as number) < (trie.childStart[node + 1] as number)) this.walk(node, s);
  }
}
