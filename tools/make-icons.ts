/**
 * Draws the app icons into public/ (run: `npx tsx tools/make-icons.ts`). No image library: a tiny PNG
 * encoder over node:zlib. The picture: three "lines of text" on an indigo tile, one word of each line
 * highlighted, as the app highlights entity spans. The maskable variant fills the whole square and
 * keeps the picture inside the central 80 % safe zone.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deflateSync } from 'node:zlib';

type Rgba = readonly [number, number, number, number];

const INDIGO: Rgba = [79, 70, 229, 255]; // #4f46e5, the theme colour
const WHITE: Rgba = [255, 255, 255, 255];
const TEXT: Rgba = [199, 210, 254, 255]; // indigo-200: plain words
const HIGHLIGHTS: readonly Rgba[] = [
  [253, 224, 71, 255], // yellow
  [134, 239, 172, 255], // green
  [249, 168, 212, 255], // pink
];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGBA PNG of `size`×`size` pixels. */
function encodePng(size: number, pixels: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    rows.set(pixels.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** Coverage (0..1) of pixel (x, y) by a rounded rectangle, 4×4 supersampled for smooth edges. */
function roundedRectCoverage(
  x: number,
  y: number,
  rect: { x: number; y: number; w: number; h: number; r: number },
): number {
  let hits = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const px = x + (sx + 0.5) / 4;
      const py = y + (sy + 0.5) / 4;
      if (px < rect.x || py < rect.y || px > rect.x + rect.w || py > rect.y + rect.h) continue;
      const cx = Math.max(rect.x + rect.r, Math.min(rect.x + rect.w - rect.r, px));
      const cy = Math.max(rect.y + rect.r, Math.min(rect.y + rect.h - rect.r, py));
      if ((px - cx) ** 2 + (py - cy) ** 2 <= rect.r ** 2) hits++;
    }
  }
  return hits / 16;
}

function blend(pixels: Uint8Array, size: number, x: number, y: number, color: Rgba, alpha: number): void {
  if (alpha <= 0) return;
  const i = (y * size + x) * 4;
  const a = (color[3] / 255) * alpha;
  const under = (pixels[i + 3] ?? 0) / 255;
  const out = a + under * (1 - a);
  for (let c = 0; c < 3; c++) {
    const mixed = ((color[c] ?? 0) * a + (pixels[i + c] ?? 0) * under * (1 - a)) / (out || 1);
    pixels[i + c] = Math.round(mixed);
  }
  pixels[i + 3] = Math.round(out * 255);
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
  r: number;
  color: Rgba;
}

/** The picture in unit coordinates (0..1) of the content box. */
function picture(): Rect[] {
  const rects: Rect[] = [];
  const lines = [
    // [plain words before, highlighted word, plain words after] as widths
    [0.18, 0.34, 0.3],
    [0.3, 0.24, 0.28],
    [0.12, 0.3, 0.4],
  ];
  const lineHeight = 0.14;
  const gap = 0.05;
  const top = 0.5 - (lines.length * lineHeight + (lines.length - 1) * gap * 2) / 2;
  lines.forEach((widths, row) => {
    const y = top + row * (lineHeight + gap * 2);
    let x = 0.06;
    widths.forEach((w, col) => {
      const highlighted = col === 1;
      rects.push({
        x,
        y,
        w,
        h: lineHeight,
        r: lineHeight / 2.5,
        color: highlighted ? (HIGHLIGHTS[row] ?? WHITE) : TEXT,
      });
      x += w + gap;
    });
  });
  return rects;
}

/** Renders one icon. `maskable`: full-bleed background, picture inside the 80 % safe zone. */
function renderIcon(size: number, maskable: boolean): Buffer {
  const pixels = new Uint8Array(size * size * 4);
  const tile = maskable
    ? { x: 0, y: 0, w: size, h: size, r: 0 }
    : { x: size * 0.04, y: size * 0.04, w: size * 0.92, h: size * 0.92, r: size * 0.2 };
  const content = maskable ? { x: size * 0.2, size: size * 0.6 } : { x: size * 0.16, size: size * 0.68 };
  const shapes = picture().map((rect) => ({
    x: content.x + rect.x * content.size,
    y: content.x + rect.y * content.size,
    w: rect.w * content.size,
    h: rect.h * content.size,
    r: rect.r * content.size,
    color: rect.color,
  }));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      blend(pixels, size, x, y, INDIGO, maskable ? 1 : roundedRectCoverage(x, y, tile));
      for (const shape of shapes) {
        if (x + 1 < shape.x || x > shape.x + shape.w || y + 1 < shape.y || y > shape.y + shape.h) continue;
        blend(pixels, size, x, y, shape.color, roundedRectCoverage(x, y, shape));
      }
    }
  }
  return encodePng(size, pixels);
}

const publicDir = resolve(import.meta.dirname, '../public');
const outputs: [string, number, boolean][] = [
  ['icon-192.png', 192, false],
  ['icon-512.png', 512, false],
  ['icon-maskable-512.png', 512, true],
  ['apple-touch-icon.png', 180, true],
  ['favicon-32.png', 32, false],
];
for (const [name, size, maskable] of outputs) {
  const png = renderIcon(size, maskable);
  writeFileSync(resolve(publicDir, name), png);
  console.log(`${name}: ${size}×${size}, ${png.length} bytes`);
}
