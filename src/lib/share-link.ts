/**
 * Share links, format v1. Everything lives in the URL fragment, which browsers never send to a server.
 *
 * Plain form (hand-writable), keys in any order, every key optional but at least one of
 * `text`, `types`, `model` present:
 *
 *     #text=<percent-encoded passage>&types=person,medical%20condition&model=<preset id | owner/name | URL>&device=auto|webgpu|wasm&dtype=q4&min=0.5&v=1
 *
 * - Values are decoded the way `URLSearchParams` and Python's `urlencode` encode them: `+` is a space,
 *   then percent-decoding with UTF-8. This app writes a literal plus as `%2B` (`encodeURIComponent`).
 * - `types` is split on literal commas first and each piece is then percent-decoded, so a comma inside
 *   a type is written `%2C` (`types=salt%2C%20pepper,person` is the two types "salt, pepper" and
 *   "person"). Pieces are trimmed; empty pieces are dropped.
 * - `v` is the format version; absent means 1. Any other version is refused.
 * - `min` is the confidence threshold, a decimal from 0 to 1 (`0.5`, `.75`, `1`), kept to two decimals.
 *   It only changes what is shown, so a bad value does not refuse the link: it is dropped and the
 *   result's `notes` say so (every other bad value refuses the whole link).
 * - Unknown keys are ignored (later versions may add keys); a key given twice is refused.
 *
 * Compressed form: `#z=<lz-string compressToEncodedURIComponent of the plain form>`, plus an optional `v`.
 * The "Copy link" button writes whichever form is shorter.
 *
 * {@link decodeShareFragment} never throws: damaged, oversized or unknown-version fragments come back as
 * `{ ok: false, reason }` with a sentence for the person, and decompression is bounded so a crafted
 * fragment cannot blow up memory.
 */
import { compressToEncodedURIComponent } from 'lz-string';
import type { DevicePreference, Dtype } from '../../workers/protocol';
import { isSameOriginPath } from './app-path';
import { MAX_PASSAGE_CHARS } from './passage-limits';

/** The only format version this build reads and writes. */
export const SHARE_FORMAT_VERSION = 1;
/** Longest fragment accepted (and written), in characters, without the `#`. */
export const MAX_FRAGMENT_CHARS = 200_000;
/** Longest decompressed payload of a `z=` fragment (a 50,000-character passage percent-encodes to ≤ 450,000). */
export const MAX_PAYLOAD_CHARS = 600_000;
/** At most this many entity types in one link. */
export const MAX_SHARED_TYPES = 200;
/** At most this many characters per entity type. */
export const MAX_TYPE_CHARS = 200;
/** At most this many characters of model id or URL. */
export const MAX_MODEL_CHARS = 2_000;

const DEVICES: readonly DevicePreference[] = ['auto', 'webgpu', 'wasm'];
const DTYPES: readonly Dtype[] = ['q4f16', 'q4', 'q8', 'fp16', 'fp32'];
/** Keys that make a fragment a share link (others are ignored so unrelated anchors stay harmless). */
const SHARE_KEYS = new Set(['text', 'types', 'model', 'device', 'dtype', 'min', 'v', 'z']);

/** What a link carries. Absent fields leave the current state alone. */
export interface SharedState {
  /** The passage. */
  readonly passage?: string;
  /** Entity types in order (cleaned of empty pieces; duplicates are left to the store). */
  readonly types?: readonly string[];
  /**
   * A preset id (`qwen2.5-0.5b-instruct`), a Hub id (`owner/name`), an http(s) model folder URL or a
   * folder next to the app (`/models/x`, `./models/x`, kept as written: see app-path.ts).
   */
  readonly model?: string;
  readonly device?: DevicePreference;
  /** Weight format; absent means "auto". */
  readonly dtype?: Dtype;
  /** Confidence threshold, 0..1 (two decimals): spans scored below it are hidden. */
  readonly minScore?: number;
}

/** Why a fragment was not applied. `not-a-share-link`: it has none of the share keys (stay silent). */
export type ShareRefusal = 'not-a-share-link' | 'malformed' | 'too-large' | 'unknown-version';

