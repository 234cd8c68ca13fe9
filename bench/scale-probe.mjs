import { StreamEngine } from '../.run/src/index.js';
const n = Number(process.argv[2] ?? 10000);
const kind = process.argv[3] ?? 'triples';
globalThis.gc(); const h0 = process.memoryUsage().heapUsed;
const e = new StreamEngine();
const t0 = performance.now(); let tenth = []; let tt = t0;
for (let i = 0; i < n; i++) {
  if (kind === 'triples') { e.node('n' + i); e.createWidget('w' + i); e.createConnection('n' + i, 'w' + i, 'out', 'in'); }
  else e.createConnection('a' + i, 'b' + i, 'out', 'in');
  if ((i + 1) % (n / 10) === 0) { const now = performance.now(); tenth.push(now - tt); tt = now; }
}
const create = performance.now() - t0;
globalThis.gc(); const h1 = process.memoryUsage().heapUsed;
const actors = kind === 'triples' ? 3 * n : 3 * n;
const s0 = performance.now(); await e.stop(); const stop = performance.now() - s0;
console.log(JSON.stringify({ n, kind, createMs: Math.round(create), perConnUs: Math.round(create / n * 1000), firstTenth: Math.round(tenth[0]), lastTenth: Math.round(tenth[9]), heapPerActorB: Math.round((h1 - h0) / actors), stopMs: Math.round(stop), rssMB: Math.round(process.memoryUsage().rss / 1e6) }));
