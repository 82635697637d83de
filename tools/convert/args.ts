/**
 * The converter's command line: parsed without side effects so tests can drive it.
 */
import { WEIGHT_FORMATS } from './convert';
import type { WeightFormat } from './graph/llama-graph';

export const CONVERT_USAGE = `usage: npm run convert -- <file.gguf | model folder> --out <dir> [--dtype q4,q4f16,q8,fp32] [--force]

  <input>      a GGUF file (LLaMA architecture: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K)
               or a Hugging Face folder (config.json, *.safetensors, tokenizer.json)
  --out DIR    the model folder to write (must not exist unless --force)
  --dtype LIST weight formats to write, comma-separated: fp32, q4, q4f16 (WebGPU with shader-f16), q8
               (int8, fastest on WASM); default q4,q4f16
  --force      replace DIR once the new folder is complete`;

/** Bad arguments (exit 2); an empty message means --help. */
export class ConvertUsageError extends Error {}

export interface ConvertArgs {
  input: string;
  outDir: string;
  formats: WeightFormat[];
  force: boolean;
}

export function parseConvertArgs(argv: string[]): ConvertArgs {
  let input: string | undefined;
  let outDir: string | undefined;
  let formats: WeightFormat[] = ['q4', 'q4f16'];
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new ConvertUsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--out') outDir = value();
    else if (arg === '--dtype') {
      const list = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = list.filter((f) => !WEIGHT_FORMATS.includes(f as WeightFormat));
      if (unknown.length)
        throw new ConvertUsageError(
          `unknown --dtype ${unknown.join(', ')} (choose from ${WEIGHT_FORMATS.join(', ')})`,
        );
      formats = list as WeightFormat[];
    } else if (arg === '--force') force = true;
    else if (arg === '--help' || arg === '-h') throw new ConvertUsageError('');
    else if (arg.startsWith('--')) throw new ConvertUsageError(`unknown option ${arg}`);
    else if (input === undefined) input = arg;
    else throw new ConvertUsageError(`one input only (got ${input} and ${arg})`);
  }
  if (!input) throw new ConvertUsageError('give the .gguf file or model folder to convert');
  if (!outDir) throw new ConvertUsageError('give the output folder with --out');
  return { input, outDir, formats, force };
}