/** The result of {@link decodeShareFragment}. */
export type DecodeResult =
  | {
      readonly ok: true;
      readonly state: SharedState;
      readonly compressed: boolean;
      /** Sentences about values that were dropped while the rest of the link was applied. */
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly code: ShareRefusal; readonly reason: string };

function refuse(code: ShareRefusal, reason: string): DecodeResult {
  return { ok: false, code, reason };
}

/** Parses `a=1&b=2` into pairs (raw, still percent-encoded values). Null with a reason on duplicates. */
function splitPairs(query: string): { pairs: Map<string, string> } | { duplicate: string } {
  const pairs = new Map<string, string>();
  for (const segment of query.split('&')) {
    if (!segment) continue;
    const eq = segment.indexOf('=');
    const key = eq < 0 ? segment : segment.slice(0, eq);
    const value = eq < 0 ? '' : segment.slice(eq + 1);
    if (pairs.has(key)) return { duplicate: key };
    pairs.set(key, value);
  }
  return { pairs };
}

/**
 * Form decoding (`+` is a space, as `URLSearchParams` and Python's `urlencode` write it), then
 * `decodeURIComponent`; reports failure instead of throwing.
 */
function percentDecode(value: string): string | null {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    return null;
  }
}

/**
 * True for a preset id, a Hub id (`owner/name`), an http(s) URL or a path on the app's own origin
 * (`/models/x`, `./models/x`). Every other scheme (`javascript:`, `data:`, `file:`…) is refused.
 */
export function isShareableModel(model: string): boolean {
  if (!model || model.length > MAX_MODEL_CHARS) return false;
  if (isSameOriginPath(model)) return true;
  if (/^https?:\/\//i.test(model)) {
    try {
      new URL(model);
      return true;
    } catch {
      return false;
    }
  }
  return /^[\w.-]+(\/[\w.-]+)?$/.test(model);
}

/**
 * Reads a threshold written as a decimal from 0 to 1 (`0.5`, `.75`, `1.0`), rounded to two decimals;
 * null for anything else (percentages, exponents, negative numbers, text).
 */
export function parseMinScore(raw: string): number | null {
  if (!/^(0?\.\d{1,6}|[01](\.\d{0,6})?)$/.test(raw)) return null;
  const value = Number(raw);
  return value >= 0 && value <= 1 ? Math.round(value * 100) / 100 : null;
}

