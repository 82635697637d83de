// @vitest-environment jsdom
/** The SVG precision/recall plot: well-formed XML (jsdom's XML parser), the marked best point, no resources. */
import { describe, expect, it } from 'vitest';
import { confidenceReport } from '../../../../tools/eval/confidence';
import { escapeXml, renderPrCurveSvg, subtitleLines } from '../../../../tools/eval/plot';

/** Parse as XML; a well-formedness error gives a <parsererror> document instead of an <svg>. */
function parseSvg(svg: string): Document {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
  expect(doc.documentElement.localName).toBe('svg');
  expect(doc.documentElement.namespaceURI).toBe('http://www.w3.org/2000/svg');
  return doc;
}

// Correct: 0.9, 0.8, 0.4; wrong: 0.7, 0.4, 0.2 (as in confidence.test.ts); 5 gold entities.
const { report, curve } = confidenceReport([
  { output: '["a", "b", "c"]', goldAnswer: '["a", "b", "c", "x"]', scores: { a: 0.9, b: 0.8, c: 0.4 } },
  { output: '["d", "e", "f"]', goldAnswer: '["y"]', scores: { d: 0.7, e: 0.4, f: 0.2 } },
]);

describe('renderPrCurveSvg', () => {
  it('checks that the parser does reject broken XML', () => {
    const doc = new DOMParser().parseFromString(
      '<svg xmlns="http://www.w3.org/2000/svg"><a></svg>',
      'image/svg+xml',
    );
    expect(doc.getElementsByTagName('parsererror').length).toBeGreaterThan(0);
  });

  it('draws the curve, the threshold dots and the best-F1 point with its label', () => {
    const svg = renderPrCurveSvg({
      curve,
      grid: report.byThreshold,
      best: report.bestThreshold,
      title: 'P/R <test> & "quotes"',
      subtitle: 'model a&b',
    });
    const doc = parseSvg(svg);
    const text = (el: Element | null) => el?.textContent ?? '';
    expect(text(doc.querySelector('svg > title'))).toBe('P/R <test> & "quotes"');
    // Axes labelled.
    const labels = [...doc.querySelectorAll('text')].map((t) => t.textContent);
    expect(labels).toEqual(expect.arrayContaining(['Recall', 'Precision', '0.0', '1.0', 'model a&b']));
    // One curve vertex per distinct score (0.9, 0.8, 0.7, 0.4, 0.2).
    expect(doc.getElementById('curve')?.getAttribute('points')?.split(' ')).toHaveLength(5);
    // A dot per threshold that keeps something: all ten here (the lowest score is 0.2, the highest 0.9).
    expect(doc.querySelectorAll('circle.threshold')).toHaveLength(10);
    // The best F1 is 0.6 at score >= 0.4 (P 0.6, R 0.6): marked and labelled.
    const best = doc.getElementById('best');
    expect(best).not.toBeNull();
    expect(text(best).trim()).toBe('best F1 0.600 at score ≥ 0.400 (P 0.600, R 0.600)');
    // Its marker sits at recall 0.6, precision 0.6 of the 540 x 390 plot area at (70, 70).
    const marker = best?.querySelector('circle');
    expect(Number(marker?.getAttribute('cx'))).toBeCloseTo(70 + 0.6 * 540, 1);
    expect(Number(marker?.getAttribute('cy'))).toBeCloseTo(70 + 0.4 * 390, 1);
  });

  it('needs no script or external resource', () => {
    const svg = renderPrCurveSvg({ curve, grid: report.byThreshold, best: report.bestThreshold, title: 't' });
    const doc = parseSvg(svg);
    expect(doc.querySelectorAll('script, image, use, foreignObject, style')).toHaveLength(0);
    expect(svg).not.toMatch(/href|url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('says so when nothing is scored', () => {
    const doc = parseSvg(renderPrCurveSvg({ curve: [], grid: null, best: null, title: 'empty' }));
    expect(doc.getElementById('best')).toBeNull();
    expect(doc.documentElement.textContent).toMatch(/no scored predictions/);
  });
});

describe('escapeXml', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});

describe('subtitleLines', () => {
  it('keeps a short subtitle whole and wraps a long one into two lines at a space', () => {
    expect(subtitleLines('model x · dtype q4')).toEqual(['model x · dtype q4']);
    const long = `${'test/fixtures/models/smollm2-135m '.repeat(3)}· dtype q4, constrained decoding · AUROC 0.311`;
    const lines = subtitleLines(long);
    expect(lines).toHaveLength(2);
    expect(lines.join(' ')).toBe(long.replace(/\s+/g, ' ').trim());
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    const endless = subtitleLines('x'.repeat(500));
    expect(endless[0]).toHaveLength(100);
    expect(endless[1]!.endsWith('…')).toBe(true);
  });
});
