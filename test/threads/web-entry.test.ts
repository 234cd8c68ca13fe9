// The browser entry and the Web Worker entry, bundled for the browser as a user's bundler would:
// no node: module and no Node-only file of this package may be reachable from either.
import { buildSync } from 'esbuild';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function inputs(entry: string): string[] {
  const r = buildSync({ entryPoints: [path.join(root, entry)], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent', external: ['rxjs', 'xstate', 'immer'] });
  return Object.keys(r.metafile.inputs);
}

describe('the browser entries', () => {
  it.each(['src/threads/web.ts', 'src/threads/worker-web.ts'])('%s bundles for the browser without a node: module or a Node-side file', (entry) => {
    const files = inputs(entry);
    expect(files).toContain(entry);
    expect(files.filter((f) => f.startsWith('node:') || /port-node|worker-node|\/threads\/index\.ts/.test(f))).toEqual([]);
  });

  it('the Node entry does reach worker_threads (so the check above can fail)', () => {
    expect(() => inputs('src/threads/index.ts')).toThrow(/node:worker_threads|node:fs|node:url/);
  });
});
