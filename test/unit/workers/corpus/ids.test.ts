import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STORED_ID_POLICY,
  fileOfName,
  IdAssigner,
  needsQuestion,
  renamedId,
  storedIdAction,
} from '../../../../workers/corpus/ids';

describe('IdAssigner: one rule for ids across files', () => {
  it('keeps the first use of an id and names later ones by file, then ~2, ~3', () => {
    const ids = new IdAssigner();
    expect(ids.assign('a.csv', '1')).toBe('1');
    expect(ids.assign('a.csv', '2')).toBe('2');
    expect(ids.assign('b.csv', '1')).toBe('b.csv#1');
    expect(ids.assign('b.csv', '2')).toBe('b.csv#2');
    // Two files with the same name (from two folders): the third use gets a counter.
    expect(ids.assign('b.csv', '1')).toBe('b.csv#1~2');
    expect(ids.assign('b.csv', '1')).toBe('b.csv#1~3');
    expect(ids.renamed).toBe(4);
  });

  it('a duplicate inside one file is renamed, never dropped', () => {
    const ids = new IdAssigner();
    const out = ['x', 'x', 'x'].map((id) => ids.assign('one.jsonl', id));
    expect(out).toEqual(['x', 'one.jsonl#x', 'one.jsonl#x~2']);
    expect(new Set(out).size).toBe(3);
  });

  it('never hands out an id that is taken outside it (stored ids), nor a reserved one', () => {
    const stored = new Set(['1', 'b.csv#1']);
    const ids = new IdAssigner((id) => stored.has(id));
    expect(ids.assign('b.csv', '1')).toBe('b.csv#1~2');
    ids.reserve('7');
    expect(ids.assign('c.csv', '7')).toBe('c.csv#7');
  });

  it('renamedId is the same rule on its own', () => {
    expect(renamedId('f', 'i', () => false)).toBe('f#i');
    expect(renamedId('f', 'i', (c) => c === 'f#i' || c === 'f#i~2')).toBe('f#i~3');
  });
});

describe('stored ids: what an import does with an id already in the corpus', () => {
  const stored = { file: 'news.jsonl', text: 'Same text.', reviewed: false };

  it('another file with the same id: both kept, no question', () => {
    expect(needsQuestion(stored, 'other.jsonl')).toBe(false);
    for (const policy of ['skip', 'replace', 'keep-both'] as const)
      expect(storedIdAction(stored, 'other.jsonl', 'x', policy)).toEqual({ kind: 'rename' });
  });

  it('a re-import asks; the default skips, so nothing stored changes', () => {
    expect(needsQuestion(stored, 'news.jsonl')).toBe(true);
    expect(DEFAULT_STORED_ID_POLICY).toBe('skip');
    expect(storedIdAction({ ...stored, reviewed: true }, 'news.jsonl', 'changed', 'skip')).toEqual({
      kind: 'skip',
      reason: 'policy',
    });
  });

  it('replace keeps spans on an unchanged text and never replaces a reviewed document with another text', () => {
    expect(storedIdAction(stored, 'news.jsonl', 'Same text.', 'replace')).toEqual({
      kind: 'replace',
      keepSpans: true,
    });
    expect(storedIdAction(stored, 'news.jsonl', 'New text.', 'replace')).toEqual({
      kind: 'replace',
      keepSpans: false,
    });
    expect(storedIdAction({ ...stored, reviewed: true }, 'news.jsonl', 'New text.', 'replace')).toEqual({
      kind: 'skip',
      reason: 'reviewed',
    });
    expect(storedIdAction({ ...stored, reviewed: true }, 'news.jsonl', 'Same text.', 'replace')).toEqual({
      kind: 'replace',
      keepSpans: true,
    });
  });

  it('keep both renames', () => {
    expect(storedIdAction(stored, 'news.jsonl', 'x', 'keep-both')).toEqual({ kind: 'rename' });
  });

  it('fileOfName reads the file from importer and page names', () => {
    expect(fileOfName('news.jsonl #3')).toBe('news.jsonl');
    expect(fileOfName('a b.csv · row 1')).toBe('a b.csv');
    expect(fileOfName('x.jsonl · line 12')).toBe('x.jsonl');
    expect(fileOfName('letter.pdf')).toBe('letter.pdf');
  });
});
