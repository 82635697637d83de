/**
 * The figures of one `npm run bench` run and their two renderings: one Markdown table (ratios side by
 * side, pasteable into the README) and the JSON written by `--json <file>`. Pure functions of the
 * figures, so tests can feed them made-up numbers.
 */
import type { ServerFigures } from './server-bench';
import type { CorpusFigures } from './corpus-bench';

/** The machine the figures come from. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  /** 1-minute load average when the bench started: other work on the machine skews every figure. */
  readonly loadAverage: number;
  readonly node: string;
  /** Chromium version, or why it is unknown. */
  readonly chromium: string;
}

/** One type count of the prefix-reuse comparison (per-type re-encode vs one passage encode). */
export interface PrefixReuseRow {
  readonly types: number;
  /** Wall time of the request with `reusePrefix: false` (the official per-type full re-encode). */
  readonly naiveMs: number;
  /** Wall time of the request with `reusePrefix: true`. */
  readonly reuseMs: number;
  readonly naivePrefillTokens: number;
  readonly reusePrefillTokens: number;
  /** `naiveMs / reuseMs`. */
  readonly speedup: number;
  /** Generated tokens in each mode (equal when the answers are). */
  readonly decodeTokens: number;
  /** Greedy answers identical in both modes (they must be: same prompt ids, same cache contents). */
  readonly answersEqual: boolean;
  /** Prefix reuse with every type decoded in one batch (`batchSize` = types); Node only, types > 1. */
  readonly batchedMs?: number;
  /** Batched answers identical to the one-at-a-time ones. */
  readonly batchedAnswersEqual?: boolean;
}

/** Per-step cost of constrained decoding against one model decode step. */
export interface ConstraintFigures {
  /** Mean time of one one-token forward pass of the model (a decode step). */
  readonly stepMs: number;
  /** Mean time spent inside the constraint's logits processor per call (one call per step). */
  readonly constraintMs: number;
  /** `constraintMs / stepMs`. */
  readonly ratio: number;
  /** Decode steps and processor calls the means are over. */
  readonly steps: number;
  readonly calls: number;
  /** Slowest single processor call. */
  readonly constraintMaxMs: number;
}

/** Streaming: when the first entity reaches the caller, against the whole request. */
export interface FirstEntityFigures {
  readonly firstEntityMs: number;
  readonly totalMs: number;
  readonly types: number;
}

/** The page rendering highlights of a long passage during a real run. */
export interface UiFigures {
  readonly passageChars: number;
  /** `mark[data-type]` elements on the page once the run is over. */
  readonly marks: number;
  /** From the final result event reaching the page to the next frame with every mark in the DOM. */
  readonly renderMs: number;
  /** The slowest result event → next frame, over every event of the run. */
  readonly maxEventToFrameMs: number;
  /** Result events (type-partial/type-done) the page received. */
  readonly resultEvents: number;
  /** Longest main-thread task during the run (PerformanceObserver 'longtask'; 0 when none ≥ 50 ms). */
  readonly longestTaskMs: number;
  readonly longTasks: number;
  /**
   * The longest animation frame of the run (Chromium's Long Animation Frames API; null where it has
   * none or no frame took 50 ms): script time, style and layout time, and its longest scripts.
   */
  readonly longestFrame?: {
    readonly ms: number;
    readonly scriptMs: number;
    readonly styleLayoutMs: number;
    readonly scripts: readonly string[];
  } | null;
  /** Most highlight marks inserted into the page by one task (independent of the machine's speed). */
  readonly maxMarksAddedPerTask?: number;
  /** Tasks that inserted marks. */
  readonly tasksAddingMarks?: number;
  /**
   * Most passage characters held by the layout containers one task that drew new marks changed (the
   * passage view, or the blocks it is cut into): how much text the browser had to re-lay out for one
   * streamed update. Independent of the machine's speed.
   */
  readonly maxCharsRelaidPerTask?: number;
  /** From clicking Extract to the run's `done`. */
  readonly runMs: number;
}

/**
 * A ~1 MB passage through the app's worker: how soon its first chunk is answered (times from the
 * `extract` call; null when the event never came).
 */
