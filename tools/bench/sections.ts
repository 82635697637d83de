/** Which bench sections run: `--only`, less what `--skip-browser` and `--skip-real` leave out. */

/** The sections `--only` can pick (numbers as in the README). */
export const SECTIONS = ['node', 'wasm', 'ui', 'long', 'corpus', 'real', 'server'] as const;
export type Section = (typeof SECTIONS)[number];

/** The sections to run: `--only a,b` (default all), less what --skip-browser / --skip-real leave out. */
export function selectSections(
  only: string | undefined,
  skip: { browser: boolean; real: boolean },
): Set<Section> | string {
  const names = only === undefined ? [...SECTIONS] : only.split(',').map((n) => n.trim());
  const unknown = names.filter((n) => !(SECTIONS as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0)
    return `--only takes a comma-separated list of ${SECTIONS.join(', ')}; got "${only ?? ''}".`;
  const chosen = new Set(names as Section[]);
  if (skip.browser) for (const s of ['wasm', 'ui', 'long', 'corpus', 'real'] as const) chosen.delete(s);
  // The server section runs the same real model (on llama-cpp-python), so --skip-real leaves it out too.
  if (skip.real) {
    chosen.delete('real');
    chosen.delete('server');
  }
  return chosen;
}
