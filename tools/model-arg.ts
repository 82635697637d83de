/**
 * The one reading of a `--model` argument, shared by every tool (extract in every mode, eval, bench,
 * convert), so a folder that works in one mode works in all of them.
 *
 * In order:
 * 1. an `http(s)://` URL is a model folder on a server;
 * 2. an existing folder (relative to the working directory or absolute; `test/fixtures/models/x` as
 *    well as `./test/fixtures/models/x`) is a local model, passed on as an absolute path;
 * 3. a preset id of the app (`smollm2-360m`, …);
 * 4. anything that can only be a path (starts with `/`, `.`, `~` or a drive letter, holds a backslash,
 *    or has more than one `/`) is refused with the absolute folder it looked for;
 * 5. a Hugging Face Hub id (`owner/name`).
 * Nothing is read but the folder's existence.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { findPreset } from '../workers/loading/model-registry';
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
  readonly kind: 'folder' | 'url' | 'preset' | 'hub';
  /** Preset, UniNER or not, display name: what is known before loading. */
  readonly info: SourceInfo;
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
  if (findPreset(requested))
    return { requested, source: requested, kind: 'preset', info: sourceInfo(requested) };
  if (looksLikePath(requested)) {
    throw new ModelArgError(
      `--model ${requested}: no folder at ${folder}. Give a model folder (config.json, tokenizer.json, onnx/), ` +
        'a preset id, a Hugging Face Hub id (owner/name) or an http(s) URL; for the test models run `npm run fixtures` first.',
    );
  }
  const info = sourceInfo(requested);
  if (info.resolved.kind !== 'hub')
    throw new ModelArgError(`--model ${requested} is not a model folder, preset, Hub id or URL.`);
  return { requested, source: requested, kind: 'hub', info };
}
