// Bundles the page for the browser, in memory, with esbuild (a devDependency: the demo runs
// from a clone). The entry is main.js beside this file when run-ts compiled it into .run/
// (tsc already checked it), else main.tsx (run from the sources).
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The page's script: React, the widgets, uPlot and the remote client in one IIFE, minified.
 * Takes about half a second; throws esbuild's own error text when the build fails.
 *
 * @example
 * ```ts
 * const js = await bundlePage();
 * res.end(js);
 * ```
 */
export async function bundlePage(): Promise<Uint8Array> {
  const esbuild = await import('esbuild');
  const entry = ['main.js', 'main.tsx'].map((f) => path.join(import.meta.dirname, f)).find((f) => existsSync(f));
  if (!entry) throw new Error(`demo web page: no main.js or main.tsx in ${import.meta.dirname}`);
  try {
    const out = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      minify: true,
      jsx: 'automatic',
      // React picks its production build (and drops its dev warnings) by this constant.
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
    return out.outputFiles[0]!.contents;
  } finally {
    // esbuild's service is a child process: stopping it lets the demo exit on its own.
    await esbuild.stop();
  }
}
