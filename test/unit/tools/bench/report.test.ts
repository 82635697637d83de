/** The bench's table and JSON from made-up figures (no timing is measured or asserted here). */
import { describe, expect, it } from 'vitest';
import { formatJson, formatTable, reuseRow, type BenchResults } from '../../../../tools/bench/report';
import { longPassage } from '../../../../tools/bench/long-passage';
import { selectSections } from '../../../../tools/bench/sections';
import { buildPassage, highlightPassage } from '../../../../tools/bench/workload';

const run = (ms: number, prefillTokens: number, answers: string[]) => ({
  ms,
  prefillTokens,
  decodeTokens: 10,
  answers,
});

const results: BenchResults = {
  machine: {
    cpu: 'Test CPU',
    cores: 2,
    memoryGiB: 8,
    os: 'linux 6',
    loadAverage: 1.5,
    node: 'v20.0.0',
    chromium: '156.0',
  },
  setup: {
    node: 'onnxruntime-node, bench-llama q4',
    browser: 'Chromium wasm',
    passageTokens: 300,
    maxNewTokens: 16,
  },
  prefixReuse: [
    reuseRow(1, run(100, 350, ['[]']), run(100, 350, ['[]'])),
    {
      ...reuseRow(4, run(400, 1400, ['a', 'b', 'c', 'd']), run(160, 400, ['a', 'b', 'c', 'd'])),
      batchedMs: 80,
      batchedAnswersEqual: true,
    },
  ],
  constraint: { stepMs: 20, constraintMs: 1, ratio: 0.05, steps: 100, calls: 110, constraintMaxMs: 4 },
  firstEntity: { firstEntityMs: 50, totalMs: 200, types: 8 },
  browser: { wasm: [reuseRow(4, run(800, 1400, ['x']), run(400, 400, ['y']))] },
  ui: {
    passageChars: 50_000,
    marks: 2000,
    renderMs: 40,
    maxEventToFrameMs: 300,
    resultEvents: 30,
    longestTaskMs: 250,
    longTasks: 3,
    runMs: 10_000,
    longestFrame: { ms: 260, scriptMs: 30, styleLayoutMs: 220, scripts: ['Worker.onmessage (?) 30 ms'] },
    maxMarksAddedPerTask: 55,
    tasksAddingMarks: 38,
    maxCharsRelaidPerTask: 50_000,
  },
  longPassage: {
    chars: 1_000_000,
    types: 3,
    firstProgressMs: 500,
    estimatedChunks: 214,
    firstChunkStartMs: 900,
    firstChunkDoneMs: 1500,
    interrupted: true,
  },
  realModel: {
    model: 'SmolLM2-135M',
    threads: 2,
    promptTokens: 60,
    decodeSteps: 16,
    nodeTokensPerS: 50,
    llamaCppNodeTokensPerS: 100,
    wasmTokensPerS: 30,
    wasmDtype: 'fp32',
    wllamaTokensPerS: 40,
    dtypes: { fp32: 30, q4: 6 },
    nodeDtypes: { fp32: 20, q4: 50 },
    prefixReuse8: { naiveMs: 9000, reuseMs: 3000, answersEqual: true },
    firstEntityMs: 750,
    totalMs: 3000,
  },
  notes: ['a note'],
  totalSeconds: 123,
};

