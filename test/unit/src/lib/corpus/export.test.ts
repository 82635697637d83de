import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareSpans, type CorpusDocument, type CorpusSpan } from '../../../../../workers/corpus/document';
import { exportDocuments, importJsonl } from '../../../../../workers/corpus/formats';
import { importDocuments } from '../../../../../workers/corpus/import';
import { importFiles } from '../../../../../src/lib/corpus/import-files';
import { CorpusDb } from '../../../../../src/lib/corpus/db';
import {
  BlobSink,
  exportCorpus,
  exportFileName,
  type ExportSink,
} from '../../../../../src/lib/corpus/export';

let db: CorpusDb;
let counter = 0;
const doc = (id: string, text: string): CorpusDocument => ({
  id,
  name: `${id}.txt`,
  text,
  meta: { source: `src-${id}` },
  types: [],
  status: 'pending',
  reviewed: false,
});
const model = (start: number, end: number, label: string, decision?: CorpusSpan['decision']): CorpusSpan => ({
  start,
  end,
  label,
  source: 'model',
  model: 'm',
  score: 0.7,
  ...(decision ? { decision } : {}),
});

beforeEach(async () => {
  db = await CorpusDb.open(`export-test-${++counter}`);
  const docs = Array.from({ length: 250 }, (_, i) => doc(`d${i}`, `Ada met Bob ${i}.`));
  await db.addDocuments(docs, 'many.jsonl');
  for (let i = 0; i < 250; i += 50)
    await db.writeResults(`d${i}`, ['person'], [model(0, 3, 'person'), model(8, 11, 'person')]);
  await db.saveReview(
    'd0',
    [
      model(0, 3, 'person', 'accepted'),
      model(8, 11, 'person', 'rejected'),
      { start: 4, end: 7, label: 'verb', source: 'person' },
    ],
    true,
  );
});
afterEach(() => db.close());

/** A sink that keeps the parts it got (to count them and join them). */
function partsSink(): ExportSink & { parts: string[]; closed: boolean; aborted: boolean } {
  const sink = {
    parts: [] as string[],
    closed: false,
    aborted: false,
    append: async (part: string) => void sink.parts.push(part),
    close: async () => void (sink.closed = true),
    abort: async () => void (sink.aborted = true),
  };
  return sink;
}

describe('corpus export from the page', () => {
  it('writes every document a part at a time, in import order, the same text as the formats module', async () => {
    for (const format of ['jsonl', 'spacy-jsonl', 'conll', 'label-studio'] as const) {
      const sink = partsSink();
      const progress: number[] = [];
      const result = await exportCorpus(db, format, () => true, sink, {
        onProgress: (n) => progress.push(n),
      });
      expect(result.documents).toBe(250);
      expect(sink.closed).toBe(true);
      // Read in batches of 100 (three transactions), one part per document plus header and footer.
      expect(progress).toEqual([100, 200, 250]);
      expect(sink.parts.length).toBeGreaterThanOrEqual(250);
      const all: { document: CorpusDocument; spans: readonly CorpusSpan[] }[] = [];
      for await (const batch of db.documentsWithSpans()) all.push(...batch);
      expect(sink.parts.join('')).toBe(exportDocuments(format, all).text);
    }
  });

  it('the reviewed ones or a picked list; ids, metadata, person spans and decisions travel', async () => {
    const sink = partsSink();
    await exportCorpus(db, 'jsonl', (d) => d.reviewed, sink);
    // A label a person added outside the run's types travels too (the page's import allows it, see import-files).
    const read = importJsonl(sink.parts.join(''), 'x.jsonl', { labels: ['person', 'verb'] });
    expect(read.problems, JSON.stringify(read.problems)).toEqual([]);
    expect(read.documents).toHaveLength(1);
    const [only] = read.documents;
    expect(only!.document).toMatchObject({ id: 'd0', meta: { source: 'src-d0' }, reviewed: true });
    expect(only!.spans).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ start: 0, end: 3, decision: 'accepted' }),
        expect.objectContaining({ start: 8, end: 11, decision: 'rejected' }),
        expect.objectContaining({ start: 4, end: 7, label: 'verb', source: 'person' }),
      ]),
    );
    const picked = partsSink();
    const result = await exportCorpus(db, 'conll', (d) => d.id === 'd50' || d.id === 'd249', picked);
    expect(result.documents).toBe(2);
  });

  it('a failure mid-export (a tab closing, a disk full) aborts the file and leaves the corpus as it was', async () => {
    const sink = partsSink();
    let writes = 0;
    const failing: ExportSink = {
      ...sink,
      append: async (part) => {
        if (++writes === 120) throw new Error('disk full');
        sink.parts.push(part);
      },
    };
    await expect(exportCorpus(db, 'jsonl', () => true, failing)).rejects.toThrow('disk full');
    expect(sink.aborted).toBe(true);
    expect(sink.closed).toBe(false);
    const controller = new AbortController();
    const cancelled = partsSink();
    const run = exportCorpus(db, 'jsonl', () => true, cancelled, {
      onProgress: () => controller.abort(),
      signal: controller.signal,
    });
    await expect(run).rejects.toThrow();
    expect(cancelled.aborted).toBe(true);
    expect(await db.getSpans('d0')).toHaveLength(3);
  });

  it('our JSONL imported into a fresh corpus gives the same documents, spans, decisions and reviews', async () => {
    const sink = partsSink();
    await exportCorpus(db, 'jsonl', () => true, sink);
    const text = sink.parts.join('');
    const fresh = await CorpusDb.open(`export-fresh-${counter}`);
    try {
      const bytes = new TextEncoder().encode(text);
      const problems: unknown[] = [];
      await importFiles(
        [
          {
            name: 'corpus.jsonl',
            size: bytes.length,
            chunks: async function* () {
              yield bytes;
            },
            bytes: async () => bytes,
          },
        ],
        fresh,
        importDocuments,
        { onProblem: (p) => problems.push(p) },
      );
      expect(problems).toEqual([]);
      const before: unknown[] = [];
      const after: unknown[] = [];
      const shape = (d: CorpusDocument, spans: readonly CorpusSpan[]) => ({
        id: d.id,
        text: d.text,
        meta: d.meta,
        reviewed: d.reviewed,
        types: d.types,
        status: d.status,
        spans: [...spans].sort(compareSpans),
      });
      for await (const batch of db.documentsWithSpans())
        before.push(...batch.map((b) => shape(b.document, b.spans)));
      for await (const batch of fresh.documentsWithSpans())
        after.push(...batch.map((b) => shape(b.document, b.spans)));
      expect(after).toEqual(before);
      expect((await fresh.listDocuments()).find((d) => d.id === 'd0')?.counts).toEqual({
        person: 1,
        verb: 1,
      });
    } finally {
      fresh.close();
    }
  });

  it('BlobSink assembles the parts into one Blob only at close', async () => {
    const sink = new BlobSink('application/x-ndjson');
    await exportCorpus(db, 'jsonl', (d) => d.id === 'd1', sink);
    expect(await sink.blob!.text()).toContain('"id":"d1"');
    expect(sink.blob!.type).toBe('application/x-ndjson;charset=utf-8');
    expect(exportFileName('spacy-jsonl', 'reviewed')).toBe('corpus-reviewed.spacy.jsonl');
    expect(exportFileName('label-studio', 'all')).toBe('corpus.json');
  });
});
