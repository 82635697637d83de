/** Documents the format tests share: a reviewed one with every kind of span, and a fresh one. */
import type { CorpusDocument, CorpusSpan, DocumentWithSpans } from '../../../../../workers/corpus/document';

export function corpusDocument(
  id: string,
  text: string,
  extra: Partial<CorpusDocument> = {},
): CorpusDocument {
  return {
    id,
    name: `${id}.txt`,
    text,
    meta: {},
    types: ['person', 'place'],
    status: 'done',
    reviewed: false,
    ...extra,
  };
}

/** The span of the first occurrence of `piece` in `text`. */
export function spanOf(
  text: string,
  piece: string,
  label: string,
  extra: Partial<CorpusSpan> = {},
): CorpusSpan {
  const start = text.indexOf(piece);
  if (start < 0) throw new Error(`"${piece}" is not in the text`);
  return { start, end: start + piece.length, label, source: 'model', ...extra };
}

const reviewedText = 'Ada Lovelace wrote to Charles Babbage from London, England.';
/** Reviewed: an accepted, an undecided and a rejected model span, and a person's span. */
export const reviewed: DocumentWithSpans = {
  document: corpusDocument('doc-1', reviewedText, { reviewed: true, meta: { source: 'letters' } }),
  spans: [
    spanOf(reviewedText, 'Ada Lovelace', 'person', { score: 0.9, model: 'm1', decision: 'accepted' }),
    spanOf(reviewedText, 'Charles', 'person', { score: 0.4, model: 'm1', decision: 'rejected' }),
    spanOf(reviewedText, 'London', 'place', { score: 0.8, model: 'm1' }),
    spanOf(reviewedText, 'Charles Babbage', 'person', { source: 'person' }),
  ],
};

const freshText = 'Grace Hopper worked\nin Arlington.';
/** Not reviewed: model spans only, one without a score. */
export const fresh: DocumentWithSpans = {
  document: corpusDocument('doc-2', freshText),
  spans: [
    spanOf(freshText, 'Grace Hopper', 'person', { score: 0.7, model: 'm1' }),
    spanOf(freshText, 'Arlington', 'place', { model: 'm1' }),
  ],
};
