// npm run bench:scale [-- --json] [-- --sizes 10000,50000,100000]: the cost of a topology's size.
// For each size, in a child process of its own (a big heap slows whatever is measured next):
// creating N connections between distinct node pairs (each creates its two nodes), time per
// tenth (the last tenth against the first shows whether creation stays linear), heap per actor
// after GC, one message through every connection (and the heap again; a batch to a running node
// or a widget is a plain call, so it starts no actor), the heap once an inspector has started
// every actor (see ActorSlot), stop(); and 10,000 node -> connection -> widget triples.
//
// One case alone: node scripts/run-ts.mjs bench/scale.ts pairs|triples <N>
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { StreamEngine } from '../src/index.js';

export type Shape = 'pairs' | 'triples';
export interface ScaleResult {
  readonly shape: Shape;
  readonly size: number;
  readonly actors: number;
  readonly createMs: number;
  readonly firstTenthMs: number;
  readonly lastTenthMs: number;
  readonly heapPerActorB: number;
  readonly stopMs: number;
  readonly rssMb: number;
  /** One message sent into every element and delivered: the time, and the heap per actor after. */
  readonly runMs: number;
  readonly heapPerActorRunB: number;
  /** After an inspector attached (which starts every actor): the cost when all are needed. */
  readonly heapPerActorAwakeB: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function runCase(shape: Shape, n: number): Promise<ScaleResult> {
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const engine = new StreamEngine();
  const tenths: number[] = [];
  const t0 = performance.now();
  let mark = t0;
  for (let i = 0; i < n; i++) {
    if (shape === 'triples') {
      engine.node(`n${i}`);
      engine.createWidget(`w${i}`);
      engine.createConnection(`n${i}`, `w${i}`, 'out', 'in');
    } else engine.createConnection(`a${i}`, `b${i}`, 'out', 'in');
    if ((i + 1) % Math.max(1, Math.floor(n / 10)) === 0 && tenths.length < 10) {
      const now = performance.now();
      tenths.push(now - mark);
      mark = now;
    }
  }
  const createMs = performance.now() - t0;
  gc?.();
  const actors = 3 * n; // two nodes (or a node and a widget) and a connection per element
  const heapPerActorB = (process.memoryUsage().heapUsed - heap0) / actors;
  // Running it: one message into every element, until all are delivered. The targets' actors
  // start here (a batch goes through its node or widget actor); connections stay dormant.
  const r0 = performance.now();
  for (let i = 0; i < n; i++) {
    const src = shape === 'triples' ? `n${i}` : `a${i}`;
    engine.emit(src, 'out', { id: i, timestamp: Date.now(), sourceNodeId: src, port: 'out', data: i });
  }
  // Done when the last element has its message, then checked over all (getMetrics() is O(n)).
  const last = engine.getConnection(shape === 'triples' ? `n${n - 1}:out` : `a${n - 1}:out`);
  for (;;) {
    if (last.stats().delivered === 1 && engine.getMetrics().totals.delivered === n) break;
    if (performance.now() - r0 > 60_000) throw new Error(`only ${engine.getMetrics().totals.delivered} of ${n} delivered after 60 s`);
    await new Promise((r) => setImmediate(r));
  }
  const runMs = performance.now() - r0;
  gc?.();
  const heapPerActorRunB = (process.memoryUsage().heapUsed - heap0) / actors;
  // Every actor started, as an inspector of every kind (or reading every .actor) does.
  const detach = engine.inspect(() => {});
  gc?.();
  const heapPerActorAwakeB = (process.memoryUsage().heapUsed - heap0) / actors;
  detach();
  const rssMb = process.memoryUsage().rss / 1e6;
  const s0 = performance.now();
  await engine.stop();
  return { shape, size: n, actors, createMs, firstTenthMs: tenths[0] ?? 0, lastTenthMs: tenths[tenths.length - 1] ?? 0, heapPerActorB, stopMs: performance.now() - s0, rssMb, runMs, heapPerActorRunB, heapPerActorAwakeB };
}

/** Runs each case in a child process of its own and returns the results in order. */
export function runScale(cases: ReadonlyArray<readonly [Shape, number]>, onProgress: (s: string) => void = () => {}): ScaleResult[] {
  return cases.map(([shape, n]) => {
    onProgress(`scale: ${shape} ${n}`);
    const child = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', fileURLToPath(import.meta.url), shape, String(n)], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`${shape} ${n} failed: ${child.stderr}`);
    return JSON.parse(child.stdout.trim().split('\n').pop()!) as ScaleResult;
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === 'pairs' || argv[0] === 'triples') {
    process.stdout.write(JSON.stringify(await runCase(argv[0], Number(argv[1] ?? 10_000))) + '\n');
    return;
  }
  const json = argv.includes('--json');
  const at = argv.indexOf('--sizes');
  const sizes = (at >= 0 ? argv[at + 1]! : '10000,50000,100000').split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 10)) throw new Error(`--sizes: integers >= 10, comma-separated (got ${argv[at + 1]})`);
  const log = (s: string) => (json ? process.stderr : process.stdout).write(s + '\n');
  const results = runScale([['triples', 10_000], ...sizes.map((n) => ['pairs', n] as [Shape, number])], (s) => log(s));
  log('\n| shape | elements | actors | create | per element | last tenth / first | heap per actor | one message each | heap per actor after | every actor started | stop | stop per element | RSS |');
  log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    log(`| ${r.shape} | ${r.size.toLocaleString('en-US')} | ${r.actors.toLocaleString('en-US')} | ${(r.createMs / 1000).toFixed(2)} s | ${((r.createMs / r.size) * 1000).toFixed(0)} µs | ${(r.lastTenthMs / r.firstTenthMs).toFixed(2)}x | ${(r.heapPerActorB / 1000).toFixed(2)} kB | ${(r.runMs / 1000).toFixed(2)} s | ${(r.heapPerActorRunB / 1000).toFixed(2)} kB | ${(r.heapPerActorAwakeB / 1000).toFixed(2)} kB | ${(r.stopMs / 1000).toFixed(2)} s | ${((r.stopMs / r.size) * 1000).toFixed(0)} µs | ${r.rssMb.toFixed(0)} MB |`);
  }
  const big = results.filter((r) => r.shape === 'pairs').at(-1)!;
  const triples = results.find((r) => r.shape === 'triples')!;
  const checks = [
    // The bound is for 100,000 connections; a smaller largest size is reported, not judged.
    [big.size >= 100_000 ? `${big.size.toLocaleString('en-US')} connections created in <= 10 s` : `${big.size.toLocaleString('en-US')} connections created in ${(big.createMs / 1000).toFixed(2)} s (the 10 s bound is for 100,000)`, big.size < 100_000 || big.createMs <= 10_000],
    ['last tenth no slower than 1.5x the first', big.lastTenthMs <= 1.5 * big.firstTenthMs],
    // After traffic, so the actors a message starts are counted too.
    ['<= 5 kB heap per actor at 10k triples (idle, after one message each, every actor started)', Math.max(triples.heapPerActorB, triples.heapPerActorRunB, triples.heapPerActorAwakeB) <= 5000],
  ] as const;
  for (const [what, ok] of checks) log(`${ok ? 'PASS' : 'FAIL'}  ${what}`);
  if (json) process.stdout.write(JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2) + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
