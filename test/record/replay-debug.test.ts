// A debug export that refers to a recording, read back in another engine: replayDebugData shows
// what the dashboard showed around an alert, and nothing else.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamDebugger, StreamEngine } from '../../src/index.js';
import { openFileLog } from '../../src/record/file-log/file-log.js';
import { MemoryLog } from '../../src/record/memory-log.js';
import { record } from '../../src/record/record.js';
import { replayDebugData } from '../../src/record/replay-debug.js';
import { simEngine } from '../support/helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const folder = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'nodeflow-debug-replay-'));
  dirs.push(d);
  return path.join(d, 'chart');
};

/** 100 s of a sensor into widget `chart`, one batch of 10 a second (data = the second), recorded; then the export, as a file holds it, with one firing alert at 50 s. */
async function incident(log = undefined as undefined | MemoryLog) {
  const { engine, clock } = simEngine({ maxBatchSize: 10 });
  const chart = engine.createWidget('chart');
  const conn = engine.createConnection('sensor', 'chart', 'out', 'in');
  const fileLog = log ?? (await openFileLog(folder()));
  const rec = record(engine, conn, fileLog);
  const dbg = new StreamDebugger(engine);
  for (let s = 0; s < 100; s++) {
    for (let i = 0; i < 10; i++) engine.emit('sensor', 'out', { id: s * 10 + i, timestamp: clock.now(), sourceNodeId: 'sensor', port: 'out', data: s });
    clock.increment(1000);
  }
  await fileLog.sync();
  const exported = JSON.parse(JSON.stringify(dbg.exportDebugData({ recordings: [rec.ref()] })));
  const alert = { id: `lowThroughput@${conn}`, ruleId: 'lowThroughput', severity: 'warning', status: 'firing', connectionId: conn, value: 1, threshold: 2, message: 'slow', at: 50_000, firedAt: 50_000 };
  exported.alerts.recent.push(alert);
  dbg.dispose();
  await engine.stop();
  return { exported, log: fileLog, alert, chart, conn };
}

function watch(engine: StreamEngine, widget: string) {
  const seen: number[] = [];
  engine.findWidget(widget)?.data$.subscribe((f) => f.batch.messages.forEach((m) => seen.push(m.data as number)));
  return seen;
}

describe('replayDebugData', () => {
  it('replays the recorded dashboard data around an alert from the file log the export names, in a fresh engine', async () => {
    const { exported, log, alert, conn } = await incident();
    await log.close();
    expect(exported.recordings).toEqual([{ source: conn, store: { kind: 'file', dir: expect.stringContaining('chart') }, held: { firstSeq: 1, firstAt: 0, lastSeq: 1000, lastAt: 99_000 } }]);
    const engine = new StreamEngine({ maxBatchSize: 10 });
    engine.createWidget('chart', { bufferSize: 1000 });
    const seen = watch(engine, 'chart');
    const r = await replayDebugData(engine, JSON.stringify(exported), { around: alert.id, beforeMs: 10_000, afterMs: 5_000 });
    expect(r.window).toEqual({ around: 50_000, from: 40_000, to: 55_000 });
    expect(r.replays.map((x) => x.view)).toEqual(['chart']);
    const states = await r.done;
    expect(states.map((s) => s.status)).toEqual(['ended']);
    // Seconds 40..55, each a batch of ten: the window and nothing outside it.
    expect(seen).toEqual(Array.from({ length: 16 }, (_, s) => Array<number>(10).fill(40 + s)).flat());
    await engine.stop();
  });

  it('creates the view when the engine lacks it, takes views and open from the caller (a MemoryLog is the caller’s)', async () => {
    const mem = new MemoryLog();
    const { exported, conn } = await incident(mem);
    expect(exported.recordings[0].store).toEqual({ kind: 'memory' });
    const engine = new StreamEngine({ maxBatchSize: 10 });
    await expect(replayDebugData(engine, exported)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/memory store: pass options.open/) });
    const r = await replayDebugData(engine, exported, { around: 99_000, beforeMs: 1_000, afterMs: 0, open: () => mem, views: { [conn]: 'replayed' } });
    const seen = watch(engine, 'replayed');
    await r.done;
    expect(engine.findWidget('replayed')).toBeDefined();
    expect(seen).toEqual([...Array<number>(10).fill(98), ...Array<number>(10).fill(99)]); // the window 98-99 s; the replay starts on a later turn
    expect(mem.bounds()).toBeDefined(); // not closed: the caller's
    await engine.stop();
  });

  it('refuses what it cannot do, with typed errors', async () => {
    const { exported, log, conn } = await incident();
    await log.close();
    const engine = new StreamEngine();
    const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code: string }) => e.code);
    expect(await code(replayDebugData(engine, { ...exported, recordings: undefined }))).toBe('INVALID_ARGUMENT');
    expect(await code(replayDebugData(engine, exported, { around: 'nope@x' }))).toBe('INVALID_ARGUMENT');
    expect(await code(replayDebugData(engine, exported, { around: 500_000, beforeMs: 1000, afterMs: 1000 }))).toBe('OUT_OF_RANGE');
    expect(await code(replayDebugData(engine, exported, { beforeMs: -1 }))).toBe('INVALID_ARGUMENT');
    expect(await code(replayDebugData(engine, exported, { speed: 1000 }))).toBe('INVALID_CONFIG');
    expect(await code(replayDebugData(engine, exported, { arround: 1 } as never))).toBe('INVALID_CONFIG');
    expect(await code(replayDebugData(engine, { ...exported, recordings: [{ source: conn, store: { kind: 'ftp' }, held: null }] }))).toBe('INVALID_DEBUG_DATA');
    expect(await code(replayDebugData(engine, 'not json'))).toBe('INVALID_DEBUG_DATA');
    // A relative folder is refused; a missing one is named, and not created by the reader.
    expect(await code(replayDebugData(engine, { ...exported, recordings: [{ ...exported.recordings[0], store: { kind: 'file', dir: 'relative/dir' } }] }))).toBe('INVALID_DEBUG_DATA');
    const gone = path.join(path.dirname(exported.recordings[0].store.dir), 'never-made');
    await expect(replayDebugData(engine, { ...exported, recordings: [{ ...exported.recordings[0], store: { kind: 'file', dir: gone } }] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/holds no file log/) });
    expect(existsSync(gone)).toBe(false);
    const dbg = new StreamDebugger(engine);
    expect(() => dbg.exportDebugData({ recordings: [{ source: '', store: { kind: 'memory' }, held: null }] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    dbg.dispose();
    const bare = record(engine, engine.createConnection('a', 'b', 'out', 'in'), { append() {}, bounds: () => undefined, read: () => { throw new Error('no'); }, sync: async () => {}, close: async () => {} });
    expect(() => bare.ref()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    await engine.stop();
  });
});
