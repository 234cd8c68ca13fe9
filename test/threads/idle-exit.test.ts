// An engine that no one stopped, with a node on worker threads, lets its process exit once its
// work is done (docs/threads.md, Shutdown): an idle worker is unref'd, one with jobs out is not.
import { buildSync } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { workerEntry } from './entry.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

it('a process whose engine was never stopped exits by itself once its thread node is idle', async () => {
  const out = path.join(root, 'node_modules/.cache/nodeflow-threads', `idle-exit-${process.pid}.mjs`);
  mkdirSync(path.dirname(out), { recursive: true });
  const [file] = buildSync({ entryPoints: [path.join(root, 'test/threads/fixtures/idle-exit.ts')], bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'silent', external: ['xstate', 'rxjs', 'immer'] }).outputFiles;
  writeFileSync(out, file!.contents);
  const result = await new Promise<{ code: number | null; stdout: string; exited: boolean }>((resolve) => {
    const p = spawn(process.execPath, [out, workerEntry().href], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let timer: NodeJS.Timeout | undefined;
    // A child that never reports (its work never done) is ended too: the test fails, not hangs.
    const hard = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.stdout.on('data', (d) => {
      stdout += String(d);
      // From the report on it has 5 s to end by itself: a slow start on a loaded machine decides nothing.
      timer ??= setTimeout(() => p.kill('SIGKILL'), 5000);
    });
    p.on('exit', (code) => {
      clearTimeout(timer);
      clearTimeout(hard);
      resolve({ code, stdout, exited: code !== null });
    });
  });
  expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toEqual({ got: 100, last: 198 });
  expect(result).toMatchObject({ exited: true, code: 0 });
}, 60_000);
