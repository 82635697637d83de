import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parsePredictions,
  readPredictions,
  teePredictions,
  writePredictions,
} from '../../../../tools/eval/predictions';

describe('predictions JSON Lines', () => {
  it('round-trips raw outputs, including newlines and quotes', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'eval-pred-')), 'p.jsonl');
    const predictions = [
      { id: 'a', output: '["Obama"]' },
      { id: 'b', output: '["x",\n"y"] and "more"' },
    ];
    await writePredictions(path, predictions);
    const text = await readFile(path, 'utf8');
    expect(text.split('\n')).toHaveLength(3); // two lines and the final newline
    const read = await readPredictions(path);
    expect([...read.byId]).toEqual([
      ['a', '["Obama"]'],
      ['b', '["x",\n"y"] and "more"'],
    ]);
    expect(read.duplicates).toBe(0);
  });

  it('skips blank lines, keeps the later of repeated ids and counts them', () => {
    const read = parsePredictions('{"id":"a","output":"[]"}\n\n{"id":"a","output":"[\\"x\\"]"}\n');
    expect(read.byId.get('a')).toBe('["x"]');
    expect(read.duplicates).toBe(1);
  });

  it('round-trips scores and keeps them with the line that wins', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'eval-pred-')), 's.jsonl');
    await writePredictions(path, [
      {
        id: 'a',
        output: '["Obama", "__proto__"]',
        // An own "__proto__" key (a literal's `__proto__:` would set the prototype instead).
        scores: Object.fromEntries([
          ['Obama', 0.93],
          ['__proto__', 0.5],
        ]),
      },
      { id: 'b', output: '[]' },
    ]);
    const text = await readFile(path, 'utf8');
    expect(text.split('\n')[0]).toBe(
      '{"id":"a","output":"[\\"Obama\\", \\"__proto__\\"]","scores":{"Obama":0.93,"__proto__":0.5}}',
    );
    expect(text.split('\n')[1]).toBe('{"id":"b","output":"[]"}');
    const read = await readPredictions(path);
    const scores = read.scoresById.get('a');
    expect(scores?.Obama).toBe(0.93);
    expect(Object.hasOwn(scores ?? {}, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(scores)).toBe(Object.prototype);
    expect(read.scoresById.has('b')).toBe(false);
    // A later line without scores replaces the earlier line's scores too.
    const later = parsePredictions('{"id":"a","output":"[]","scores":{"x":1}}\n{"id":"a","output":"[]"}\n');
    expect(later.scoresById.size).toBe(0);
  });

  it.each([['[0.5]'], ['{"x": 1.5}'], ['{"x": -0.1}'], ['{"x": "0.5"}'], ['null'], ['{"x": null}']])(
    'refuses scores %s',
    (scores) => {
      expect(() => parsePredictions(`{"id":"a","output":"[]","scores":${scores}}`, 'f.jsonl')).toThrow(
        /f\.jsonl: line 1: "scores" must map strings to numbers from 0 to 1/,
      );
    },
  );

  it('names the line of malformed input', () => {
    expect(() => parsePredictions('{"id":"a","output":"[]"}\nnope', 'f.jsonl')).toThrow(
      /f\.jsonl: line 2: not JSON/,
    );
    expect(() => parsePredictions('{"id":1,"output":"[]"}')).toThrow(/line 1: expected/);
    expect(() => parsePredictions('{"id":"a"}')).toThrow(/line 1: expected/);
  });

  it('tees a stream into a file while passing it on', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'eval-pred-')), 'tee.jsonl');
    async function* source() {
      yield { id: 'q1', output: '[]' };
      yield { id: 'q2', output: '["a"]' };
    }
    const seen: string[] = [];
    for await (const p of teePredictions(source(), path)) seen.push(p.id);
    expect(seen).toEqual(['q1', 'q2']);
    expect((await readPredictions(path)).byId.size).toBe(2);
  });
});