/** `0.5` for 0.5, `0.05` for 0.05: the shortest decimal, as the link writes it. */
export function formatMinScore(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Decodes the plain form. `payloadFromZ`: error messages speak of damaged compressed data. */
function decodePlain(query: string, compressed: boolean): DecodeResult {
  const split = splitPairs(query);
  if ('duplicate' in split) return refuse('malformed', `The link gives “${split.duplicate}” twice.`);
  const { pairs } = split;
  const version = pairs.get('v');
  if (version !== undefined && version !== String(SHARE_FORMAT_VERSION)) {
    return refuse(
      'unknown-version',
      `The link uses share format version ${JSON.stringify(version.slice(0, 20))}; this app reads version ${SHARE_FORMAT_VERSION}. It may come from a newer version of the app.`,
    );
  }
  if (!pairs.has('text') && !pairs.has('types') && !pairs.has('model')) {
    return compressed
      ? refuse('malformed', 'The compressed link is damaged (it holds no passage, types or model).')
      : refuse('malformed', 'The link has no passage, types or model.');
  }
  const state: { -readonly [K in keyof SharedState]: SharedState[K] } = {};

  const rawText = pairs.get('text');
  if (rawText !== undefined) {
    const text = percentDecode(rawText);
    if (text === null)
      return refuse('malformed', 'The passage in the link is not valid percent-encoded UTF-8.');
    if (text.length > MAX_PASSAGE_CHARS) {
      return refuse(
        'too-large',
        `The passage in the link has ${text.length.toLocaleString('en')} characters; the editor holds at most ${MAX_PASSAGE_CHARS.toLocaleString('en')}.`,
      );
    }
    state.passage = text;
  }

  const rawTypes = pairs.get('types');
  if (rawTypes !== undefined) {
    const types: string[] = [];
    for (const piece of rawTypes.split(',')) {
      const type = percentDecode(piece);
      if (type === null)
        return refuse('malformed', 'An entity type in the link is not valid percent-encoded UTF-8.');
      const clean = type.trim();
      if (!clean) continue;
      if (clean.length > MAX_TYPE_CHARS) {
        return refuse('too-large', `An entity type in the link is longer than ${MAX_TYPE_CHARS} characters.`);
      }
      types.push(clean);
    }
    if (types.length > MAX_SHARED_TYPES) {
      return refuse('too-large', `The link has more than ${MAX_SHARED_TYPES} entity types.`);
    }
    state.types = types;
  }

  const rawModel = pairs.get('model');
  if (rawModel !== undefined) {
    const model = percentDecode(rawModel)?.trim() ?? null;
    if (model === null || !isShareableModel(model)) {
      return refuse(
        'malformed',
        'The model in the link is not a preset, a Hub id (owner/name), an http(s) URL or a folder next to the app (/models/…).',
      );
    }
    state.model = model;
  }

  const device = pairs.get('device');
  if (device !== undefined) {
    if (!DEVICES.includes(device as DevicePreference)) {
      return refuse('malformed', 'The device in the link must be auto, webgpu or wasm.');
    }
    state.device = device as DevicePreference;
  }

  const dtype = pairs.get('dtype');
  if (dtype !== undefined && dtype !== 'auto') {
    if (!DTYPES.includes(dtype as Dtype)) {
      return refuse(
        'malformed',
        `The weight format in the link must be auto or one of ${DTYPES.join(', ')}.`,
      );
    }
    state.dtype = dtype as Dtype;
  }

  const notes: string[] = [];
  const rawMin = pairs.get('min');
  if (rawMin !== undefined) {
    const decoded = percentDecode(rawMin);
    const min = decoded === null ? null : parseMinScore(decoded.trim());
    if (min === null) {
      notes.push(
        `The confidence threshold in the link (${JSON.stringify(rawMin.slice(0, 20))}) is not a number from 0 to 1, so it was ignored.`,
      );
    } else {
      state.minScore = min;
    }
  }
  return { ok: true, state, compressed, notes };
}

/**
 * Decodes a location fragment (with or without the leading `#`). Never throws.
 * Returns `not-a-share-link` for fragments without any share key (ordinary anchors).
 */
export function decodeShareFragment(hash: string): DecodeResult {
  try {
    const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
    if (!fragment) return refuse('not-a-share-link', 'No fragment.');
    if (fragment.length > MAX_FRAGMENT_CHARS) {
      return refuse(
        'too-large',
        `The link is ${fragment.length.toLocaleString('en')} characters long; at most ${MAX_FRAGMENT_CHARS.toLocaleString('en')} are accepted.`,
      );
    }
    const split = splitPairs(fragment);
    if ('duplicate' in split) {
      return SHARE_KEYS.has(split.duplicate)
        ? refuse('malformed', `The link gives “${split.duplicate}” twice.`)
        : refuse('not-a-share-link', 'Not a share link.');
    }
    const keys = [...split.pairs.keys()];
    if (!keys.some((key) => SHARE_KEYS.has(key))) return refuse('not-a-share-link', 'Not a share link.');
    const z = split.pairs.get('z');
    if (z === undefined) return decodePlain(fragment, false);

    const version = split.pairs.get('v');
    if (version !== undefined && version !== String(SHARE_FORMAT_VERSION))
      return decodePlain(`v=${version}`, true);
    const payload = decompressBounded(z, MAX_PAYLOAD_CHARS);
    if (payload === null) return refuse('malformed', 'The compressed link is damaged or too large.');
    return decodePlain(payload, true);
  } catch {
    // Belt and braces: every branch above returns, but a share link must never take the page down.
    return refuse('malformed', 'The link could not be read.');
  }
}

/** The plain fragment (no `#`) for a state; keys in a fixed order, absent fields left out. */
export function encodePlainFragment(state: SharedState): string {
  const parts: string[] = [];
  if (state.passage !== undefined) parts.push(`text=${encodeURIComponent(state.passage)}`);
  if (state.types !== undefined) parts.push(`types=${state.types.map(encodeURIComponent).join(',')}`);
  if (state.model !== undefined) parts.push(`model=${encodeURIComponent(state.model)}`);
  if (state.device !== undefined) parts.push(`device=${state.device}`);
  if (state.dtype !== undefined) parts.push(`dtype=${state.dtype}`);
  if (state.minScore !== undefined) parts.push(`min=${formatMinScore(state.minScore)}`);
  return parts.join('&');
}

/** The compressed fragment (no `#`): `z=` + lz-string of the plain form. */
export function encodeCompressedFragment(state: SharedState): string {
  return `z=${compressToEncodedURIComponent(encodePlainFragment(state))}`;
}

/** The shorter of the plain and the compressed fragment (plain on a tie: it stays readable). */
export function encodeShareFragment(state: SharedState): string {
  const plain = encodePlainFragment(state);
  const compressed = encodeCompressedFragment(state);
  return compressed.length < plain.length ? compressed : plain;
}

/** A complete link: `base` (any URL; its fragment is replaced) + the shortest fragment. Null when too long. */
export function buildShareUrl(base: string, state: SharedState): string | null {
  const fragment = encodeShareFragment(state);
  if (fragment.length > MAX_FRAGMENT_CHARS) return null;
  const hashAt = base.indexOf('#');
  return `${hashAt < 0 ? base : base.slice(0, hashAt)}#${fragment}`;
}

const URI_SAFE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
const URI_SAFE_VALUE = new Map([...URI_SAFE_ALPHABET].map((char, index) => [char, index]));

/**
 * lz-string's `decompressFromEncodedURIComponent` (1.5.0, same algorithm and result on valid input)
 * with a bound on the output: LZW output can grow quadratically with the input, so a crafted fragment
 * could otherwise freeze the tab. Returns null on damaged input or when the output would exceed
 * `maxChars` (lz-string itself returns "" or garbage there).
 */
export function decompressBounded(input: string, maxChars: number): string | null {
  if (!input) return null;
  const text = input.replace(/ /g, '+');
  const length = text.length;
  let index = 0;
  let value = 0;
  let position = 0;
  const RESET = 32;
  const nextValue = (): number => {
    const char = text.charAt(index++);
    return URI_SAFE_VALUE.get(char) ?? 0;
  };
  value = nextValue();
  position = RESET;
  const readBits = (count: number): number => {
    let bits = 0;
    for (let power = 1, n = 0; n < count; n++, power *= 2) {
      const bit = value & position;
      position >>= 1;
      if (position === 0) {
        position = RESET;
        value = nextValue();
      }
      if (bit > 0) bits += power;
    }
    return bits;
  };

  const dictionary: string[] = [];
  let enlargeIn = 4;
  let dictSize = 4;
  let numBits = 3;
  let c: string;
  switch (readBits(2)) {
    case 0:
      c = String.fromCharCode(readBits(8));
      break;
    case 1:
      c = String.fromCharCode(readBits(16));
      break;
    case 2:
      return '';
    default:
      return null;
  }
  dictionary[3] = c;
  let w = c;
  const result: string[] = [c];
  let total = c.length;
  for (;;) {
    if (index > length) return null;
    let code = readBits(numBits);
    switch (code) {
      case 0:
        dictionary[dictSize++] = String.fromCharCode(readBits(8));
        code = dictSize - 1;
        enlargeIn--;
        break;
      case 1:
        dictionary[dictSize++] = String.fromCharCode(readBits(16));
        code = dictSize - 1;
        enlargeIn--;
        break;
      case 2:
        return result.join('');
    }
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
    let entry: string;
    const known = code >= 3 ? dictionary[code] : undefined;
    if (known) entry = known;
    else if (code === dictSize) entry = w + w.charAt(0);
    else return null;
    total += entry.length;
    if (total > maxChars) return null;
    result.push(entry);
    dictionary[dictSize++] = w + entry.charAt(0);
    enlargeIn--;
    w = entry;
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
  }
}
