import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StreamEngine, type StreamMessage } from '../src/index.js';
import { openFileLog } from '../src/record/file-log/file-log.js';
import { record } from '../src/record/record.js';
const make = (i: number): StreamMessage => ({ id: i, timestamp: 0, sourceNodeId: 's', targetNodeId: 'w', port: 'out', data: i & 7 });
const dir = mkdtempSync(path.join(tmpdir(), 'prof-'));
const log = await openFileLog(dir, { retention: { maxBytes: 200e6 } });
const engine = new StreamEngine({ maxBatchSize: 50, bufferSize: 10_000 });
const w = engine.createWidget('w');
const conn = engine.getConnection(engine.createConnection('s', 'w', 'out', 'in'));
let sink = 0;
w.data$.subscribe(({ batch }) => { sink += batch.messages.length; });
if (process.argv[2] !== 'off') record(engine, conn.id, log);
const out = engine.node('s').output('out');
const turn = () => new Promise<void>((r) => setImmediate(r));
for (let rep = 0; rep < 3; rep++) {
const t = performance.now(); const c0 = process.cpuUsage();
const N = 10_000_000;
for (let i = 0; i < N; ) { for (const end = Math.min(N, i + 20000); i < end; i++) out.emit(make(i)); await turn(); }
await (log as any).flushed();
const ms = performance.now() - t; const cpu = process.cpuUsage(c0);
console.log((N / ms * 1000 / 1e6).toFixed(2), 'M msg/s', 'cpu user+sys ms', ((cpu.user + cpu.system) / 1000).toFixed(0), 'wall', ms.toFixed(0), JSON.stringify(log.stats().droppedBatches));
}
await log.close(); engine.dispose(); rmSync(dir, { recursive: true, force: true });
