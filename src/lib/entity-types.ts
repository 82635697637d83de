/** Pure list operations behind the entity-type chips, and the label-set presets. */

/** Trims and collapses inner whitespace; the empty string means "nothing to add". */
export function cleanType(raw: string): string {
  return raw.trim().replace(/\s+/g, ' ');
}

/** Appends the given types, skipping empties and case-insensitive duplicates (also among themselves). */
export function addTypes(
  list: readonly string[],
  raw: readonly string[],
): { list: string[]; duplicates: string[] } {
  const seen = new Set(list.map((t) => t.toLowerCase()));
  const out = [...list];
  const duplicates: string[] = [];
  for (const item of raw) {
    const type = cleanType(item);
    if (!type) continue;
    if (seen.has(type.toLowerCase())) {
      duplicates.push(type);
      continue;
    }
    seen.add(type.toLowerCase());
    out.push(type);
  }
  return { list: out, duplicates };
}

/** Removes the item at `index` (out of range: unchanged copy). */
export function removeAt<T>(list: readonly T[], index: number): T[] {
  return list.filter((_, i) => i !== index);
}

/** Moves the item at `from` to `to` (clamped). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  if (from < 0 || from >= list.length) return [...list];
  const target = Math.max(0, Math.min(list.length - 1, to));
  const out = [...list];
  const [item] = out.splice(from, 1);
  out.splice(target, 0, item as T);
  return out;
}

/** A named label set of a benchmark domain. */
export interface TypePreset {
  readonly id: string;
  readonly label: string;
  readonly types: readonly string[];
}

/**
 * Label sets of the UniNER evaluation benchmarks, spelled exactly as the official evaluation data asks
 * them (`What describes {type} in the text?` in universal-ner's src/eval/test_data/*.json): CrossNER AI
 * says "program language", MIT Restaurant capitalises its types. CrossNER's catch-all `misc` is left
 * out (it is not a type anyone asks for). MIT Movie has no file in that data, so its spelling (the
 * dataset's tags in lower case) is not checked against UniNER's.
 */
export const TYPE_PRESETS: readonly TypePreset[] = [
  { id: 'general', label: 'General', types: ['person', 'organization', 'location'] },
  {
    id: 'crossner-ai',
    label: 'CrossNER AI',
    types: [
      'algorithm',
      'conference',
      'country',
      'field',
      'location',
      'metrics',
      'organization',
      'person',
      'product',
      'program language',
      'researcher',
      'task',
      'university',
    ],
  },
  {
    id: 'crossner-literature',
    label: 'CrossNER literature',
    types: [
      'award',
      'book',
      'country',
      'event',
      'literary genre',
      'location',
      'magazine',
      'organization',
      'person',
      'poem',
      'writer',
    ],
  },
  {
    id: 'crossner-music',
    label: 'CrossNER music',
    types: [
      'album',
      'award',
      'band',
      'country',
      'event',
      'location',
      'musical artist',
      'musical instrument',
      'music genre',
      'organization',
      'person',
      'song',
    ],
  },
  {
    id: 'crossner-politics',
    label: 'CrossNER politics',
    types: [
      'country',
      'election',
      'event',
      'location',
      'organization',
      'person',
      'political party',
      'politician',
    ],
  },
  {
    id: 'crossner-science',
    label: 'CrossNER science',
    types: [
      'academic journal',
      'astronomical object',
      'award',
      'chemical compound',
      'chemical element',
      'country',
      'discipline',
      'enzyme',
      'event',
      'location',
      'organization',
      'person',
      'protein',
      'scientist',
      'theory',
      'university',
    ],
  },
  {
    id: 'mit-movie',
    label: 'MIT movie',
    types: [
      'actor',
      'character',
      'director',
      'genre',
      'plot',
      'rating',
      'ratings average',
      'review',
      'song',
      'title',
      'trailer',
      'year',
    ],
  },
  {
    id: 'mit-restaurant',
    label: 'MIT restaurant',
    types: ['Amenity', 'Cuisine', 'Dish', 'Hours', 'Location', 'Price', 'Rating', 'Restaurant Name'],
  },
  {
    id: 'biomedical',
    label: 'Biomedical',
    types: ['disease', 'chemical', 'gene', 'protein', 'DNA', 'RNA', 'cell line', 'cell type'],
  },
];
