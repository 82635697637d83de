/**
 * Human-readable and JSON renderings of a {@link ScoreReport}, with the run's subset, the answers'
 * validity counts and the confidence metrics beside it.
 */

import type { ConfidenceReport, ThresholdPoint } from './confidence';
import type { SampleInfo } from './sample';
import type { ScoreReport, Scores } from './scorer';
import type { Validity } from './validity';

/** Extra facts about the run shown with the scores. */
export interface RunFacts {
  readonly data: string;
  readonly source: string;
  /** Predictions whose id is no question of the data (before --limit): ignored. */
  readonly unknownPredictions: number;
  /** Repeated ids in the predictions file (the later line counted). */
  readonly duplicatePredictions: number;
  /** How the model was run (`--model` only), e.g. `dtype q4, free decoding, prompt style uniner`. */
  readonly settings?: string;
  /** The `--sample` subset, when one was used. */
  readonly sample?: SampleInfo;
}

/** What is reported beside the scores. */
export interface RunExtras {
  readonly validity: Validity;
  readonly confidence: ConfidenceReport;
}

const percent = (x: number): string => (100 * x).toFixed(2).padStart(6);

function row(name: string, s: Scores, width: number): string {
  return [
    name.padEnd(width),
    String(s.questions).padStart(9),
    String(s.gold).padStart(6),
    String(s.predicted).padStart(6),
    String(s.tp).padStart(6),
    percent(s.precision),
    percent(s.recall),
    percent(s.f1),
    percent(s.partialF1),
  ].join('  ');
}

const share = (part: number, whole: number): string =>
  whole === 0 ? `${part}` : `${part} (${((100 * part) / whole).toFixed(2)}%)`;

function sampleLines(sample: SampleInfo): string[] {
  const names = Object.keys(sample.datasets);
  const width = Math.max(...names.map((n) => n.length));
  return [
    `subset: --sample ${sample.perDataset}: ${sample.passages} passages, ${sample.questions} questions ` +
      '(evenly spaced passages per data file, all their questions)',
    ...Object.entries(sample.datasets).map(
      ([name, d]) =>
        `  ${name.padEnd(width)}  ${d.passages} of ${d.ofPassages} passages, ${d.questions} of ${d.ofQuestions} questions`,
    ),
  ];
}

function validityLines(v: Validity): string[] {
  return [
    `answers: ${v.answers}; not a JSON list of strings: ${share(v.invalidJsonAnswers, v.answers)}; ` +
      `read as [] by the official parser's fallback: ${share(v.officialFallbacks, v.answers)}`,
    `predicted strings: ${v.predictedStrings}; not in the passage: ${share(v.notInPassage, v.predictedStrings)}; ` +
      `not in it ignoring case: ${share(v.notInPassageIgnoringCase, v.predictedStrings)}; ` +
      `empty: ${share(v.emptyStrings, v.predictedStrings)}`,
  ];
}

/** One row of the threshold table; the fixed thresholds print with one digit, a measured score with 3. */
function thresholdRow(p: ThresholdPoint, digits = 1): string {
  return [
    `>= ${p.threshold.toFixed(digits)}`.padEnd(10),
    String(p.predicted).padStart(6),
    String(p.tp).padStart(6),
    percent(p.precision),
    percent(p.recall),
    percent(p.f1),
  ].join('  ');
}

function confidenceLines(c: ConfidenceReport): string[] {
  const auroc = c.scoreAuroc === null ? 'n/a (needs correct and wrong predictions)' : c.scoreAuroc.toFixed(4);
  const lines = [
    `confidence scores: ${c.scoredPredictions} prediction(s) scored, ${c.unscoredPredictions} without a score; AUROC ${auroc}`,
  ];
  if (c.byThreshold === null) return lines;
  lines.push(
    [
      'score'.padEnd(10),
      'kept'.padStart(6),
      'tp'.padStart(6),
      'P %'.padStart(6),
      'R %'.padStart(6),
      'F1 %'.padStart(6),
    ].join('  '),
    ...c.byThreshold.map((p) => thresholdRow(p)),
  );
  if (c.bestThreshold !== null)
    lines.push(`best F1 over every distinct score: ${thresholdRow(c.bestThreshold, 3)}`);
  return lines;
}

/**
 * A small table: overall, per dataset (when more than one), per entity type; scores in percent.
 * With `extras`, the validity counts and confidence metrics follow.
 */
export function formatTable(report: ScoreReport, facts: RunFacts, extras?: RunExtras): string {
  const datasets = Object.entries(report.byDataset);
  const types = Object.entries(report.byType);
  const names = ['overall', ...types.map(([t]) => t), ...datasets.map(([d]) => d)];
  const width = Math.max(...names.map((n) => n.length), 'entity type'.length);
  const header = [
    ''.padEnd(width),
    'questions'.padStart(9),
    'gold'.padStart(6),
    'pred'.padStart(6),
    'tp'.padStart(6),
    'P %'.padStart(6),
    'R %'.padStart(6),
    'F1 %'.padStart(6),
    'pF1 %'.padStart(6),
  ].join('  ');
  const lines = [
    `data: ${facts.data}`,
    `predictions: ${facts.source}`,
    ...(facts.settings === undefined ? [] : [`settings: ${facts.settings}`]),
    ...(facts.sample === undefined ? [] : sampleLines(facts.sample)),
    '',
    header,
    row('overall', report, width),
  ];
  if (datasets.length > 1) {
    lines.push('', 'dataset'.padEnd(width));
    for (const [name, s] of datasets) lines.push(row(name, s, width));
  }
  lines.push('', 'entity type'.padEnd(width));
  for (const [name, s] of types) lines.push(row(name, s, width));
  const notes = [
    report.missing > 0 ? `${report.missing} question(s) had no prediction and were scored as []` : '',
    facts.unknownPredictions > 0
      ? `${facts.unknownPredictions} prediction(s) matched no question and were ignored`
      : '',
    facts.duplicatePredictions > 0
      ? `${facts.duplicatePredictions} repeated prediction id(s): the later line was used`
      : '',
  ].filter((n) => n.length > 0);
  if (extras !== undefined)
    lines.push('', ...validityLines(extras.validity), '', ...confidenceLines(extras.confidence));
  if (notes.length > 0) lines.push('', ...notes.map((n) => `note: ${n}`));
  lines.push('', 'pF1: partial match (a prediction sharing a word with an unmatched gold entity counts 1/2)');
  return lines.join('\n');
}

/**
 * The one-line JSON summary printed last with `--json` (fractions in [0, 1]): the scores, the run's
 * facts, and with `extras` the validity counts and confidence fields at the top level.
 */
export function formatJson(report: ScoreReport, facts: RunFacts, extras?: RunExtras): string {
  return JSON.stringify({ ...report, ...facts, ...extras?.validity, ...extras?.confidence });
}
