/**
 * The passage under review as one corpus document, so the page exports and imports it with the same
 * pure formats as the corpus and the CLI (workers/corpus/formats).
 */
import type { CorpusDocument, DocumentWithSpans, ImportProblem } from '../../../workers/corpus/document';
import { importJsonl, importLabelStudio } from '../../../workers/corpus/formats';
import type { ReviewState } from './review-state';

/** The id and name the single passage carries in exports. */
export const PASSAGE_DOCUMENT_ID = 'passage';

/**
 * The passage, its run's types and its review as a document with spans. Labels a person added are
 * appended to `types`: the importers accept only a document's types as labels, so without them a
 * re-import would drop the person's own spans.
 */
export function passageDocument(
  text: string,
  types: readonly string[],
  review: ReviewState,
): DocumentWithSpans {
  const document: CorpusDocument = {
    id: PASSAGE_DOCUMENT_ID,
    name: PASSAGE_DOCUMENT_ID,
    text,
    meta: {},
    types: [...new Set([...types, ...review.spans.map((span) => span.label)])],
    status: 'done',
    reviewed: review.reviewed,
  };
  return { document, spans: review.spans };
}

/** What an annotations file gave for the passage. */
export interface ImportedReview {
  /** The document to load (the one with the passage's text when the file has several), or null. */
  readonly document: DocumentWithSpans | null;
  /** How many documents the file held. */
  readonly count: number;
  readonly problems: readonly ImportProblem[];
}

/**
 * Reads our JSONL or a Label Studio tasks export (told apart by the first character: a JSON array is
 * Label Studio). A file of several documents gives the one whose text is `currentText`, else its first.
 */
export function importReview(content: string, fileName: string, currentText: string): ImportedReview {
  const labelStudio = content.trimStart().startsWith('[');
  const result = labelStudio ? importLabelStudio(content, fileName) : importJsonl(content, fileName);
  const document =
    result.documents.find((doc) => doc.document.text === currentText) ?? result.documents[0] ?? null;
  return { document, count: result.documents.length, problems: result.problems };
}
