/**
 * Micro benchmark of constrained decoding (function level, no model): per-step cost of
 * `allowedTokens()` / `maskLogits()` with the real LLaMA 32k vocabulary, and with a synthetic
 * 150k byte-level vocabulary (Qwen-sized), over a realistic passage.
 *
 *     npx tsx tools/bench/constraint-bench.ts
 *
 * Prints numbers; asserts nothing (timings belong in reports, not in tests).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import llamaTokenizer from 'llama-tokenizer-js';
import {
  JsonListConstraint,
  PassageAutomaton,
  tokenByteTableFromPieces,
  type TokenTable,
} from '../../workers/decoding/constraint';

const PASSAGE = `Barack Hussein Obama II (born August 4, 1961) is an American politician who served as the 44th
president of the United States from 2009 to 2017. A member of the Democratic Party, he was the first African-American
president. Obama previously served as a U.S. senator representing Illinois from 2005 to 2008 and as an Illinois state
senator from 1997 to 2004. Born in Honolulu, Hawaii, Obama graduated from Columbia University in 1983 with a B.A. in
political science and later worked as a community organizer in Chicago. In 1988, Obama enrolled in Harvard Law School,
where he was the first black president of the "Harvard Law Review". He became a civil rights attorney and an academic,
teaching constitutional law at the University of Chicago Law School from 1992 to 2004. Café société, Zürich & 東京.`;

const EOS = 2;

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => (s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0).toFixed(3);
  const mean = (s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)).toFixed(3);
  return `steps=${s.length} mean=${mean} p50=${q(0.5)} p95=${q(0.95)} max=${q(1)} ms`;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random walks: the worst case for the mask (every step computes the full allowed set). */
function benchRandomWalks(
  table: TokenTable,
  automaton: PassageAutomaton,
  walks: number,
  maxNewTokens: number,
): number[] {
  const times: number[] = [];
  for (let w = 0; w < walks; w++) {
    const rand = mulberry32(w + 1);
    const c = new JsonListConstraint(table, automaton, { eosTokenId: EOS, maxNewTokens });
    const row = new Float32Array(table.tokenBytes.length);
    for (let step = 0; step < maxNewTokens; step++) {
      row.fill(0);
      const t0 = performance.now();
      const allowed = c.allowedTokens();
      c.maskLogits(row);
      times.push(performance.now() - t0);
      // Prefer closing structure now and then so answers hold several strings.
      const structural = [...allowed].filter(
        (id) => table.tokenBytes[id]?.some((b) => b === 0x22 || b === 0x2c) ?? false,
      );
      const pool = structural.length > 0 && rand() < 0.3 ? structural : [...allowed];
      const id = pool[Math.floor(rand() * pool.length)] as number;
      c.advance(id);
      if (id === EOS) break;
    }
  }
  return times;
}

/** A model-like answer (LLaMA tokenization of a real answer), full mask every step. */
function benchScripted(
  table: TokenTable,
  automaton: PassageAutomaton,
  ids: number[],
): { mask: number[]; accepts: number[] } {
  const mask: number[] = [];
  const accepts: number[] = [];
  for (let rep = 0; rep < 50; rep++) {
    const c = new JsonListConstraint(table, automaton, { eosTokenId: EOS, maxNewTokens: 256 });
    for (const id of ids) {
      let t0 = performance.now();
      const ok = c.accepts(id);
      accepts.push(performance.now() - t0);
      if (!ok) throw new Error(`scripted token ${id} refused`);
      t0 = performance.now();
      c.allowedTokens();
      mask.push(performance.now() - t0);
      c.advance(id);
    }
  }
  return { mask, accepts };
}

