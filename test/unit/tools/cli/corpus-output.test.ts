/** The corpus results file: whole lines, and --resume reading it back after a kill. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResumeState, resultLine, ResultsWriter } from '../../../../tools/cli/corpus-output';
import type { DocumentWithSpans } from '../../../../workers/corpus/document';

const result = (id: string): DocumentWithSpans => ({
  document: {
    id,
    name: `${id}.txt`,
    text: 'Obama here',
    meta: { k: 1 },
    types: ['person'],
    status: 'done',
    reviewed: false,
  },
  spans: [{ start: 0, end: 5, label: 'person', source: 'model', score: 0.9, model: 'm' }],
});

function tempFile(content?: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'corpus-output-')), 'out.jsonl');
  if (content !== undefined) writeFileSync(path, content);
  return path;
}

describe('corpus results file', () => {
  it('writes the documented line shape', () => {
    const line = JSON.parse(resultLine(result('a'))) as Record<string, unknown>;
    expect(Object.keys(line)).toEqual(['id', 'name', 'text', 'spans', 'meta']);
    expect(line.spans).toEqual([{ start: 0, end: 5, label: 'person', source: 'model', score: 0.9 }]);
    const pdf = resultLine({
      ...result('p'),
      document: { ...result('p').document, pages: [{ start: 0, end: 10, page: 1 }] },
    });
    expect(JSON.parse(pdf)).toMatchObject({ pages: [{ start: 0, end: 10, page: 1 }] });
  });

  it('drops a line cut off by a kill, and appends after the last whole one', async () => {
    const whole = `${resultLine(result('a'))}\n${resultLine(result('b'))}\n`;
    const cut = '{"id":"c","name":"c.t';
    const path = tempFile(`${whole}${cut}`);
    const state = await readResumeState(path);
    expect([...state.ids]).toEqual(['a', 'b']);
    expect(state.validBytes).toBe(Buffer.byteLength(whole));
    expect(state.droppedTail).toEqual({ line: 3, bytes: cut.length });
    const writer = new ResultsWriter(path, state);
    writer.write(resultLine(result('c')));
    writer.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((line) => (JSON.parse(line) as { id: string }).id)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('keeps a whole last result that lacks only its newline', async () => {
    const path = tempFile(`${resultLine(result('a'))}\n${resultLine(result('b'))}`);
    const state = await readResumeState(path);
    expect([...state.ids]).toEqual(['a', 'b']);
    expect(state.droppedTail).toBeUndefined();
    const writer = new ResultsWriter(path, state);
    writer.write(resultLine(result('c')));
    writer.close();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('reports complete lines that are not results, and keeps them', async () => {
    const path = tempFile(`${resultLine(result('a'))}\nnot json\n{"no":"id"}\n\n`);
    const state = await readResumeState(path);
    expect([...state.ids]).toEqual(['a']);
    expect(state.badLines).toEqual([2, 3]);
    expect(state.validBytes).toBe(readFileSync(path).length);
  });

  it('treats a missing file as empty, and a fresh writer empties an old file', async () => {
    const path = tempFile();
    expect(await readResumeState(path)).toEqual({ ids: new Set(), validBytes: 0, badLines: [] });
    writeFileSync(path, 'old\n');
    const writer = new ResultsWriter(path);
    writer.write('{"id":"x"}');
    writer.close();
    expect(readFileSync(path, 'utf8')).toBe('{"id":"x"}\n');
  });
});
