/**
 * Pure list operations behind the entity-type chips, and the label-set presets. Cleaning, sameness and
 * the limits are the engine's own (workers/limits.ts), so a list the page accepts is one Extract takes.
 */
import {
  cleanEntityType,
  entityTypeKey,
  MAX_ENTITY_TYPE_LENGTH,
  MAX_ENTITY_TYPES,
} from '../../workers/limits';

export { MAX_ENTITY_TYPE_LENGTH, MAX_ENTITY_TYPES };

/** Trims and collapses inner whitespace; the empty string means "nothing to add". */
export const cleanType = cleanEntityType;

/** What {@link addTypes} did with the types it was given. */
export interface AddTypesResult {
  readonly list: string[];
  /** Already in the list (case-insensitively), or repeated in the input. */
  readonly duplicates: string[];
  /** Longer than {@link MAX_ENTITY_TYPE_LENGTH} after cleaning: left out. */
  readonly tooLong: string[];
  /** Left out because the list already held {@link MAX_ENTITY_TYPES} types. */
  readonly overLimit: string[];
}

/**
 * Appends the given types, skipping empties and case-insensitive duplicates (also among themselves),
 * and leaving out what the engine would refuse: a type over the length limit, types past the count limit.
 */
export function addTypes(list: readonly string[], raw: readonly string[]): AddTypesResult {
  const seen = new Set(list.map(entityTypeKey));
  const out = [...list];
  const duplicates: string[] = [];
  const tooLong: string[] = [];
  const overLimit: string[] = [];
  for (const item of raw) {
    const type = cleanEntityType(item);
    if (!type) continue;
    if (seen.has(entityTypeKey(type))) duplicates.push(type);
    else if (type.length > MAX_ENTITY_TYPE_LENGTH) tooLong.push(type);
    else if (out.length >= MAX_ENTITY_TYPES) overLimit.push(type);
    else {
      seen.add(entityTypeKey(type));
      out.push(type);
    }
  }
  return { list: out, duplicates, tooLong, overLimit };
}

/** The notice for what {@link addTypes} left out, or null when it took everything. */
export function addTypesNotice({ duplicates, tooLong, overLimit }: AddTypesResult): string | null {
  const quote = (types: readonly string[]) =>
    types.map((t) => `“${t.length > 40 ? `${t.slice(0, 40)}…` : t}”`).join(', ');
  const parts: string[] = [];
  if (duplicates.length) parts.push(`Already in the list: ${quote(duplicates)}`);
  if (tooLong.length)
    parts.push(`Longer than ${MAX_ENTITY_TYPE_LENGTH} characters, not added: ${quote(tooLong)}`);
  if (overLimit.length)
    parts.push(`At most ${MAX_ENTITY_TYPES} types per run; not added: ${quote(overLimit)}`);
  return parts.length ? parts.join('. ') : null;
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
