// @nodeflow/runtime/remote runs in a browser: nothing it imports, transitively, may reach a node:
// module, ws or React. @nodeflow/runtime/server's public types may not name ws (consumers need
// no @types/ws), so ws appears there only as the dynamic import of the optional peer.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const src = path.resolve(import.meta.dirname, '../../src');

/** Every module reachable from `entry` by static imports, with the bare specifiers it names. */
function graph(entry: string): { files: Set<string>; bare: Map<string, string> } {
  const files = new Set<string>();
  const bare = new Map<string, string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)) {
      if (spec!.startsWith('.')) visit(path.resolve(path.dirname(file), spec!.replace(/\.js$/, '.ts')));
      else bare.set(spec!, path.relative(src, file));
    }
  };
  visit(path.join(src, entry));
  return { files, bare };
}

it('the remote entry imports no node: module, no ws and no React', () => {
  const { files, bare } = graph('remote/index.ts');
  expect(files.size).toBeGreaterThan(5);
  for (const [spec, from] of bare) expect(/^(node:|ws$|react)/.test(spec), `${from} imports ${spec}`).toBe(false);
  for (const f of files) expect(f.includes(`${path.sep}server${path.sep}`), f).toBe(false);
});

it('the server entry names ws only in the dynamic import of the optional peer', () => {
  const { files, bare } = graph('server/index.ts');
  expect(bare.has('ws')).toBe(false);
  const dynamic = [...files].filter((f) => readFileSync(f, 'utf8').includes("import('ws')"));
  expect(dynamic.map((f) => path.relative(src, f))).toEqual([path.join('server', 'serve.ts')]);
});
