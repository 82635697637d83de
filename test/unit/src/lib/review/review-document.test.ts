import { describe, expect, it } from 'vitest';
import { exportDocuments } from '../../../../../workers/corpus/formats';
import { importReview, passageDocument } from '../../../../../src/lib/review/review-document';
import type { ReviewState } from '../../../../../src/lib/review/review-state';

const TEXT = 'Alice Smith met Bob Jones in Paris.';
const REVIEW: ReviewState = {
  reviewed: true,
  spans: [
    { start: 0, end: 11, label: 'author', source: 'person' },
    { start: 0, end: 11, label: 'person', source: 'model', model: 'm', score: 0.9, decision: 'accepted' },
    { start: 16, end: 25, label: 'person', source: 'model', model: 'm', score: 0.4, decision: 'rejected' },
    { start: 29, end: 34, label: 'location', source: 'model', model: 'm', score: 0.8 },
  ],
};

describe('the passage as a corpus document', () => {
  for (const format of ['label-studio', 'jsonl'] as const) {
    it(`round-trips every span, source, decision and the reviewed flag through ${format}`, () => {
      const { text } = exportDocuments(format, [passageDocument(TEXT, ['person', 'location'], REVIEW)]);
      const imported = importReview(text, `passage.${format}`, TEXT);
      expect(imported.problems).toEqual([]);
      expect(imported.count).toBe(1);
      expect(imported.document?.document.text).toBe(TEXT);
      expect(imported.document?.document.reviewed).toBe(true);
      expect(imported.document?.spans).toEqual(REVIEW.spans);
    });
  }

  it('names the file and line of what it could not read', () => {
    const imported = importReview('{"text": "a b", "spans": []}\nnot json\n', 'bad.jsonl', '');
    expect(imported.document?.document.text).toBe('a b');
    expect(imported.problems).toEqual([expect.objectContaining({ file: 'bad.jsonl', line: 2 })]);
  });
});
