/**
 * `npm run convert -- <file.gguf | HF model folder> --out <dir> [--dtype q4,q4f16,q8,fp32] [--force]`
 *
 * Writes the model folder the app and the CLI load. Progress on stderr, a summary at the end.
 * Exit codes: 0 done, 1 the conversion failed (message says why), 2 bad arguments.
 */
import { fork } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { CONVERT_USAGE, ConvertUsageError, parseConvertArgs, type ConvertArgs } from './args';
import { convertModel, stagingPath, type ConvertProgress } from './convert';

/** Set in the child that does the work; the parent only supervises it. */
const WORKER_ENV = 'UNINER_CONVERT_WORKER';

function megabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** One line redrawn in place on a terminal; a line per 10% otherwise (CI logs). */
function progressPrinter(): (p: ConvertProgress) => void {
  const tty = process.stderr.isTTY;
  let lastTenth = -1;
  return (p) => {
    const fraction = p.done / p.total;
    if (tty) {
      const width = 30;
      const filled = Math.round(fraction * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      process.stderr.write(
        `\r${p.format.padEnd(5)} ${bar} ${String(Math.round(fraction * 100)).padStart(3)}%  ${p.tensor.padEnd(28).slice(0, 28)}`,
      );
      if (p.done === p.total) process.stderr.write('\n');
    } else {
      const tenth = Math.floor(fraction * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`${p.format}: ${tenth * 10}% (${p.done}/${p.total} tensors)\n`);
      }
      if (p.done === p.total) lastTenth = -1;
    }
  };
}

async function main(): Promise<number> {
  let args: ConvertArgs;
  try {
    args = parseConvertArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof ConvertUsageError) {
      if (error.message) console.error(`convert: ${error.message}\n`);
      console.error(CONVERT_USAGE);
      return error.message ? 2 : 0;
    }
    throw error;
  }
  if (process.env[WORKER_ENV] !== '1') return supervise(args);
  try {
    const summary = await convertModel({ ...args, onProgress: progressPrinter() });
    const total = summary.files.reduce((sum, f) => sum + f.bytes, 0);
    console.error(`\nConverted ${summary.source}`);
    console.error(`  into     ${relative(process.cwd(), summary.outDir) || '.'}`);
    console.error(`  time     ${summary.seconds.toFixed(1)} s`);
    console.error(`  peak memory ${megabytes(summary.peakRssBytes)} (resident)`);
    for (const f of summary.files) console.error(`  ${megabytes(f.bytes).padStart(10)}  ${f.path}`);
    console.error(`  ${megabytes(total).padStart(10)}  total`);
    return 0;
  } catch (error) {
    console.error(`\nconvert: ${(error as Error).message}`);
    return 1;
  }
}

/**
 * Runs the conversion in a child process and stays responsive itself: the conversion is synchronous
 * CPU work, so a signal handler in the same process would only run at the very end. On Ctrl+C or
 * SIGTERM the child is killed, its staging folder removed (an output folder caught mid-replacement
 * is put back), and the exit code is 130 or 143.
 */
function supervise(args: ConvertArgs): Promise<number> {
  return new Promise((done) => {
    const child = fork(process.argv[1] ?? '', process.argv.slice(2), {
      env: { ...process.env, [WORKER_ENV]: '1' },
      execArgv: process.execArgv,
      stdio: 'inherit',
    });
    let interrupted: number | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      interrupted = signal === 'SIGINT' ? 130 : 143;
      child.kill('SIGKILL');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (interrupted === undefined && code !== null) return done(code);
      if (child.pid !== undefined) cleanUp(args.outDir, child.pid);
      console.error(`\nconvert: interrupted; nothing was left behind`);
      done(interrupted ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1));
    });
  });
}

/** Removes what a killed child left: its staging folder, and restores an output it was replacing. */
function cleanUp(outDir: string, pid: number): void {
  const staging = stagingPath(outDir, pid);
  const old = `${staging}.old`;
  if (existsSync(old)) {
    if (existsSync(resolve(outDir))) rmSync(old, { recursive: true, force: true });
    else renameSync(old, resolve(outDir));
  }
  rmSync(staging, { recursive: true, force: true });
}

process.exitCode = await main();
