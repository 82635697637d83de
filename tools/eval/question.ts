/** One evaluation question: one entity type asked about one passage, with its gold answer. */
export interface EvalQuestion {
  /** Unique within a run; the key of the predictions file. */
  readonly id: string;
  /** The passage text exactly as the model sees it (after `Text: `). */
  readonly passage: string;
  /** The entity type exactly as asked (`What describes {entityType} in the text?`). */
  readonly entityType: string;
  /** The raw gold answer: a JSON list of strings, parsed with the official parser when scoring. */
  readonly goldAnswer: string;
  /** The data file the question came from, without extension (e.g. `CrossNER_AI`). */
  readonly dataset: string;
}
