/**
 * The results a review stands for, in the shape the legend, the per-type lists and the first export
 * row take (entities per type, each with its spans): counts follow decisions, so a rejected span is
 * not counted and a person's span is. Pure.
 */
import type { FoundEntity } from '../../../workers/protocol';
import type { Results } from '../score-threshold';

/** The part of a span the grouping needs (a corpus span's `label` or a drawn mark's `type`). */
export interface CountedSpan {
  readonly start: number;
  readonly end: number;
  readonly label: string;
  readonly score?: number;
}

/** One entity per distinct (type, text) with all its spans, the highest score; spans in reading order. */
export function entitiesBySpan(text: string, spans: readonly CountedSpan[]): Record<string, FoundEntity[]> {
  const byType: Record<string, Map<string, { spans: { start: number; end: number }[]; score?: number }>> = {};
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  for (const span of sorted) {
    const entities = (byType[span.label] ??= new Map());
    const surface = text.slice(span.start, span.end);
    const entity = entities.get(surface) ?? { spans: [] };
    entity.spans.push({ start: span.start, end: span.end });
    if (span.score !== undefined) entity.score = Math.max(entity.score ?? 0, span.score);
    entities.set(surface, entity);
  }
  const out: Record<string, FoundEntity[]> = {};
  for (const [type, entities] of Object.entries(byType)) {
    out[type] = [...entities].map(([surface, e]) => ({
      text: surface,
      spans: e.spans,
      match: 'exact' as const,
      ...(e.score !== undefined ? { score: e.score } : {}),
    }));
  }
  return out;
}

/**
 * The results of a review: the spans that count (`counted`: person spans and model spans not rejected,
 * as the caller chose them: after the threshold for what is shown, before it for all), plus the run's
 * strings that were not found in the text (they have no span to decide on, and stay listed).
 */
export function reviewResults(
  text: string,
  counted: readonly CountedSpan[],
  runResults: Results,
  types: readonly string[],
): Results {
  const out: Record<string, FoundEntity[]> = entitiesBySpan(text, counted);
  // A span the run found only by tolerant matching keeps saying so ("approximate match").
  const tolerant = new Set<string>();
  for (const [type, entities] of Object.entries(runResults))
    for (const entity of entities)
      if (entity.match === 'tolerant')
        for (const span of entity.spans) tolerant.add(`${type}:${span.start}:${span.end}`);
  if (tolerant.size > 0)
    for (const [type, entities] of Object.entries(out))
      out[type] = entities.map((entity) =>
        entity.spans.some((span) => tolerant.has(`${type}:${span.start}:${span.end}`))
          ? { ...entity, match: 'tolerant' as const }
          : entity,
      );
  for (const type of types) out[type] ??= [];
  for (const [type, entities] of Object.entries(runResults)) {
    const missing = entities.filter((e) => e.spans.length === 0);
    if (missing.length > 0) out[type] = [...(out[type] ?? []), ...missing];
  }
  return out;
}
