/** Serves the built app and the synthetic models once for all browser tests. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startStaticServer, type StaticServer } from '../../tools/harness/static-server';

const root = resolve(import.meta.dirname, '../..');
let server: StaticServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  const dist = resolve(root, 'dist');
  const models = resolve(root, 'test/fixtures/models');
  if (!existsSync(resolve(dist, 'index.html')))
    throw new Error('dist/ is missing: run `npm run build` first.');
  if (!existsSync(models)) throw new Error('test/fixtures/models is missing: run `npm run fixtures` first.');
  server = await startStaticServer([
    { prefix: '/models/', dir: models },
    { prefix: '/', dir: dist },
  ]);
  project.provide('origin', server.origin);
}

export async function teardown(): Promise<void> {
  await server?.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    origin: string;
  }
}
