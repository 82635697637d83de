/**
 * What to tell a person whose model's config.json could not be read: which URL and host were tried
 * (not just the preset id), whether the browser says it is offline, and what to do next that fits the
 * kind of source (a preset's location is not theirs to check; a cached model or a URL of their own is).
 */
import type { ResolvedSource, SourceInfo } from './model-source';

/** Where config.json of `resolved` is fetched from (`hubHost` is transformers.js's `env.remoteHost`). */
export function configUrlOf(resolved: ResolvedSource, hubHost: string): string {
  switch (resolved.kind) {
    case 'hub':
      return `${hubHost.replace(/\/*$/, '/')}${resolved.modelId}/resolve/main/config.json`;
    case 'url':
      return `${resolved.remoteHost}${resolved.remotePathTemplate}config.json`;
    case 'local':
      return `${resolved.path.replace(/[\\/]+$/, '')}/config.json`;
  }
}

/** A failure to reach the host at all (as opposed to an answer that was not a model's config.json). */
export function isNetworkFailure(text: string): boolean {
  return /failed to fetch|fetch failed|networkerror|network error|load failed|err_internet|err_name|econnrefused|econnreset|enotfound|eai_again|stalled|timed? ?out/i.test(
    text,
  );
}

/** `navigator.onLine` where there is one (browser page or worker); undefined in Node 20. */
export function browserOnline(): boolean | undefined {
  const nav = (globalThis as { navigator?: { onLine?: unknown } }).navigator;
  return typeof nav?.onLine === 'boolean' ? nav.onLine : undefined;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}

const CACHED_OR_OWN =
  'Load a model used before on this device (the model panel lists cached models, which work offline), or host the model folder yourself and enter its URL (https://…, or a folder next to the app such as /models/my-model).';

/**
 * The message for a config.json that could not be read. `cause` is the library's message; `online`
 * is `navigator.onLine` (undefined where unknown).
 */
export function configReadFailure(
  source: SourceInfo,
  cause: string,
  options: { readonly hubHost: string; readonly online: boolean | undefined },
): string {
  const url = configUrlOf(source.resolved, options.hubHost);
  const host = hostOf(url);
  const name =
    source.preset && source.preset.id === source.requested
      ? `the preset ${source.preset.label} (${source.preset.source})`
      : `"${source.requested}"`;

  if (source.resolved.kind === 'local') {
    return `Could not read ${url} for ${name} (${cause}). Check that the folder holds a transformers.js model (config.json, tokenizer.json, onnx/).`;
  }
  if (host && (isNetworkFailure(cause) || options.online === false)) {
    const state =
      options.online === false
        ? 'The browser reports being offline.'
        : options.online === true
          ? `The browser reports being online, so ${host} may be blocked on this network or not allow cross-origin requests.`
          : `${host} may be down, blocked on this network, or not allow cross-origin requests.`;
    return `Could not reach ${host} to load ${name}: ${url} failed (${cause}). ${state} ${CACHED_OR_OWN}`;
  }
  if (source.preset) {
    return `Could not read config.json of ${name} from ${url} (${cause}). The model host did not answer with this preset's files; try again later or pick another model. ${CACHED_OR_OWN}`;
  }
  return `Could not read config.json of ${name} from ${url} (${cause}). Check the Hub id or URL, and that the model host allows cross-origin requests.`;
}
