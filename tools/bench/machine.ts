/** What machine the figures come from (printed above the table and kept in the JSON). */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { chromiumPath } from '../harness/chromium';
import type { MachineInfo } from './report';

/** `chromium --version`, or why it could not be read. */
export function chromiumVersion(): string {
  try {
    return execFileSync(chromiumPath(), ['--version'], {
      encoding: 'utf8',
      timeout: 20_000,
      // Debian's wrapper script prints a shell warning on stderr here; only stdout matters.
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .replace(/^Chromium\s+/i, '');
  } catch (error) {
    return `unknown (${(error as Error).message.split('\n')[0] ?? 'no output'})`;
  }
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown CPU',
    cores: list.length,
    memoryGiB: totalmem() / 2 ** 30,
    os: `${platform()} ${release()}`,
    loadAverage: loadavg()[0] ?? 0,
    node: process.version,
    chromium: chromiumVersion(),
  };
}
