import { buildSync } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
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
  const out = path.join(root, 'node_modules/.cache/nodeflow-threads', 'worker-node.mjs');
  mkdirSync(path.dirname(out), { recursive: true });
  const [file] = buildSync({ entryPoints: [path.join(root, 'src/threads/worker-node.ts')], bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'silent' }).outputFiles;
  // Written aside, then renamed: test files running in parallel never read a half-written entry.
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, file!.contents);
  renameSync(tmp, out);
  return (built = pathToFileURL(out));
}

/** A fixture module's URL, for `{ kind: 'module' }` work. */
export const fixture = (name: string): string => pathToFileURL(path.join(root, 'test/threads/fixtures', name)).href;
