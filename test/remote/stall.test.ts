// A client that stops reading must not make the server hold its data: in a child process (so
// gc() and the heap are this scenario's alone), a raw client subscribes, grants credit and
// stops reading for STALL_SECONDS while an honest client reads on. The server may hold at most
// its highWaterMark (256 KiB) plus one frame for it; we allow 2 MB of heap + ArrayBuffer growth.
// STALL_SECONDS=60 npx vitest run test/remote/stall.test.ts runs the full minute.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STALL_SECONDS = Number(process.env.STALL_SECONDS ?? 10);
const MAX_GROWTH = 2 * 1024 * 1024;
let out = '';
let child = '';

beforeAll(() => {
  mkdirSync(path.join(root, '.run'), { recursive: true });
  out = mkdtempSync(path.join(root, '.run', 'stall-'));
  child = path.join(out, 'test/support/stall-child.js');
  const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  const flags = ['--ignoreConfig', 'test/support/stall-child.ts', '--outDir', out, '--rootDir', '.', '--module', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom', '--types', 'node', '--skipLibCheck', '--noCheck'];
  const r = spawnSync(process.execPath, [tsc, ...flags], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tsc exited ${r.status}`);
}, 60_000);
afterAll(() => void (out && rmSync(out, { recursive: true, force: true })));

interface Report {
  maxGrowthBytes: number;
  honestBatchesDuringStall: number;
  rawClose: { code: number; afterStallStartMs: number } | null;
  samples: { t: number; growth: number; sockets: number; bufferedBytes: number; honestBatches: number }[];
}

function run(env: Record<string, string>): Promise<Report> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', child], { cwd: root, env: { ...process.env, STALL_SECONDS: String(STALL_SECONDS), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`child exited ${code}: ${stderr || stdout}`));
      console.log(line);
      resolve(JSON.parse(line) as Report);
    });
  });
}

/** The honest client got batches in the first and in the second half of the stall. */
function keptReceiving(r: Report): void {
  const mid = r.samples[Math.floor(r.samples.length / 2) - 1]!.honestBatches;
  expect(mid).toBeGreaterThan(0);
  expect(r.honestBatchesDuringStall).toBeGreaterThan(mid);
}

const timeout = (STALL_SECONDS + 40) * 1000;

it(`a client that stops reading for ${STALL_SECONDS} s costs the server under 2 MB, and the honest client keeps receiving`, async () => {
  // slowTimeoutMs far past the stall: the stalled socket stays open the whole time (the worst case).
  const r = await run({ SLOW_TIMEOUT_MS: String((STALL_SECONDS + 60) * 1000) });
  expect(r.samples).toHaveLength(STALL_SECONDS);
  expect(r.samples.every((s) => s.sockets === 2)).toBe(true);
  // It did block: the server saw its send buffer fill (else this test would prove nothing).
  expect(Math.max(...r.samples.map((s) => s.bufferedBytes))).toBeGreaterThan(0);
  expect(r.maxGrowthBytes).toBeLessThanOrEqual(MAX_GROWTH);
  keptReceiving(r);
}, timeout);

it('at slowTimeoutMs the stalled socket is closed with 4008 (slow consumer) and the honest one stays', async () => {
  const r = await run({ SLOW_TIMEOUT_MS: '5000' });
  // The client reads the 4008 close frame when it reads again (at the end of the stall). A stall
  // past ws's 30 s closing handshake ends in the server dropping the TCP link instead: 1006.
  if (STALL_SECONDS < 30) expect(r.rawClose?.code).toBe(4008);
  else expect(r.rawClose?.code).toBe(1006);
  const last = r.samples.at(-1)!;
  expect(last.sockets).toBe(1); // the server let go of it during the stall
  expect(last.bufferedBytes).toBe(0);
  expect(r.maxGrowthBytes).toBeLessThanOrEqual(MAX_GROWTH);
  keptReceiving(r);
}, timeout);
