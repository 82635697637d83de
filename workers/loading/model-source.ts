/**
 * Turns what the user typed (preset id, Hub id, folder URL, local folder) into what transformers.js
 * understands. transformers.js only downloads by Hub-style id, so a folder URL becomes a custom
 * `remoteHost` + literal `remotePathTemplate` and a placeholder id.
 */
import { findPreset, looksLikeUniner, type ModelPreset } from './model-registry';
import { ModelLoadError } from '../errors';

/** Where transformers.js should look for the files. */
export type ResolvedSource =
  | { readonly kind: 'hub'; readonly modelId: string }
  | {
      readonly kind: 'url';
      readonly modelId: string;
      readonly remoteHost: string;
      readonly remotePathTemplate: string;
    }
  | { readonly kind: 'local'; readonly path: string };

/** A model source with its preset (if any) and what we know of it before loading. */
export interface SourceInfo {
  readonly requested: string;
  readonly resolved: ResolvedSource;
  readonly preset?: ModelPreset;
  readonly isUniner: boolean;
  /** A short human name: the preset label or the last path segment. */
  readonly displayName: string;
}

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/**
 * Resolves `source`. `allowLocal` is true in Node (CLI, tests) where a folder path is meaningful.
 * Throws ModelLoadError with what to type instead when the source cannot be a model.
 */
export function resolveSource(
  source: string,
  options: { readonly allowLocal: boolean; readonly appBaseUrl?: string },
): SourceInfo {
  const requested = source.trim();
  if (requested === '')
    throw new ModelLoadError('No model given: pick a preset, or enter a Hub id (owner/name) or a URL.');
  const preset = findPreset(requested);
  if (preset) {
    if (preset.source === '') {
      throw new ModelLoadError(
        `${preset.label} has no location in this build. Convert it with tools/convert and rebuild with VITE_UNINER_MODEL_URL set (see the README), or pick another model.`,
      );
    }
    // A preset next to the app (the bundled model) is a folder URL under the page's base.
    const next =
      /^\.\.?\//.test(preset.source) && options.appBaseUrl
        ? new URL(preset.source, options.appBaseUrl).href
        : preset.source;
    const inner = resolveSource(next, options);
    return { ...inner, requested, preset, isUniner: preset.isUniner, displayName: preset.label };
  }
  // The model's own name decides, not the folders above it: a converted SmolLM2 in
  // ".../uniner-web/..." (this project's cache, or a checkout named after it) is not UniNER.
  const isUniner = looksLikeUniner(modelName(requested));
  if (/^https?:\/\//i.test(requested)) {
    let url: URL;
    try {
      url = new URL(requested);
    } catch {
      throw new ModelLoadError(`"${requested}" is not a valid URL.`);
    }
    const path = url.pathname.replace(/^\/+/, '').replace(/\/*$/, '/');
    const name = path.split('/').filter(Boolean).at(-1) ?? url.host;
    return {
      requested,
      resolved: {
        kind: 'url',
        modelId: 'url/model',
        remoteHost: `${url.origin}/`,
        remotePathTemplate: path === '/' ? '' : path,
      },
      isUniner,
      displayName: name,
    };
  }
  if (
    options.allowLocal &&
    (requested.startsWith('/') || requested.startsWith('.') || /^[A-Za-z]:[\\/]/.test(requested))
  ) {
    return {
      requested,
      resolved: { kind: 'local', path: requested },
      isUniner,
      displayName:
        requested
          .replace(/[\\/]+$/, '')
          .split(/[\\/]/)
          .at(-1) ?? requested,
    };
  }
  if (HUB_ID.test(requested) && !requested.includes('..') && !requested.includes('--')) {
    return {
      requested,
      resolved: { kind: 'hub', modelId: requested },
      isUniner,
      displayName: requested.split('/')[1] ?? requested,
    };
  }
  throw new ModelLoadError(
    `"${requested}" is not a model: use a preset, a Hugging Face Hub id like "onnx-community/Qwen2.5-0.5B-Instruct", or an https:// URL of a model folder${options.allowLocal ? ', or a local folder path' : ''}.`,
  );
}

/** The part of a source that names the model: a Hub id whole, else the last path segment. */
function modelName(source: string): string {
  if (HUB_ID.test(source) && !/^https?:/iu.test(source)) return source;
  const path = /^https?:\/\//iu.test(source)
    ? // A Hub file URL (…/owner/name/resolve/main/) is named by the part before /resolve/.
      source.replace(/^https?:\/\/[^/]+/iu, '').replace(/\/resolve\/[^/]+\/?$/u, '')
    : source;
  return (
    path
      .replace(/[\\/]+$/u, '')
      .split(/[\\/]/u)
      .at(-1) ?? source
  );
}
