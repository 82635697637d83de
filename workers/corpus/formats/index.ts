/**
 * Corpus export and import formats: pure text in, text out, shared by the page and the CLI.
 *
 * - `jsonl`: one document per line, `{"id","name","text","spans","rejected_spans"?,"meta","types","reviewed"}`
 *   (jsonl.ts); `spacy-jsonl` is the same file, for tools/spacy/jsonl_to_docbin.py to turn into a `.spacy`
 *   DocBin (a DocBin stores spaCy's own tokens, so only spaCy can write one faithfully).
 * - `conll`: CoNLL-2003 BIO, `-DOCSTART-` per document (conll.ts); spans it cannot hold are reported.
 * - `label-studio`: one JSON array of tasks, predictions + annotations (label-studio.ts), and
 *   `labelStudioConfig(types)` for the project's labeling config.
 */
import type { DocumentWithSpans } from '../document';
import { conllBlock, type ExportProblem } from './conll';
import { jsonlLine } from './jsonl';
import { labelStudioWriter } from './label-studio';

export { conllBlock, conllLabel, CONLL_DOCSTART, type ConllBlock, type ExportProblem } from './conll';
export {
  importJsonl,
  jsonlLine,
  jsonlRecord,
  type ExistingLookup,
  type ImportOptions,
  type ImportResult,
  type JsonlRecord,
  type JsonlSpan,
} from './jsonl';
export {
  importLabelStudio,
  labelStudioConfig,
  labelStudioTask,
  labelStudioWriter,
  type LabelStudioRegion,
  type LabelStudioTask,
} from './label-studio';
export { wordTokens, type WordToken } from './words';

/** The corpus export formats, as `--format` names them. */
export const EXPORT_FORMATS = ['jsonl', 'conll', 'label-studio', 'spacy-jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The file name extension of each format. */
export const FORMAT_EXTENSION: Readonly<Record<ExportFormat, string>> = {
  jsonl: '.jsonl',
  'spacy-jsonl': '.jsonl',
  conll: '.conll',
  'label-studio': '.json',
};

/**
 * A streaming writer: `header()`, then `item(doc)` per document as it finishes, then `footer()`.
 * `problems` gathers what the format could not hold (CoNLL only).
 */
export interface FormatWriter {
  header(): string;
  item(doc: DocumentWithSpans): string;
  footer(): string;
  readonly problems: ExportProblem[];
}

/** The streaming writer of a format. */
export function formatWriter(format: ExportFormat): FormatWriter {
  const problems: ExportProblem[] = [];
  switch (format) {
    case 'jsonl':
    case 'spacy-jsonl':
      return { header: () => '', item: jsonlLine, footer: () => '', problems };
    case 'conll':
      return {
        header: () => '',
        item: (doc) => {
          const block = conllBlock(doc);
          problems.push(...block.problems);
          return block.text;
        },
        footer: () => '',
        problems,
      };
    case 'label-studio': {
      const writer = labelStudioWriter();
      return { ...writer, problems };
    }
  }
}

/** The text of one document for the line formats (jsonl, conll): what the CLI appends per document. */
export function formatDocumentLine(
  format: Exclude<ExportFormat, 'label-studio'>,
  doc: DocumentWithSpans,
): string {
  return formatWriter(format).item(doc);
}

/** A whole export of these documents, and what the format could not hold. */
export function exportDocuments(
  format: ExportFormat,
  docs: Iterable<DocumentWithSpans>,
): { text: string; problems: ExportProblem[] } {
  const writer = formatWriter(format);
  let text = writer.header();
  for (const doc of docs) text += writer.item(doc);
  text += writer.footer();
  return { text, problems: writer.problems };
}

/** Whether a string names an export format. */
export function isExportFormat(name: string): name is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(name);
}
