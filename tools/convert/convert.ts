/**
 * Converts a LLaMA-family checkpoint (a GGUF file or a Hugging Face folder) into the folder the app
 * and the CLI load: config.json, generation_config.json, tokenizer.json, tokenizer_config.json and
 * onnx/model{,_q4,_q4f16,_quantized}.onnx with their weights in external-data chunks under 2 GB.
 *
 * Streaming: weights are read, converted and written one tensor at a time, so memory stays near
 * the largest tensor (a 7B embedding), never the model. Everything is written into a temporary
 * folder beside the output and renamed into place only when complete, so a failure (bad input, a
 * full disk, Ctrl+C) never leaves something that looks like a model.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, parse, relative, resolve } from 'node:path';
import { ChunkedExternalData } from './graph/external-data';
import { buildLlamaOnnx, type WeightFormat } from './graph/llama-graph';
import { buildConfigJson, buildGenerationConfigJson, MODEL_FILE_BY_FORMAT } from './model-files';
import { openModelSource } from './sources/open-source';

export const WEIGHT_FORMATS: readonly WeightFormat[] = ['fp32', 'q4', 'q4f16', 'q8'];

export interface ConvertProgress {
  format: WeightFormat;
  /** Weight tensors written so far for this format, of `total`. */
  done: number;
  total: number;
  tensor: string;
}

export interface ConvertOptions {
  /** A .gguf file or a Hugging Face model folder. */
  input: string;
  outDir: string;
  formats: WeightFormat[];
  /** Replace an existing output folder (only once the new one is complete). */
  force?: boolean;
  /** External-data chunk size (tests use small ones to exercise several chunks). */
  chunkBytes?: number;
  onProgress?: (progress: ConvertProgress) => void;
}

export interface ConvertSummary {
  outDir: string;
  seconds: number;
  /** Peak resident memory of this process so far. */
  peakRssBytes: number;
  files: { path: string; bytes: number }[];
  source: string;
}

/** Something about the output folder or the disk, with what to do about it. */
export class ConvertOutputError extends Error {
  override name = 'ConvertOutputError';
}

function listFiles(dir: string, prefix = ''): { path: string; bytes: number }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    const full = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full, rel) : [{ path: rel, bytes: statSync(full).size }];
  });
}

function json(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Turns the disk's own errors into messages that say what happened to the conversion. */
function explain(error: unknown, outDir: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new ConvertOutputError(
      `the disk is full while writing ${outDir}: free some space and run the conversion again (nothing was left behind)`,
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new ConvertOutputError(
      `cannot write beside ${outDir} (${code}): choose an output folder you can write to`,
    );
  }
  return error;
}

/** The hidden folder a conversion writes into before the rename (the CLI's supervisor removes it too). */
export function stagingPath(outDir: string, pid: number): string {
  const out = resolve(outDir);
  return join(dirname(out), `.${basename(out)}.partial-${pid}`);
}

/** `path` itself or something inside it. */
function isWithin(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Refuses an output folder whose replacement would destroy something that is not a previous
 * conversion: `/`, the home folder, a regular file, the input or any folder that contains it.
 */
export function checkOutputFolder(input: string, outDir: string, force: boolean): void {
  const out = resolve(outDir);
  const home = resolve(homedir());
  if (out === parse(out).root || out === home) {
    throw new ConvertOutputError(
      `--out ${out} is ${out === home ? 'your home folder' : 'the root folder'}: choose a new folder for the model`,
    );
  }
  if (!existsSync(out)) return;
  const realOut = realpathSync(out);
  const realInput = existsSync(input) ? realpathSync(input) : resolve(input);
  if (isWithin(realInput, realOut) || isWithin(resolve(input), out)) {
    throw new ConvertOutputError(
      `--out ${out} ${realInput === realOut ? 'is' : 'contains'} the input ${input}: replacing it would delete the model you are converting; choose another --out`,
    );
  }
  if (!statSync(realOut).isDirectory()) {
    throw new ConvertOutputError(
      `${out} exists and is not a folder: it is never replaced, even with --force; choose another --out`,
    );
  }
  if (!force) {
    throw new ConvertOutputError(`${out} already exists: choose another --out or pass --force to replace it`);
  }
}

export async function convertModel(options: ConvertOptions): Promise<ConvertSummary> {
  const started = performance.now();
  const outDir = resolve(options.outDir);
  const formats = [...new Set(options.formats)];
  if (formats.length === 0)
    throw new ConvertOutputError('no weight format asked for (use --dtype fp32,q4,q4f16,q8)');
  checkOutputFolder(options.input, outDir, options.force ?? false);
  const source = await openModelSource(options.input);
  const staging = stagingPath(outDir, process.pid);
  let sink: ChunkedExternalData | undefined;
  // Ctrl+C mid-way: remove the partial folder, then exit as interrupted.
  const onSignal = () => {
    sink?.abandon();
    rmSync(staging, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    mkdirSync(join(staging, 'onnx'), { recursive: true });
    const chunks: Record<string, number> = {};
    for (const format of formats) {
      const modelFile = MODEL_FILE_BY_FORMAT[format];
      sink = new ChunkedExternalData({
        dir: join(staging, 'onnx'),
        modelFile,
        chunkBytes: options.chunkBytes,
      });
      let done = 0;
      const graph = buildLlamaOnnx(source.dims, source.weights, {
        format,
        // Symmetric: requantising an already-quantised grid (Q4_1, Q4_K...) asymmetrically shifts
        // whole blocks by a rounded zero point, a correlated error that measurably hurt SmolLM2's answers.
        q4Scheme: 'symmetric',
        tiedEmbeddings: source.tiedEmbeddings,
        external: sink,
        graphName: 'llama',
        onWeight: (tensor) =>
          options.onProgress?.({ format, done: ++done, total: source.weightCount, tensor }),
      });
      sink.close();
      chunks[modelFile] = sink.chunkCount;
      sink = undefined;
      writeFileSync(join(staging, 'onnx', modelFile), graph);
    }
    const { tokenizer } = source;
    json(
      join(staging, 'config.json'),
      buildConfigJson({
        dims: source.dims,
        tiedEmbeddings: source.tiedEmbeddings,
        bosTokenId: tokenizer.bosTokenId,
        eosTokenIds: tokenizer.eosTokenIds,
        externalDataChunks: chunks,
        sourceMaxPositions: source.sourceMaxPositions,
      }),
    );
    json(
      join(staging, 'generation_config.json'),
      buildGenerationConfigJson(tokenizer.bosTokenId, tokenizer.eosTokenIds),
    );
    writeFileSync(join(staging, 'tokenizer.json'), JSON.stringify(tokenizer.tokenizerJson));
    json(join(staging, 'tokenizer_config.json'), tokenizer.tokenizerConfig);

    // Only now does anything appear at outDir.
    if (existsSync(outDir)) {
      const old = `${staging}.old`;
      renameSync(outDir, old);
      renameSync(staging, outDir);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(staging, outDir);
    }
  } catch (error) {
    sink?.abandon();
    rmSync(staging, { recursive: true, force: true });
    throw explain(error, outDir);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await source.close();
  }
  return {
    outDir,
    seconds: (performance.now() - started) / 1000,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    files: listFiles(outDir),
    source: source.description,
  };
}
