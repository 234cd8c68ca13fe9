// The package as a stranger installs it: packed from a staging copy (so the test never rewrites
// the checkout's dist/), installed with npm into throwaway projects in the system temp folder,
// type-checked there with TypeScript 5.9 and run with plain Node.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const root = path.resolve(import.meta.dirname, '..', '..');
const rootRequire = createRequire(path.join(root, 'package.json'));
const tsc = path.join(path.dirname(rootRequire.resolve('typescript/package.json')), 'bin', 'tsc');
const tsc5 = path.join(path.dirname(rootRequire.resolve('typescript-5/package.json')), 'bin', 'tsc');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** What `npm pack --json` says about one tarball. */
export interface Packed {
  readonly tarball: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly string[];
}

/** A fresh folder in the system temp dir; the caller removes it. */
export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/**
 * Builds dist/ with the release tsconfig into a staging copy of the package's shipped files and
 * packs it there (`--ignore-scripts`: prepack would rebuild the checkout's own dist/).
 */
export async function pack(work: string): Promise<Packed> {
  const stage = path.join(work, 'stage');
  mkdirSync(stage);
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { files: string[] };
  cpSync(path.join(root, 'package.json'), path.join(stage, 'package.json'));
  for (const entry of pkg.files.filter((f) => f !== 'dist' && existsSync(path.join(root, f)))) cpSync(path.join(root, entry), path.join(stage, entry), { recursive: true });
  await run(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', path.join(stage, 'dist')], { cwd: root });
  const { stdout } = await run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: stage });
  const [info] = JSON.parse(stdout) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
  return { tarball: path.join(work, info!.filename), size: info!.size, unpackedSize: info!.unpackedSize, files: info!.files.map((f) => f.path) };
}

/**
 * A throwaway ESM project with the tarball and `extra` installed (exact versions from our lock,
 * so npm's warm cache serves them), one source file, and one tsconfig per module resolution.
 */
export async function consumer(dir: string, tarball: string, extra: readonly string[], file: string, source: string): Promise<string> {
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: path.basename(dir), private: true, type: 'module' }));
  const pinned = extra.map((name) => `${name}@${(rootRequire(`${name}/package.json`) as { version: string }).version}`);
  await run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', tarball, ...pinned], { cwd: dir });
  writeFileSync(path.join(dir, file), source);
  for (const [name, module] of [['nodenext', 'nodenext'], ['bundler', 'esnext']] as const) {
    // skipLibCheck off checks every .d.ts in the program (ours, xstate's, rxjs's, React's);
    // skipDefaultLibCheck only spares TypeScript's own lib.*.d.ts, which we do not ship.
    const compilerOptions = { strict: true, skipLibCheck: false, skipDefaultLibCheck: true, noEmit: true, module, moduleResolution: name, target: 'es2022', lib: ['es2022', 'dom'], jsx: 'react-jsx', types: [] };
    writeFileSync(path.join(dir, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files: [file] }));
  }
  return dir;
}

/** TypeScript 5.9's diagnostics for the consumer under one module resolution ('' when clean). */
export async function typeErrors(dir: string, resolution: 'nodenext' | 'bundler'): Promise<string> {
  try {
    await run(process.execPath, [tsc5, '-p', `tsconfig.${resolution}.json`, '--pretty', 'false'], { cwd: dir });
    return '';
  } catch (error) {
    const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
    return `${stdout ?? ''}${stderr ?? ''}` || message;
  }
}

/** Runs a script in the consumer with Node; resolves to its stdout, rejects with its stderr. */
export async function node(dir: string, type: 'module' | 'commonjs', script: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--input-type', type, '-e', script], { cwd: dir });
  return stdout.trim();
}

/** Is `name` installed in the consumer or any folder above it (where Node and TypeScript look)? */
export function installed(dir: string, name: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'node_modules', name, 'package.json'))) return true;
    if (path.dirname(d) === d) return false;
  }
}
