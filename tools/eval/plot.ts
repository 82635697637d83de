/**
 * `--plot file.svg`: the precision/recall curve of the confidence scores as a standalone SVG.
 *
 * Plain string building: the chart is a few dozen elements, so a plotting library (and a DOM to run
 * it in) would add far more than it saves. The file needs no JavaScript, fonts or other resources:
 * the full curve (one point per distinct score), a dot per threshold 0, 0.1, …, 0.9 labelled with
 * it, and the best-F1 point marked and labelled (labels on a white halo so the curve never hides them).
 * Every piece of text is XML-escaped.
 */

import type { ThresholdPoint } from './confidence';

/** What to draw. */
export interface PlotInput {
  /** The full curve, highest threshold first (see `precisionRecallCurve`). */
  readonly curve: readonly ThresholdPoint[];
  /** The points at the fixed thresholds (`byThreshold`); `null` or empty draws none. */
  readonly grid: readonly ThresholdPoint[] | null;
  /** The best-F1 point; `null` when nothing is scored. */
  readonly best: ThresholdPoint | null;
  readonly title: string;
  /** A second line under the title (data, model, AUROC…). */
  readonly subtitle?: string;
}

const WIDTH = 640;
const HEIGHT = 520;
const LEFT = 70;
const RIGHT = 30;
const TOP = 70;
const BOTTOM = 60;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;

/** Escape text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const x = (recall: number): number => LEFT + recall * PLOT_W;
const y = (precision: number): number => TOP + (1 - precision) * PLOT_H;
const num = (v: number): string => (Math.round(v * 100) / 100).toString();
const fixed = (v: number, digits = 3): string => v.toFixed(digits);

function axes(): string[] {
  const parts: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const v = i / 5;
    parts.push(
      `<line x1="${num(x(v))}" y1="${num(y(0))}" x2="${num(x(v))}" y2="${num(y(1))}" stroke="#e5e7eb"/>`,
      `<line x1="${num(x(0))}" y1="${num(y(v))}" x2="${num(x(1))}" y2="${num(y(v))}" stroke="#e5e7eb"/>`,
      `<text x="${num(x(v))}" y="${num(y(0) + 18)}" text-anchor="middle">${v.toFixed(1)}</text>`,
      `<text x="${num(x(0) - 8)}" y="${num(y(v) + 4)}" text-anchor="end">${v.toFixed(1)}</text>`,
    );
  }
  parts.push(
    `<rect x="${LEFT}" y="${TOP}" width="${PLOT_W}" height="${PLOT_H}" fill="none" stroke="#374151"/>`,
    `<text x="${num(x(0.5))}" y="${HEIGHT - 14}" text-anchor="middle" font-weight="bold">Recall</text>`,
    `<text transform="translate(18 ${num(y(0.5))}) rotate(-90)" text-anchor="middle" font-weight="bold">Precision</text>`,
  );
  return parts;
}

function curvePath(curve: readonly ThresholdPoint[]): string[] {
  if (curve.length === 0) return [];
  // Start at the highest threshold and walk down; the curve goes right as more predictions are kept.
  const points = curve.map((p) => `${num(x(p.recall))},${num(y(p.precision))}`).join(' ');
  return [
    `<polyline id="curve" points="${points}" fill="none" stroke="#2563eb" stroke-width="2" stroke-linejoin="round"/>`,
  ];
}

function gridPoints(grid: readonly ThresholdPoint[] | null): string[] {
  if (grid === null) return [];
  const parts: string[] = [];
  let previous: ThresholdPoint | undefined;
  for (const p of grid) {
    // Thresholds above every score keep nothing (recall 0, precision 0): not a point of the curve.
    if (p.predicted === 0) continue;
    const same = previous !== undefined && previous.tp === p.tp && previous.predicted === p.predicted;
    parts.push(
      `<circle class="threshold" cx="${num(x(p.recall))}" cy="${num(y(p.precision))}" r="3.5" fill="#2563eb">` +
        `<title>${escapeXml(`score ≥ ${p.threshold.toFixed(1)}: P ${fixed(p.precision)}, R ${fixed(p.recall)}, F1 ${fixed(p.f1)}`)}</title></circle>`,
    );
    // A threshold that keeps the same predictions as the one before sits on the same spot: one label.
    if (!same)
      parts.push(
        `<text class="threshold-label" x="${num(x(p.recall) + 6)}" y="${num(y(p.precision) - 6)}" font-size="11" fill="#1e40af" stroke="#ffffff" stroke-width="2" paint-order="stroke">${p.threshold.toFixed(1)}</text>`,
      );
    previous = p;
  }
  return parts;
}

function bestPoint(best: ThresholdPoint | null): string[] {
  if (best === null) return [];
  const cx = x(best.recall);
  const cy = y(best.precision);
  const label = `best F1 ${fixed(best.f1)} at score ≥ ${fixed(best.threshold)} (P ${fixed(best.precision)}, R ${fixed(best.recall)})`;
  // Keep the label inside the plot: to the left of the point when it is on the right half, below it
  // when it is near the top.
  const anchor = best.recall > 0.5 ? 'end' : 'start';
  const dx = anchor === 'end' ? -10 : 10;
  const dy = cy < TOP + 30 ? 22 : -12;
  return [
    `<g id="best">`,
    `<circle cx="${num(cx)}" cy="${num(cy)}" r="7" fill="none" stroke="#dc2626" stroke-width="2.5"/>`,
    `<circle cx="${num(cx)}" cy="${num(cy)}" r="2.5" fill="#dc2626"/>`,
    `<text x="${num(cx + dx)}" y="${num(cy + dy)}" text-anchor="${anchor}" fill="#b91c1c" font-weight="bold" stroke="#ffffff" stroke-width="3" paint-order="stroke">${escapeXml(label)}</text>`,
    `</g>`,
  ];
}

/** Characters of 11-px text that fit the canvas width with a margin (SVG text does not wrap itself). */
const SUBTITLE_LINE_CHARS = 100;

/** The subtitle in at most two lines cut at spaces (a long model path would run off the canvas). */
export function subtitleLines(text: string): string[] {
  if (text.length <= SUBTITLE_LINE_CHARS) return [text];
  const cut = text.lastIndexOf(' ', SUBTITLE_LINE_CHARS);
  const at = cut > 0 ? cut : SUBTITLE_LINE_CHARS;
  const rest = text.slice(at).trim();
  const second = rest.length <= SUBTITLE_LINE_CHARS ? rest : `${rest.slice(0, SUBTITLE_LINE_CHARS - 1)}…`;
  return [text.slice(0, at).trimEnd(), second];
}

/** The SVG document (UTF-8 text) for `input`. */
export function renderPrCurveSvg(input: PlotInput): string {
  const body = [
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(input.title)}</text>`,
    ...(input.subtitle === undefined
      ? []
      : subtitleLines(input.subtitle).map(
          (line, i) =>
            `<text x="${WIDTH / 2}" y="${43 + i * 14}" text-anchor="middle" font-size="11" fill="#4b5563">${escapeXml(line)}</text>`,
        )),
    ...axes(),
    ...(input.curve.length === 0
      ? [
          `<text x="${num(x(0.5))}" y="${num(y(0.5))}" text-anchor="middle" fill="#6b7280">no scored predictions: nothing to plot</text>`,
        ]
      : [...curvePath(input.curve), ...gridPoints(input.grid), ...bestPoint(input.best)]),
  ];
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12" role="img">`,
    `<title>${escapeXml(input.title)}</title>`,
    ...body,
    `</svg>`,
    '',
  ].join('\n');
}
