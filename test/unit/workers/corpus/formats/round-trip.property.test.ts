/**
 * Export → import gives back the same spans (range, label, source, score, model, decision) and the
 * document's own fields, for JSONL and Label Studio, on random documents.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareSpans,
  type CorpusSpan,
  type DocumentWithSpans,
} from '../../../../../workers/corpus/document';
import { exportDocuments, importJsonl, importLabelStudio } from '../../../../../workers/corpus/formats';
import { corpusDocument } from './sample';

const LABELS = ['person', 'place', 'programming language'];

function spanArbitrary(length: number): fc.Arbitrary<CorpusSpan> {
  const range = fc
    .tuple(fc.integer({ min: 0, max: length - 1 }), fc.integer({ min: 1, max: length }))
    .filter(([a, b]) => a < b)
    .map(([start, end]) => ({ start, end }));
  const label = fc.constantFrom(...LABELS);
  const model = fc.record(
    {
      range,
      label,
      score: fc.double({ min: 0, max: 1, noNaN: true }).map(Math.abs),
      model: fc.constantFrom('org/model-a', 'org/model-b'),
      decision: fc.constantFrom('accepted' as const, 'rejected' as const),
    },
    { requiredKeys: ['range', 'label'] },
  );
  const person = fc.record({ range, label });
  return fc.oneof(
    model.map(({ range, ...rest }) => ({ ...range, ...rest, source: 'model' as const })),
    person.map(({ range, label }) => ({ ...range, label, source: 'person' as const })),
  );
}

/** What the importers promise to keep: no exact duplicates, no overlapping person spans of one label. */
function admissible(spans: CorpusSpan[]): CorpusSpan[] {
  const kept: CorpusSpan[] = [];
  for (const s of spans) {
    const clash = kept.some(
      (k) =>
        k.source === s.source &&
        k.label === s.label &&
        (k.model ?? '') === (s.model ?? '') &&
        (s.source === 'person' ? k.start < s.end && s.start < k.end : k.start === s.start && k.end === s.end),
    );
    if (!clash) kept.push(s);
  }
  return kept.sort(compareSpans);
}

const documentArbitrary: fc.Arbitrary<DocumentWithSpans> = fc
  .record({
    text: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
    reviewed: fc.boolean(),
    note: fc.string(),
  })
  .chain(({ text, reviewed, note }) =>
    fc.array(spanArbitrary(text.length), { maxLength: 8 }).map((spans) => {
      const kept = admissible(spans);
      return {
        document: corpusDocument('id set below', text, {
          reviewed,
          meta: { note },
          types: LABELS,
          status: kept.some((s) => s.source === 'model') ? 'done' : 'pending',
        }),
        spans: kept,
      };
    }),
  );

/** A total order, since spans that tie in reading order may come back in either order. */
function canonical(docs: readonly DocumentWithSpans[]): DocumentWithSpans[] {
  const key = (s: CorpusSpan) => JSON.stringify([s.source, s.model ?? '', s.decision ?? '', s.score ?? -1]);
  return docs.map((d) => ({
    ...d,
    spans: [...d.spans].sort(
      (a, b) => compareSpans(a, b) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0),
    ),
  }));
}

const corpusArbitrary = fc
  .array(documentArbitrary, { minLength: 1, maxLength: 5 })
  .map((docs) => docs.map((d, i) => ({ ...d, document: { ...d.document, id: `doc-${i}` } })));

describe('export → import round trip', () => {
  it('JSONL keeps every span, its source and decision, and the document', () => {
    fc.assert(
      fc.property(corpusArbitrary, (docs) => {
        const { documents, problems } = importJsonl(exportDocuments('jsonl', docs).text, 'x.jsonl');
        expect(problems).toEqual([]);
        expect(canonical(documents)).toEqual(canonical(docs));
      }),
      { numRuns: 300 },
    );
  });

  it('Label Studio keeps every span, its source and decision, and the document', () => {
    fc.assert(
      fc.property(corpusArbitrary, (docs) => {
        const { documents, problems } = importLabelStudio(
          exportDocuments('label-studio', docs).text,
          'x.json',
        );
        expect(problems).toEqual([]);
        expect(canonical(documents)).toEqual(canonical(docs));
      }),
      { numRuns: 300 },
    );
  });
});