export interface LongPassageFigures {
  readonly chars: number;
  readonly types: number;
  /** To the first `chunk-progress` (the first chunk found, the chunk count estimated). */
  readonly firstProgressMs: number | null;
  /** The chunk count that first progress event gave (an estimate until the last chunk). */
  readonly estimatedChunks: number | null;
  /** To the first `type-started` of chunk 0: the first chunk's answer starting. */
  readonly firstChunkStartMs: number | null;
  /** To the `chunk-progress` that says chunk 0 is answered for every type. */
  readonly firstChunkDoneMs: number | null;
  /** The run was then stopped (it must end as interrupted). */
  readonly interrupted: boolean;
}

/** Decode tokens/s of one engine (see decode-rate.ts). */
export interface DecodeFigure {
  readonly tokensPerS: number;
  readonly stepMs: number;
}

/**
 * SmolLM2-135M-Instruct, the real model: the same prompt and number of greedy decode steps in every
 * engine, with the same thread count (`threads`) in each pair.
 */
export interface RealModelFigures {
  readonly model: string;
  /** CPU threads of every engine (onnxruntime-web's choice for this machine, given to the others). */
  readonly threads: number;
  readonly promptTokens: number;
  readonly decodeSteps: number;
  /** Our engine on onnxruntime-node, q4 (the GGUF's own 4-bit weights, carried over exactly). */
  readonly nodeTokensPerS: number;
  /** llama.cpp (node-llama-cpp) on the Q4_1 GGUF. */
  readonly llamaCppNodeTokensPerS: number;
  /** The app's worker in Chromium (onnxruntime-web WASM) in `wasmDtype`. */
  readonly wasmTokensPerS: number;
  /** The fastest format on WASM: the one this run recommends as the WASM default. */
  readonly wasmDtype: string;
  /** wllama (llama.cpp in WASM) on the same GGUF in the same Chromium. */
  readonly wllamaTokensPerS: number;
  /** Decode tokens/s on WASM per weight format we ship. */
  readonly dtypes: Readonly<Record<string, number>>;
  /** Decode tokens/s on onnxruntime-node per weight format. */
  readonly nodeDtypes: Readonly<Record<string, number>>;
  /** 8 types over the bench passage on WASM (`wasmDtype`): per-type re-encode vs one passage encode. */
  readonly prefixReuse8: {
    readonly naiveMs: number;
    readonly reuseMs: number;
    readonly answersEqual: boolean;
  };
  /**
   * One prefix-reuse request of the 8 types over a short passage of people and places (workload.ts
   * `REAL_FIRST_ENTITY_PASSAGE`): the first streamed entity (null when it found none) and the whole.
   */
  readonly firstEntityMs: number | null;
  readonly totalMs: number;
}

/** Everything one bench run measured; absent sections were skipped (and `notes` say why). */
export interface BenchResults {
  readonly machine: MachineInfo;
  /** What ran, e.g. "bench-llama q4 (6 layers, hidden 512, 32k vocab), onnxruntime-node". */
  readonly setup: {
    readonly node: string;
    readonly browser?: string;
    readonly passageTokens: number;
    readonly maxNewTokens: number;
  };
  readonly prefixReuse: readonly PrefixReuseRow[];
  readonly constraint?: ConstraintFigures;
  readonly firstEntity?: FirstEntityFigures;
  readonly browser?: {
    readonly wasm?: readonly PrefixReuseRow[];
    /** SwiftShader in this sandbox: a software adapter, not a GPU. Only with `--webgpu`. */
    readonly webgpu?: readonly PrefixReuseRow[];
    readonly webgpuAdapter?: string;
  };
  readonly ui?: UiFigures;
  readonly longPassage?: LongPassageFigures;
  /** The corpus in the page (#19 item 5). */
  readonly corpus?: CorpusFigures;
  readonly realModel?: RealModelFigures;
  /** A corpus on an inference server (llama-cpp-python) against our Node engine (#30 item 6). */
  readonly server?: ServerFigures;
  readonly notes: readonly string[];
  /** Wall time of the whole bench. */
  readonly totalSeconds: number;
}

/** One frame at 60 Hz: the UI rows say how many frames a render took. */
const FRAME_MS = 1000 / 60;