describe('bench report', () => {
  it('computes speedups and checks answers per row', () => {
    const [one, four] = results.prefixReuse;
    expect(one).toMatchObject({ types: 1, speedup: 1, answersEqual: true });
    expect(four).toMatchObject({
      naivePrefillTokens: 1400,
      reusePrefillTokens: 400,
      speedup: 2.5,
      answersEqual: true,
    });
    expect(results.browser?.wasm?.[0]?.answersEqual).toBe(false);
  });

  it('prints one Markdown table with every section side by side', () => {
    const text = formatTable(results);
    expect(text.split('\n').slice(0, 2)).toEqual([
      'CPU: Test CPU (2 cores), memory 8.0 GiB, linux 6, load average 1.5 at start',
      'Node v20.0.0, Chromium 156.0',
    ]);
    const rows = text.split('\n').filter((l) => l.startsWith('|'));
    expect(rows).toHaveLength(2 + 2 + 1 + 1 + 1 + 1 + 3 + 1 + 5);
    expect(new Set(rows.map((r) => r.length)).size).toBe(1); // aligned columns
    expect(rows[0]).toMatch(/^\| Measure +\| +Baseline \| +Measured \| +Ratio \| Same answers \|$/);
    expect(text).toMatch(
      /\| Prefix reuse, Node, 4 types +\| +400 ms \(1400 tok\) \| +160 ms \(400 tok\) \| +2\.50× \| +✓ \|/,
    );
    expect(text).toMatch(
      /\| Batched decoding, Node, 4 types in one batch +\| +160 ms one at a time \| +80\.0 ms batched \| +2\.00× \| +✓ \|/,
    );
    expect(text).toMatch(/\| Prefix reuse, Chromium wasm, 4 types .*\| +2\.00× \| +✗ \|/);
    expect(text).toMatch(/Constraint per step vs model step .*20\.0 ms step .*1\.0 ms constraint .*5\.0 %/);
    expect(text).toMatch(
      /First entity vs whole request \(8 types\) .*200 ms total .*50\.0 ms first .*25\.0 %/,
    );
    expect(text).toMatch(/UI: 2000 marks, 50,000-char passage .*40\.0 ms last render .*2\.4 frames/);
    expect(text).toMatch(
      /UI: longest main-thread task .*3 long tasks .*250 ms .*15\.0 frames \(worst event→frame 300 ms\)/,
    );
    expect(text).toMatch(
      /UI: most marks inserted by one task +\| +2000 marks in 38 tasks \| +55 marks; 50,000 chars re-laid out \| +longest frame 260 ms: script 30\.0 ms, style\+layout 220 ms/,
    );
    expect(text).toMatch(
      /Long passage: first chunk's answer starts \(1\.0 MB, 3 types\) +\| +500 ms first progress \(about 214 chunks\) \| +900 ms first answer \| +1500 ms chunk 0 done \|/,
    );
    expect(text).toMatch(/Note: a note/);
    expect(formatTable(results, { machine: false })).not.toMatch(/Test CPU/);
  });

  it('writes the same figures as JSON under the agreed keys', () => {
    const json = JSON.parse(formatJson(results)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['machine', 'prefixReuse', 'constraint', 'firstEntity', 'browser', 'ui']),
    );
    expect((json.prefixReuse as Record<string, unknown>[])[1]).toMatchObject({
      types: 4,
      naiveMs: 400,
      reuseMs: 160,
      naivePrefillTokens: 1400,
      reusePrefillTokens: 400,
      speedup: 2.5,
    });
    expect((json.prefixReuse as Record<string, unknown>[])[1]).toMatchObject({
      batchedMs: 80,
      batchedAnswersEqual: true,
    });
    expect(json.constraint).toEqual(expect.objectContaining({ stepMs: 20, constraintMs: 1, ratio: 0.05 }));
    expect(json.firstEntity).toEqual(expect.objectContaining({ firstEntityMs: 50, totalMs: 200 }));
    expect((json.browser as { wasm: unknown[] }).wasm).toHaveLength(1);
    expect(json.longPassage).toEqual({
      chars: 1_000_000,
      types: 3,
      firstProgressMs: 500,
      estimatedChunks: 214,
      firstChunkStartMs: 900,
      firstChunkDoneMs: 1500,
      interrupted: true,
    });
    expect(json.ui).toMatchObject({ longestTaskMs: 250, maxCharsRelaidPerTask: 50_000 });
  });

  it('says when no main-thread task reached 50 ms', () => {
    const table = formatTable({ ...results, ui: { ...results.ui!, longestTaskMs: 0, longTasks: 0 } });
    expect(table).toMatch(
      /UI: longest main-thread task during the run +\| +0 long tasks \| +none ≥ 50 ms \|/,
    );
  });

  it('shows the corpus section: import time, heap before and after, rows in the DOM, run rate', () => {
    const corpus = {
      documents: 1000,
      bytes: 2 * 2 ** 20,
      importMs: 959,
      heapBeforeBytes: 3.4 * 2 ** 20,
      heapAfterImportBytes: 4.1 * 2 ** 20,
      heapAfterRunBytes: 4.9 * 2 ** 20,
      longestImportTaskMs: 0,
      longestRunTaskMs: 431,
      listRowsInDom: 15,
      runDocuments: 3,
      runMs: 30_000,
    };
    const table = formatTable({ ...results, corpus });
    expect(table).toMatch(
      /Corpus: import 1,000 docs \(2\.0 MB JSONL\) in the page +\| +heap 3\.4 MB before \| +959 ms; heap 4\.1 MB after; 15 list rows in the DOM \| +longest task none ≥ 50 ms \|/,
    );
    expect(table).toMatch(
      /Corpus: run .*\| +3 docs in 30000 ms \| +6 docs\/min; heap 4\.9 MB after \| +longest task 431 ms \|/,
    );
    expect(JSON.parse(formatJson({ ...results, corpus })).corpus).toEqual(corpus);
  });

  it('says "never" for a long-passage event that did not come', () => {
    const table = formatTable({
      ...results,
      longPassage: { ...results.longPassage!, firstChunkStartMs: null, firstChunkDoneMs: null },
    });
    expect(table).toMatch(/Long passage: .*\| +never first answer \| +never chunk 0 done \|/);
  });
});

