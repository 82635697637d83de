/** Launching the system Chromium for browser tests (playwright-core never downloads a browser here). */
import { chromium, type Browser } from 'playwright-core';

/** The Chromium binary: $CHROMIUM_PATH or Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/** Flags that keep headless Chromium off the (closed) network and quiet (test/README.md). */
const BASE_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Starts Chromium; `webgpu: true` adds the flag that exposes a (SwiftShader, software) WebGPU adapter. */
export async function launchChromium(options: { webgpu: boolean }): Promise<Browser> {
  const args = [...BASE_ARGS];
  if (options.webgpu)
    args.push('--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader');
  return chromium.launch({ executablePath: chromiumPath(), args, headless: true });
}
