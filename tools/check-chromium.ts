/**
 * Fails loudly when no Chromium is available for the browser tests: a silent skip would let the
 * WASM/WebGPU checks rot unnoticed.
 */
import { existsSync } from 'node:fs';
import { chromiumPath } from './harness/chromium';

const path = chromiumPath();
if (!existsSync(path)) {
  console.error(
    [
      `No Chromium found at ${path}.`,
      'The browser tests drive a real Chromium (WASM and WebGPU). Install one with:',
      '  sudo apt-get install -y chromium        (Debian/Ubuntu; .ci/run does this)',
      'or point CHROMIUM_PATH at an existing Chromium/Chrome binary.',
    ].join('\n'),
  );
  process.exit(1);
}
console.log(`Chromium: ${path}`);
