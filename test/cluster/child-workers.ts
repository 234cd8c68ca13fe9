// `nodeflow worker` child processes for the cluster process tests: the CLI and the test node
// types compiled from src/ once per file (no dist/ needed), started on a nats-server's url.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** Compiles the worker bin and fixtures into a temp folder; returns the folder and the children's bookkeeping. */
export async function childWorkers(url: () => string) {
  mkdirSync(path.join(root, '.run'), { recursive: true });
  const out = mkdtempSync(path.join(root, '.run', 'cluster-'));
  const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  const flags = ['--ignoreConfig', 'test/cluster/worker-bin.ts', 'test/cluster/fixtures/types.ts', '--outDir', out, '--rootDir', '.', '--module', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom', '--types', 'node', '--skipLibCheck', '--noCheck'];
  await new Promise<void>((resolve, reject) => {
    const p = spawn(process.execPath, [tsc, ...flags], { cwd: root, stdio: 'inherit' });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tsc exited ${code}`))));
  });
  const children = new Set<ChildProcess>();
  /** Starts `nodeflow worker --name <name>`; resolves once it printed its ready line (rejects with its output if it exits first). */
  const worker = (name: string): Promise<ChildProcess> => {
    const child = spawn(process.execPath, [path.join(out, 'test/cluster/worker-bin.js'), 'worker', '--nats', url(), '--name', name, '--types', path.join(out, 'test/cluster/fixtures/types.js')], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODEFLOW_DEBUG: process.env.CHILD_DEBUG ?? '' } });
    children.add(child);
    child.on('exit', () => children.delete(child));
    let text = '';
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (d) => ((text += d), text.includes(' ready on ') && resolve(child)));
      child.stderr!.on('data', (d) => ((text += d), process.env.CHILD_DEBUG && process.stderr.write(`[${name}] ${d}`)));
      child.once('exit', (code) => reject(Object.assign(new Error(`worker ${name} exited (${code}) before ready:\n${text}`), { code, text })));
    });
  };
  const remove = () => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(out, { recursive: true, force: true });
  };
  return { out, worker, remove };
}

/** The exit code of `c`, once it exited. */
export const exited = (c: ChildProcess) => new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));