/** The LLaMA pieces respelled in the GPT-2 byte alphabet, plus concatenations up to `size` pieces. */
function syntheticByteLevelPieces(size: number): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = bs.slice();
  for (let b = 0, n = 0; b < 256; b++) {
    if (bs.includes(b)) continue;
    bs.push(b);
    cs.push(256 + n++);
  }
  const alphabet = new Array<string>(256);
  bs.forEach((b, i) => (alphabet[b] = String.fromCharCode(cs[i] as number)));
  const enc = new TextEncoder();
  const spell = (bytes: Uint8Array) => Array.from(bytes, (b) => alphabet[b]).join('');
  const base = llamaTokenizer.vocabById.slice(3).map((p) => {
    const m = /^<0x([0-9A-F]{2})>$/.exec(p);
    return m
      ? spell(Uint8Array.of(parseInt(m[1] as string, 16)))
      : spell(enc.encode(p.replaceAll('\u2581', ' ')));
  });
  const seen = new Set(base);
  const out = [...seen];
  const rand = mulberry32(42);
  while (out.length < size) {
    const a = out[Math.floor(rand() * 20000)] as string;
    const b = out[Math.floor(rand() * 20000)] as string;
    const piece = a + b;
    if (seen.has(piece)) continue;
    seen.add(piece);
    out.push(piece);
  }
  return out;
}

function main(): void {
  let t0 = performance.now();
  const llama = tokenByteTableFromPieces(llamaTokenizer.vocabById, 'sentencepiece', {
    specialIds: [0, 1, 2],
  });
  console.log(
    `LLaMA 32k table + trie: ${(performance.now() - t0).toFixed(1)} ms, ${llama.trie.nodeCount} trie nodes`,
  );
  t0 = performance.now();
  const automaton = new PassageAutomaton(PASSAGE);
  console.log(
    `passage automaton (${automaton.bytes.length} bytes): ${(performance.now() - t0).toFixed(2)} ms, ${automaton.stateCount} states`,
  );

  benchRandomWalks(llama, automaton, 5, 64); // warm-up (JIT)
  console.log(
    `LLaMA 32k, random walks, allowedTokens+maskLogits per step: ${stats(benchRandomWalks(llama, automaton, 40, 128))}`,
  );

  const answer = ' ["Barack Hussein Obama II", "Honolulu", "Hawaii", "Harvard Law Review", "Café société"]';
  const ids = [...llamaTokenizer.encode(answer, false, false), EOS];
  const scripted = benchScripted(llama, automaton, ids);
  console.log(
    `LLaMA 32k, model-like answer (${ids.length} tokens), allowedTokens per step: ${stats(scripted.mask)}`,
  );
  console.log(
    `LLaMA 32k, model-like answer, accepts(argmax) per step (greedy shortcut): ${stats(scripted.accepts)}`,
  );

  // A ~4 KB passage (about a 1024-token chunk): the first step inside a string is the widest one,
  // since every token that occurs anywhere in the passage may start the string.
  const readme = createRequire(import.meta.url).resolve('llama-tokenizer-js/README.md');
  const long = new PassageAutomaton(readFileSync(readme, 'utf8').slice(0, 4000));
  console.log(
    `LLaMA 32k, 4 KB passage, random walks, allowedTokens+maskLogits per step: ${stats(benchRandomWalks(llama, long, 40, 128))}`,
  );
  const first: number[] = [];
  for (let i = 0; i < 50; i++) {
    const c = new JsonListConstraint(llama, long, { eosTokenId: EOS, maxNewTokens: 256 });
    c.advance(llamaTokenizer.vocabByString.get('▁["') as number);
    const t = performance.now();
    const n = c.allowedTokens().length;
    first.push(performance.now() - t);
    if (i === 0) console.log(`  (${n} tokens allowed right after the opening quote)`);
  }
  console.log(`LLaMA 32k, 4 KB passage, first step inside a string: ${stats(first)}`);

  t0 = performance.now();
  const big = tokenByteTableFromPieces(syntheticByteLevelPieces(150_000), 'bytelevel');
  console.log(
    `synthetic 150k byte-level table + trie: ${(performance.now() - t0).toFixed(1)} ms, ${big.trie.nodeCount} trie nodes`,
  );
  benchRandomWalks(big, automaton, 5, 64);
  console.log(
    `150k byte-level, random walks, allowedTokens+maskLogits per step: ${stats(benchRandomWalks(big, automaton, 40, 128))}`,
  );
}

main();
