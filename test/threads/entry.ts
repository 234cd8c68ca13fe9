import { buildSync } from 'esbuild';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let built: URL | undefined;

/**
 * The worker entry as JavaScript: tests run from TypeScript sources, which a worker_threads
 * worker cannot load, so src/threads/worker-node.ts is bundled once per test process.
 */
export function workerEntry(): URL {
  if (built) return built;
  const out = path.join(root, 'node_modules/.cache/nodeflow-threads', `worker-node-${process.pid}.mjs`);
  mkdirSync(path.dirname(out), { recursive: true });
  buildSync({ entryPoints: [path.join(root, 'src/threads/worker-node.ts')], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'silent' });
  return (built = pathToFileURL(out));
}

/** A fixture module's URL, for `{ kind: 'module' }` work. */
export const fixture = (name: string): string => pathToFileURL(path.join(root, 'test/threads/fixtures', name)).href;
