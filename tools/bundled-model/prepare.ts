/**
 * `tsx tools/bundled-model/prepare.ts <ggufDir> <outDir>`: fetches the bundled SmolLM2-135M's GGUF into
 * `ggufDir` and converts it (q4) into `outDir`, both quick when cached, and prints `{"modelDir": …}` as
 * its last stdout line.
 *
 * The Vite plugin runs this as a child process instead of importing the converter: Vite bundles its
 * config with everything the config imports, and the converter's dozens of modules made every
 * `npm run dev` print ~45 lines of config-loader warnings. The plugin now imports nothing of ours.
 */
import { BUNDLED_FORMATS, ensureSmolLM2Onnx } from './smollm2';

const [ggufDir, outDir] = process.argv.slice(2);
if (!ggufDir || !outDir) {
  process.stderr.write('usage: tsx tools/bundled-model/prepare.ts <ggufDir> <outDir>\n');
  process.exit(2);
}
try {
  const modelDir = await ensureSmolLM2Onnx({ ggufDir, outDir, formats: BUNDLED_FORMATS });
  process.stdout.write(`${JSON.stringify({ modelDir })}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
