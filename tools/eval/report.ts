/** Human-readable and JSON renderings of a {@link ScoreReport}. */

import type { ScoreReport, Scores } from './scorer';

/** Extra facts about the run shown with the scores. */
export interface RunFacts {
  readonly data: string;
  readonly source: string;
  /** Predictions whose id is no question of the data (before --limit): ignored. */
  readonly unknownPredictions: number;
  /** Repeated ids in the predictions file (the later line counted). */
  readonly duplicatePredictions: number;
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

/** A small table: overall, per dataset (when more than one), per entity type; scores in percent. */
export function formatTable(report: ScoreReport, facts: RunFacts): string {
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
  if (notes.length > 0) lines.push('', ...notes.map((n) => `note: ${n}`));
  lines.push('', 'pF1: partial match (a prediction sharing a word with an unmatched gold entity counts 1/2)');
  return lines.join('\n');
}

/** The one-line JSON summary printed last with `--json` (fractions in [0, 1]). */
export function formatJson(report: ScoreReport, facts: RunFacts): string {
  return JSON.stringify({ ...report, ...facts });
}