const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1)) + ' ms';
const ratio = (value: number): string => `${value.toFixed(2)}×`;
const check = (ok: boolean): string => (ok ? '✓' : '✗');

function reuseRows(label: string, rows: readonly PrefixReuseRow[]): string[][] {
  const out = rows.map((r) => [
    `${label}, ${r.types} type${r.types === 1 ? '' : 's'}`,
    `${ms(r.naiveMs)} (${r.naivePrefillTokens} tok)`,
    `${ms(r.reuseMs)} (${r.reusePrefillTokens} tok)`,
    ratio(r.speedup),
    check(r.answersEqual),
  ]);
  for (const r of rows) {
    if (r.batchedMs === undefined) continue;
    out.push([
      `${label.replace('Prefix reuse', 'Batched decoding')}, ${r.types} types in one batch`,
      `${ms(r.reuseMs)} one at a time`,
      `${ms(r.batchedMs)} batched`,
      ratio(r.reuseMs / r.batchedMs),
      check(r.batchedAnswersEqual ?? false),
    ]);
  }
  return out;
}

const rate = (value: number): string => `${value.toFixed(1)} tok/s`;

/** The real model's rows: each engine against its peer, formats against each other, prefix reuse. */
function realModelRows(m: RealModelFigures): string[][] {
  const rows: string[][] = [
    [
      'Real model decode, Node: ours (q4) vs llama.cpp',
      `${rate(m.llamaCppNodeTokensPerS)} llama.cpp`,
      `${rate(m.nodeTokensPerS)} ours`,
      ratio(m.nodeTokensPerS / m.llamaCppNodeTokensPerS),
      '',
    ],
    [
      `Real model decode, Chromium: ours (${m.wasmDtype}) vs wllama`,
      `${rate(m.wllamaTokensPerS)} wllama`,
      `${rate(m.wasmTokensPerS)} ours`,
      ratio(m.wasmTokensPerS / m.wllamaTokensPerS),
      '',
    ],
  ];
  const bundled = m.dtypes.q8;
  if (bundled !== undefined)
    rows.push([
      'Real model decode, Chromium: the bundled model as the page runs it on WASM (q8) vs wllama',
      `${rate(m.wllamaTokensPerS)} wllama`,
      `${rate(bundled)} ours`,
      ratio(bundled / m.wllamaTokensPerS),
      '',
    ]);
  const fp32 = m.dtypes.fp32;
  for (const [dtype, value] of Object.entries(m.dtypes)) {
    if (dtype === 'fp32' || fp32 === undefined) continue;
    rows.push([
      `Real model decode, Chromium wasm: ${dtype} vs fp32`,
      rate(fp32),
      rate(value),
      ratio(value / fp32),
      '',
    ]);
  }
  rows.push(
    [
      `Real model prefix reuse, Chromium wasm (${m.wasmDtype}), 8 types`,
      `${ms(m.prefixReuse8.naiveMs)} re-encode`,
      `${ms(m.prefixReuse8.reuseMs)} reuse`,
      ratio(m.prefixReuse8.naiveMs / m.prefixReuse8.reuseMs),
      check(m.prefixReuse8.answersEqual),
    ],
    [
      'Real model first entity vs whole request (8 types)',
      `${ms(m.totalMs)} total`,
      m.firstEntityMs === null ? 'no entity' : `${ms(m.firstEntityMs)} first`,
      m.firstEntityMs === null ? '' : `${(100 * (m.firstEntityMs / m.totalMs)).toFixed(1)} %`,
      '',
    ],
  );
  return rows;
}

/** The server rows: documents/min per concurrency, then our Node engine on the same model. */
function serverRows(s: ServerFigures): string[][] {
  const perMinute = (value: number) => `${value.toFixed(1)} docs/min`;
  const base = s.rows.find((r) => r.engine === 'server' && r.concurrency === 1);
  return s.rows.map((r) => [
    r.engine === 'server'
      ? `Server (llama-cpp-python): ${r.documents} docs, ${r.concurrency} in flight`
      : `Our Node engine, same model: ${r.documents} docs, one at a time`,
    base ? perMinute(base.documentsPerMinute) : '',
    `${perMinute(r.documentsPerMinute)} (${r.spans} spans)`,
    base ? ratio(r.documentsPerMinute / base.documentsPerMinute) : '',
    '',
  ]);
}

