// Record and replay against the embedded file log (src/record/file-log/) instead of MemoryLog:
// the same RecordLog contract, with real files, so the replay side is not tested only in memory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFileLog } from '../../src/record/file-log/file-log.js';
import { record } from '../../src/record/record.js';
import { replay } from '../../src/record/replay.js';
import { simEngine } from '../support/helpers.js';
import { replayThenLiveScenario } from './support.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const folder = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'nodeflow-replay-'));
  dirs.push(d);
  return path.join(d, 'log');
};

describe('replay from the file log', () => {
  it('records a connection to disk, then replays it instantly into a widget from a seq', async () => {
    const { engine } = simEngine({ maxBatchSize: 10 });
    engine.createConnection('src', 'sink', 'out', 'in');
    const log = await openFileLog(folder());
    const rec = record(engine, 'src:out', log);
    for (let i = 1; i <= 100; i++) engine.emit('src', 'out', { id: i, timestamp: 0, sourceNodeId: 'src', port: 'out', data: i });
    await log.sync();
    expect(rec.stats()).toMatchObject({ batches: 10, messages: 100 });
    const view = engine.createWidget('view', { bufferSize: 1000 });
    const seen: number[] = [];
    view.data$.subscribe((f) => f.batch.messages.forEach((m) => seen.push(m.data as number)));
    expect((await replay(engine, log, 'view', { from: { seq: 35 } }).done).status).toBe('ended');
    expect(seen).toEqual(Array.from({ length: 66 }, (_, i) => 35 + i));
    expect(() => replay(engine, log, 'view', { from: { seq: 101 } })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    await log.close();
    await engine.stop();
  });

  it('replay-then-live from the file log: history, then live batches, each message once', async () => {
    const log = await openFileLog(folder());
    await replayThenLiveScenario(log);
    await log.close();
  });
});

describe('the file log keeps what emit() sent', () => {
  it('numbers emitted without targetNodeId (as the docs do) replay exactly: NaN, -0 and Infinity too', async () => {
    const { engine } = simEngine({ maxBatchSize: 5 });
    engine.createConnection('src', 'sink', 'out', 'in');
    const log = await openFileLog(folder());
    record(engine, 'src:out', log);
    const sent = [NaN, -0, Infinity, -Infinity, 1.5];
    sent.forEach((data, i) => engine.emit('src', 'out', { id: i + 1, timestamp: 0, sourceNodeId: 'src', port: 'out', data }));
    await log.sync();
    const view = engine.createWidget('view', { bufferSize: 100 });
    const seen: unknown[] = [];
    view.data$.subscribe((f) => f.batch.messages.forEach((m) => seen.push(m.data)));
    await replay(engine, log, 'view').done;
    expect(seen).toEqual(sent);
    expect(Object.is(seen[1], -0)).toBe(true);
    await log.close();
    await engine.stop();
  });
});
