import { expect } from 'vitest';
import type { StreamMessage } from '../../src/message.js';
import { record } from '../../src/record/record.js';
import { replay } from '../../src/record/replay.js';
import { simEngine } from '../support/helpers.js';
import { until } from '../support/until.js';
import type { RecordedBatch, RecordLog } from '../../src/record/record-log.js';

/** `n` messages numbered from `from` (data = their number, so order is easy to check). */
export function msgs(from: number, n: number, at = 0): StreamMessage[] {
  return Array.from({ length: n }, (_, i) => ({ id: from + i, timestamp: at, sourceNodeId: 'src', targetNodeId: 'sink', port: 'out', data: from + i }));
}

/** Every batch a read yields. */
export async function readAll(log: RecordLog, from: Parameters<RecordLog['read']>[0]): Promise<RecordedBatch[]> {
  const out: RecordedBatch[] = [];
  for await (const b of log.read(from)) out.push(b);
  return out;
}

/**
 * The time rule every store keeps after a clock step back (record-log.ts, ReadFrom): into an
 * empty `log`, batches at 100, 300, then 120; a read from a time starts at the first batch where
 * the largest time so far reaches it, and only a time past the largest is out of range.
 */
export async function stepBackReads(log: RecordLog): Promise<void> {
  [100, 300, 120].forEach((at, i) => log.append({ seq: i + 1, at, messages: msgs(i + 1, 1) }));
  await log.sync();
  const seqs = async (at: number) => (await readAll(log, { at })).map((b) => b.seq);
  expect(await seqs(50)).toEqual([1, 2, 3]); // nothing deleted: from the beginning
  expect(await seqs(101)).toEqual([2, 3]);
  expect(await seqs(250)).toEqual([2, 3]); // after the last batch's time, before the largest
  expect(await seqs(300)).toEqual([2, 3]);
  expect(() => log.read({ at: 301 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE', details: expect.objectContaining({ held: { firstSeq: 1, lastSeq: 3, firstAt: 100, lastAt: 300 } }) }));
  // bounds() says so, and a replay (which checks its start against it) and its seek agree.
  expect(log.bounds()).toMatchObject({ last: { seq: 3, at: 120 }, maxAt: 300 });
  const { engine } = simEngine();
  engine.createWidget('view');
  const r = replay(engine, log, 'view', { from: { at: 250 }, paused: true });
  expect(() => r.seek({ at: 300 })).not.toThrow();
  expect(() => r.seek({ at: 301 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
  await r.stop();
  engine.dispose();
}

/**
 * Replay-then-live against a real store: 50 messages recorded and synced, a replay joining the
 * live recording with a feed of 2 batches, 20 more sent while history is read (most of them come
 * back from the store), 10 after: the view must see 1..80 once each, in order, and end live.
 */
export async function replayThenLiveScenario(log: RecordLog): Promise<void> {
  const { engine } = simEngine({ maxBatchSize: 5 });
  engine.createConnection('src', 'sink', 'out', 'in');
  const rec = record(engine, 'src:out', log);
  let n = 0;
  const emit = (k: number) => {
    for (let i = 0; i < k; i++) engine.emit('src', 'out', { id: ++n, timestamp: 0, sourceNodeId: 'src', port: 'out', data: n });
  };
  emit(50);
  await log.sync();
  const view = engine.createWidget('view', { bufferSize: 1000 });
  const seen: number[] = [];
  view.data$.subscribe((f) => f.batch.messages.forEach((m) => seen.push(m.data as number)));
  const r = replay(engine, log, 'view', { live: rec, liveBuffer: 2 });
  emit(20);
  // Stores answer from another thread or process: wait on real time (bounded), not a count of turns.
  const settle = (want: number) => until(() => seen.length >= want && r.state().phase === 'live', () => `${want} shown (${seen.length}, ${r.state().phase})`, 5000, 5);
  await settle(70);
  emit(10);
  await settle(80);
  expect(seen).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
  expect(r.state()).toMatchObject({ status: 'playing', phase: 'live', position: { seq: 80 } });
  await r.stop();
  rec.stop();
  await engine.stop();
}
