import { describe, expect, it } from 'vitest';
import { descents, processes } from './processes.js';

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('a process killed mid-stream (kill -9: its carrier ends vanish) and replaced on the same carriers', () => {
  it('a relay (inlet → map → outlet): every message reaches C, in order per incarnation, duplicates only within the in-flight window and counted', async () => {
    const config = { bufferSize: 20, maxBatchSize: 5 };
    const t = processes({ config, sinkMs: 1 });
    const a = await t.producer(400, 0, 2000);
    // B's map → outlet edge batches more than a frame of e1 holds, so the map's outputs wait there.
    const out = { maxBatchSize: 12, batchTimeout: 5, batching: 'fixed' as const };
    const b = await t.relay(out);
    const c = await t.consumer();
    // Mid-stream, at a moment the map's outputs wait in B's map → outlet connection (a partial
    // batch): their frames of e1 are delivered to the map, but must not be settled yet.
    const bMap = b.engine.getStreamEngine().getConnection(b.run.connectionId('map.out->o.in'));
    expect(await t.run(() => t.received.length >= 100 && bMap.stats().buffered > 0)).toBe(true);
    const gaps = c.counters('i').gapsSkipped ?? 0;
    b.kill();
    const b2 = await t.relay(out);
    expect(await t.run(() => new Set(t.received).size >= 400 && a.run.status().state === 'completed', 50_000)).toBe(true);
    expect([...new Set(t.received)].sort((x, y) => x - y)).toEqual(range(0, 400));
    // C hears B's frames, then B′'s (its replay of what B had not settled upstream): one step back at most.
    expect(descents(t.received)).toBeLessThanOrEqual(1);
    const dupes = t.received.length - 400;
    const redelivered = b2.counters('i').redelivered ?? 0;
    expect(dupes).toBeLessThanOrEqual(redelivered * config.maxBatchSize);
    // B′'s frames are a new incarnation: C took none for a repeat, and moved past the gap once.
    expect(c.counters('i')).toMatchObject({ gapsSkipped: gaps + 1 });
    expect(c.counters('i').duplicates ?? 0).toBe(0);
    // Upstream, A's connection settled everything: nothing it sent is outstanding or lost.
    expect(a.outlets.get('e1')).toMatchObject({ accepted: 400, settledMessages: 400, outstandingFrames: 0 });
    expect(await t.run(() => t.e1.held === 0 && t.e2.held === 0, 1000)).toBe(true);
    await t.stop(b2, c);
  });

  it('a producer: the replacement starts past every seq its predecessor used; its frames arrive after the stored ones, in order, none taken as duplicates', async () => {
    const t = processes({ config: { bufferSize: 20, maxBatchSize: 5 }, sinkMs: 2 });
    const a = await t.producer(300, 0, 2000);
    const c = await t.consumer('e1');
    expect(await t.run(() => t.received.length >= 60)).toBe(true);
    const gaps = c.counters('i').gapsSkipped ?? 0;
    const sent = a.outlets.get('e1')!.sent; // frames sent are stored: they stay and are delivered
    expect(t.e1.held).toBeGreaterThan(0);
    a.kill();
    const a2 = await t.producer(100, 1000, 2000);
    expect(await t.run(() => t.received.length >= sent + 100 && a2.run.status().state === 'completed', 50_000)).toBe(true);
    expect(t.received).toEqual([...range(0, sent), ...range(1000, 100)]);
    // One gap at most: none when the replacement's base lands right after the last seq used
    // (this process raised it to its high-water mark), else moved past once nothing older was held.
    expect(c.counters('i').gapsSkipped ?? 0).toBeLessThanOrEqual(gaps + 1);
    expect(c.counters('i').duplicates ?? 0).toBe(0);
    expect(a2.outlets.get('e1')).toMatchObject({ accepted: 100, settledMessages: 100, outstandingFrames: 0 });
    await t.stop(c);
  });

  it('a consumer that is itself a fresh start: a first frame at the expected seq is just a frame, no gap', async () => {
    const t = processes({ config: { bufferSize: 20, maxBatchSize: 5 } });
    const c = await t.consumer('e1');
    const a = await t.producer(50);
    expect(await t.run(() => t.received.length >= 50 && a.run.status().state === 'completed')).toBe(true);
    expect(t.received).toEqual(range(0, 50));
    expect(c.counters('i').duplicates ?? 0).toBe(0);
    await t.stop(c);
  });
});