/** Pads cells to column widths; the result is a valid Markdown table that also reads as plain text. */
function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** The machine lines printed above the table. */
export function formatMachine(machine: MachineInfo): string {
  return [
    `CPU: ${machine.cpu} (${machine.cores} cores), memory ${machine.memoryGiB.toFixed(1)} GiB, ${machine.os}, ` +
      `load average ${machine.loadAverage.toFixed(1)} at start`,
    `Node ${machine.node}, Chromium ${machine.chromium}`,
  ].join('\n');
}

/**
 * The one table: every comparison as baseline | measured | ratio | check, then setup and notes.
 * `machine: false` leaves out the machine lines (the bench prints them first, before measuring).
 */
export function formatTable(results: BenchResults, options: { machine?: boolean } = {}): string {
  const rows: string[][] = [...reuseRows('Prefix reuse, Node', results.prefixReuse)];
  if (results.browser?.wasm) rows.push(...reuseRows('Prefix reuse, Chromium wasm', results.browser.wasm));
  if (results.browser?.webgpu)
    rows.push(...reuseRows('Prefix reuse, Chromium WebGPU (software)', results.browser.webgpu));
  const c = results.constraint;
  if (c)
    rows.push([
      'Constraint per step vs model step',
      `${ms(c.stepMs)} step`,
      `${ms(c.constraintMs)} constraint`,
      `${(100 * c.ratio).toFixed(1)} %`,
      '',
    ]);
  const f = results.firstEntity;
  if (f)
    rows.push([
      `First entity vs whole request (${f.types} types)`,
      `${ms(f.totalMs)} total`,
      `${ms(f.firstEntityMs)} first`,
      `${(100 * (f.firstEntityMs / f.totalMs)).toFixed(1)} %`,
      '',
    ]);
  const u = results.ui;
  if (u)
    rows.push(
      [
        `UI: ${u.marks} marks, ${u.passageChars.toLocaleString('en-US')}-char passage`,
        `${ms(u.runMs)} run`,
        `${ms(u.renderMs)} last render`,
        `${(u.renderMs / FRAME_MS).toFixed(1)} frames`,
        '',
      ],
      [
        'UI: longest main-thread task during the run',
        `${u.longTasks} long task${u.longTasks === 1 ? '' : 's'}`,
        // The Long Tasks API reports only tasks of 50 ms or more.
        u.longTasks === 0 ? 'none ≥ 50 ms' : ms(u.longestTaskMs),
        `${(u.longestTaskMs / FRAME_MS).toFixed(1)} frames (worst event→frame ${ms(u.maxEventToFrameMs)})`,
        '',
      ],
    );
  if (u?.maxMarksAddedPerTask !== undefined)
    rows.push([
      'UI: most marks inserted by one task',
      `${u.marks} marks in ${u.tasksAddingMarks ?? '?'} task${u.tasksAddingMarks === 1 ? '' : 's'}`,
      `${u.maxMarksAddedPerTask} marks; ${(u.maxCharsRelaidPerTask ?? Number.NaN).toLocaleString('en-US')} chars re-laid out`,
      u.longestFrame
        ? `longest frame ${ms(u.longestFrame.ms)}: script ${ms(u.longestFrame.scriptMs)}, style+layout ${ms(u.longestFrame.styleLayoutMs)}`
        : 'no frame ≥ 50 ms',
      '',
    ]);
  const l = results.longPassage;
  if (l) {
    const at = (value: number | null) => (value === null ? 'never' : ms(value));
    rows.push([
      `Long passage: first chunk's answer starts (${(l.chars / 1e6).toFixed(1)} MB, ${l.types} type${l.types === 1 ? '' : 's'})`,
      `${at(l.firstProgressMs)} first progress (about ${l.estimatedChunks ?? '?'} chunks)`,
      `${at(l.firstChunkStartMs)} first answer`,
      `${at(l.firstChunkDoneMs)} chunk 0 done`,
      '',
    ]);
  }
  const corpus = results.corpus;
  if (corpus) {
    const c = corpus;
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
    const task = (value: number) => (value === 0 ? 'none ≥ 50 ms' : ms(value));
    rows.push(
      [
        `Corpus: import ${c.documents.toLocaleString('en-US')} docs (${mb(c.bytes)} JSONL) in the page`,
        `heap ${mb(c.heapBeforeBytes)} before`,
        `${ms(c.importMs)}; heap ${mb(c.heapAfterImportBytes)} after; ${c.listRowsInDom} list rows in the DOM`,
        `longest task ${task(c.longestImportTaskMs)}`,
        '',
      ],
      [
        'Corpus: run (scripted-llama, wasm), stopped after the timed window',
        `${c.runDocuments} docs in ${ms(c.runMs)}`,
        `${((c.runDocuments / c.runMs) * 60_000).toFixed(0)} docs/min; heap ${mb(c.heapAfterRunBytes)} after`,
        `longest task ${task(c.longestRunTaskMs)}`,
        '',
      ],
    );
  }
  const m = results.realModel;
  if (m) rows.push(...realModelRows(m));
  if (results.server) rows.push(...serverRows(results.server));
  const table = markdownTable(['Measure', 'Baseline', 'Measured', 'Ratio', 'Same answers'], rows);
  const setup = [
    `Node: ${results.setup.node}`,
    ...(results.setup.browser ? [`Browser: ${results.setup.browser}`] : []),
    ...(m
      ? [
          `Real model: ${m.model}; ${m.threads} thread${m.threads === 1 ? '' : 's'} in every engine; ` +
            `prompt ${m.promptTokens} tokens, ${m.decodeSteps} greedy decode steps, median of repeats; ` +
            `ratio > 1 = ours faster. WASM formats: ${Object.entries(m.dtypes)
              .map(([d, v]) => `${d} ${rate(v)}`)
              .join(', ')}; Node: ${Object.entries(m.nodeDtypes)
              .map(([d, v]) => `${d} ${rate(v)}`)
              .join(', ')}.`,
        ]
      : []),
    `Passage ${results.setup.passageTokens} tokens; greedy, constrained, max_new_tokens ${results.setup.maxNewTokens}. ` +
      'Prefix reuse: baseline = per-type full re-encode (reusePrefix:false), measured = one passage encode; ' +
      'ratio = speedup; "tok" = prefill tokens.',
  ];
  const s = results.server;
  if (s)
    setup.push(
      `Server: ${s.server}, ${s.model}; ${s.threads} thread${s.threads === 1 ? '' : 's'} in both engines; ` +
        `${s.types.length} types, constrained (server: llama.cpp grammar), max_new_tokens ${s.maxNewTokens}; ` +
        'documents/min through the corpus runner; ratio = against 1 in flight (server rows) or the server at 1 (Node row).',
    );
  return [
    ...(options.machine === false ? [] : [formatMachine(results.machine), '']),
    table,
    '',
    ...setup,
    ...results.notes.map((n) => `Note: ${n}`),
    `Bench wall time: ${results.totalSeconds.toFixed(0)} s`,
  ].join('\n');
}

/** The JSON of `--json <file>`: the same figures, numbers unrounded. */
export function formatJson(results: BenchResults): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}

/** A prefix-reuse row from the two measured requests. */
export function reuseRow(
  types: number,
  naive: { ms: number; prefillTokens: number; decodeTokens: number; answers: readonly string[] },
  reuse: { ms: number; prefillTokens: number; decodeTokens: number; answers: readonly string[] },
): PrefixReuseRow {
  const answersEqual =
    naive.answers.length === reuse.answers.length && naive.answers.every((a, i) => a === reuse.answers[i]);
  return {
    types,
    naiveMs: naive.ms,
    reuseMs: reuse.ms,
    naivePrefillTokens: naive.prefillTokens,
    reusePrefillTokens: reuse.prefillTokens,
    speedup: naive.ms / reuse.ms,
    decodeTokens: naive.decodeTokens,
    answersEqual: answersEqual && naive.decodeTokens === reuse.decodeTokens,
  };
}
