/**
 * One way to print a byte count, for the page and the engine alike: decimal units (1 MB = 10^6 bytes),
 * as browsers' download lists and the Hub show model sizes, so a figure reads the same everywhere.
 * Pure: `src/` may import it (eslint.config.js).
 */
const KB = 1e3;
const MB = 1e6;
const GB = 1e9;

/** `1.4 GB`, `521 MB`, `12 kB`, `300 B`. */
export function formatBytes(bytes: number): string {
  if (bytes >= GB) return `${(bytes / GB).toFixed(1)} GB`;
  if (bytes >= MB) return `${Math.round(bytes / MB)} MB`;
  if (bytes >= KB) return `${Math.round(bytes / KB)} kB`;
  return `${Math.round(bytes)} B`;
}
