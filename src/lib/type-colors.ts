/**
 * A deterministic colour per entity type. The same type name gets the same colour in every session
 * (a fixed slot for the most common types, else a hash of its lower-cased name picks the slot); when two types of the current list collide,
 * the later one takes the next free slot, so colours on screen stay distinct up to the palette size.
 *
 * Colours are used as a translucent background tint plus a solid underline; the text keeps the page's
 * own foreground colour, so contrast stays that of body text in both themes (tint alpha ≤ 0.3).
 */

/** One palette entry: RGB triplets (`"r g b"`) for light and dark backgrounds, and a name for humans. */
export interface TypeColor {
  readonly name: string;
  /** Underline/tint colour on light backgrounds (dark enough for ≥3:1 against white). */
  readonly light: string;
  /** Underline/tint colour on dark backgrounds (light enough for ≥3:1 against slate-950). */
  readonly dark: string;
}

/** Tailwind 700 (light theme) and 300 (dark theme) shades, ordered so neighbours differ in hue. */
export const TYPE_PALETTE: readonly TypeColor[] = [
  { name: 'blue', light: '29 78 216', dark: '147 197 253' },
  { name: 'orange', light: '194 65 12', dark: '253 186 116' },
  { name: 'green', light: '21 128 61', dark: '134 239 172' },
  { name: 'fuchsia', light: '162 28 175', dark: '240 171 252' },
  { name: 'cyan', light: '14 116 144', dark: '103 232 249' },
  { name: 'red', light: '185 28 28', dark: '252 165 165' },
  { name: 'violet', light: '109 40 217', dark: '196 181 253' },
  { name: 'lime', light: '77 124 15', dark: '190 242 100' },
  { name: 'pink', light: '190 24 93', dark: '249 168 212' },
  { name: 'amber', light: '180 83 9', dark: '252 211 77' },
  { name: 'teal', light: '15 118 110', dark: '94 234 212' },
  { name: 'indigo', light: '67 56 202', dark: '165 180 252' },
];

/** FNV-1a over the lower-cased name: stable across sessions and browsers. */
export function hashType(type: string): number {
  let hash = 0x811c9dc5;
  const text = type.trim().toLowerCase();
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The most common types get fixed, well-separated colours (a hash put "person" and "location" on
 * pink and violet, hard to tell apart); every other type is hashed.
 */
const PINNED_SLOTS: Readonly<Record<string, number>> = {
  person: 0, // blue
  location: 2, // green
  organization: 1, // orange
  organisation: 1,
  date: 9, // amber
  misc: 6, // violet
};

/** Palette slot per type for a list of types (see the module comment for the collision rule). */
export function assignTypeColors(types: readonly string[]): Map<string, TypeColor> {
  const size = TYPE_PALETTE.length;
  const taken = new Set<number>();
  const out = new Map<string, TypeColor>();
  for (const type of types) {
    if (out.has(type)) continue;
    let slot = PINNED_SLOTS[type.trim().toLowerCase()] ?? hashType(type) % size;
    for (let probe = 0; probe < size && taken.has(slot); probe++) slot = (slot + 1) % size;
    taken.add(slot);
    if (taken.size >= size) taken.clear(); // more types than colours: start reusing
    out.set(type, TYPE_PALETTE[slot]!);
  }
  return out;
}

/** CSS custom properties that `mark.entity` in index.css reads. */
export function colorVars(color: TypeColor): Record<string, string> {
  return { '--entity-light': color.light, '--entity-dark': color.dark };
}

/**
 * Text colours of the type labels (index.css draws them on the type's own colour as a chip): white on
 * the light-theme shade, slate-950 on the dark-theme shade. Kept here so a test can check contrast.
 */
export const LABEL_TEXT = { light: '255 255 255', dark: '2 6 23' } as const;

/** WCAG 2 contrast ratio of two `"r g b"` triplets (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const luminance = (rgb: string) => {
    const [r, g, bl] = rgb.split(' ').map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