describe('bench sections', () => {
  it('runs every section by default, and --only picks some', () => {
    expect(selectSections(undefined, { browser: false, real: false })).toEqual(
      new Set(['node', 'wasm', 'ui', 'long', 'corpus', 'real', 'server']),
    );
    expect(selectSections('ui, long', { browser: false, real: false })).toEqual(new Set(['ui', 'long']));
  });

  it('leaves out what --skip-browser and --skip-real say, and refuses unknown names', () => {
    expect(selectSections(undefined, { browser: true, real: false })).toEqual(new Set(['node', 'server']));
    expect(selectSections('ui,real,server', { browser: false, real: true })).toEqual(new Set(['ui']));
    expect(selectSections('ui,gpu', { browser: false, real: false })).toMatch(/--only takes .*got "ui,gpu"/);
    expect(selectSections('', { browser: false, real: false })).toMatch(/--only takes/);
  });
});

describe('bench workload', () => {
  it('makes a long passage of exactly the asked length from whole sentences', () => {
    const text = longPassage(['One sentence.', 'Another one.'], 1000);
    expect(text).toHaveLength(1000);
    expect(text.startsWith('One sentence. Another one. One sentence.')).toBe(true);
    expect(() => longPassage([], 10)).toThrow(/no sentences/);
  });

  it('builds a passage up to a token target from whole sentences', () => {
    const words = (t: string) => (t ? t.split(' ').length : 0);
    expect(buildPassage(['a b', 'c d e'], 4, words)).toBe('a b c d e');
    expect(buildPassage(['a b'], 5, words)).toBe('a b a b a b');
  });

  it('makes a highlight passage of the exact length with both scripted strings the asked number of times', () => {
    const text = highlightPassage(50_000, 1000);
    expect(text).toHaveLength(50_000);
    expect(text.match(/Barack Obama/g)).toHaveLength(1000);
    expect(text.match(/Hawaii/g)).toHaveLength(1000);
  });

  it('prints the real model side by side: ratios > 1 mean ours is faster', () => {
    const table = formatTable(results);
    expect(table).toMatch(
      /Real model decode, Node: ours \(q4\) vs llama\.cpp +\|\s+100\.0 tok\/s llama\.cpp +\|\s+50\.0 tok\/s ours +\|\s+0\.50× +\|/,
    );
    expect(table).toMatch(/Real model decode, Chromium: ours \(fp32\) vs wllama +\|.*\|\s+0\.75× +\|/);
    expect(table).toMatch(
      /Real model decode, Chromium wasm: q4 vs fp32 +\|\s+30\.0 tok\/s +\|\s+6\.0 tok\/s +\|\s+0\.20× +\|/,
    );
    expect(table).toMatch(
      /Real model prefix reuse, Chromium wasm \(fp32\), 8 types +\|.*\|\s+3\.00× +\|\s+✓ +\|/,
    );
    expect(table).toMatch(
      /Real model first entity vs whole request \(8 types\) +\|.*750 ms first +\|\s+25\.0 % +\|/,
    );
    expect(table).toContain('2 threads in every engine');
    const json = JSON.parse(formatJson(results)) as { realModel: Record<string, unknown> };
    expect(json.realModel).toMatchObject({
      nodeTokensPerS: 50,
      llamaCppNodeTokensPerS: 100,
      wasmTokensPerS: 30,
      wllamaTokensPerS: 40,
      dtypes: { fp32: 30, q4: 6 },
      prefixReuse8: { naiveMs: 9000, reuseMs: 3000 },
      firstEntityMs: 750,
      totalMs: 3000,
    });
  });

  it('says when the real model found no entity', () => {
    const table = formatTable({ ...results, realModel: { ...results.realModel!, firstEntityMs: null } });
    expect(table).toMatch(/Real model first entity vs whole request \(8 types\) +\|.*no entity +\|/);
  });
});
