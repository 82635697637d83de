/**
 * "Import annotations" runs in a module worker (issue 28): the worker's answer for a 100k-span
 * export, its error answer, and the in-place fallback where no Worker exists (here, in Node).
 */
import { describe, expect, it } from 'vitest';
import { jsonlLine } from '../../../../../workers/corpus/formats';
import { answerImport } from '../../../../../src/lib/review/import-worker';
import { importReviewOffThread } from '../../../../../src/lib/review/import-off-thread';

function bigExport(n: number): { text: string; line: string } {
  const words = Array.from({ length: n }, (_, i) => `w${i}`);
  const text = words.join(' ');
  const spans = [];
  let at = 0;
  for (const word of words) {
    spans.push({ start: at, end: at + word.length, label: 'thing', source: 'person' as const });
    at += word.length + 1;
  }
  const line = jsonlLine({
    document: { id: 'p', name: 'p', text, meta: {}, types: ['thing'], status: 'done', reviewed: true },
    spans,
  });
  return { text, line };
}

describe('the import worker', () => {
  it('answers a 100,000-span export with every span', async () => {
    const { text, line } = bigExport(100_000);
    const answer = await answerImport({ file: new File([line], 'big.jsonl'), currentText: text });
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    expect(answer.review.problems).toEqual([]);
    expect(answer.review.document!.spans).toHaveLength(100_000);
    expect(answer.review.document!.document.text).toBe(text);
  });

  it('answers an error instead of throwing when the file cannot be read', async () => {
    const broken = { name: 'gone.jsonl', text: () => Promise.reject(new Error('the file was removed')) };
    const answer = await answerImport({ file: broken as unknown as File, currentText: '' });
    expect(answer).toEqual({ ok: false, error: 'the file was removed' });
  });

  it('parses in place where no Worker exists', async () => {
    expect(typeof Worker).toBe('undefined');
    const { text, line } = bigExport(10);
    const review = await importReviewOffThread(new File([line], 'small.jsonl'), text);
    expect(review.document!.spans).toHaveLength(10);
  });
});
