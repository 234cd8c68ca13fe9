// The package as a user installs it: `npm run build`'s tsc emit (here into a temp dir), both
// export entries importable as ESM, and type declarations for each.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const out = mkdtempSync(path.join(tmpdir(), 'nodeflow-dist-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('package', () => {
  it('builds ESM with .d.ts and both exports entries load', async () => {
    const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', out], { cwd: root, stdio: 'pipe' });
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('@nodeflow/runtime');
    expect(pkg.type).toBe('module');
    for (const [entry, spec] of Object.entries<{ types: string; import: string }>(pkg.exports).filter(([k]) => k !== './package.json')) {
      const js = path.join(out, path.relative('dist', spec.import));
      const dts = path.join(out, path.relative('dist', spec.types));
      expect(existsSync(js), `${entry} → ${spec.import}`).toBe(true);
      expect(existsSync(dts), `${entry} → ${spec.types}`).toBe(true);
      const mod = await import(pathToFileURL(js).href);
      expect(Object.keys(mod).length).toBeGreaterThan(0);
    }
    const main = await import(pathToFileURL(path.join(out, 'index.js')).href);
    for (const name of ['StreamEngine', 'DefaultBackpressureHandler', 'GracefulErrorRecovery', 'DEFAULT_STREAM_CONFIG', 'connectionMachine']) {
      expect(main[name], name).toBeDefined();
    }
    // React is a peer of the widgets entry only, and optional for core users.
    expect(pkg.dependencies.react).toBeUndefined();
    expect(pkg.peerDependenciesMeta.react.optional).toBe(true);
    // @xstate/react would pull React into every install: an optional peer of the widgets entry.
    expect(pkg.dependencies['@xstate/react']).toBeUndefined();
    expect(pkg.peerDependenciesMeta['@xstate/react'].optional).toBe(true);
  }, 60_000);
});
