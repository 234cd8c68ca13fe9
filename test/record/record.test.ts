import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFileLog } from '../../src/record/file-log/file-log.js';
import { MemoryLog } from '../../src/record/memory-log.js';
import { record, recordRun } from '../../src/record/record.js';
import { simEngine } from '../support/helpers.js';
import { flushMicrotasks } from '../support/flush.js';
import { simWorkflow } from '../support/workflow.js';
import { msgs, readAll } from './support.js';

describe('record', () => {
  it('a connection: one append per delivered batch, seq counted per recorded stream, times from the engine clock', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 4, batchTimeout: 10 });
    engine.createConnection('src', 'sink', 'out', 'in');
    const log = new MemoryLog();
    const rec = record(engine, 'src:out', log);
    clock.increment(5);
    for (const m of msgs(1, 10)) engine.emit('src', 'out', m);
    clock.increment(10); // the partial batch of 2 leaves at its deadline
    const batches = await readAll(log, { seq: 1 });
    expect(batches.map((b) => [b.seq, b.messages.length, b.at])).toEqual([[1, 4, 5], [5, 4, 5], [9, 2, 15]]);
    expect(batches.flatMap((b) => b.messages.map((m) => m.data))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(rec.stats()).toEqual({ batches: 3, messages: 10, dropped: 0, droppedMessages: 0, nextSeq: 11 });
    await engine.stop();
  });

  it('a batch that fails and is retried is recorded once, when the target took it', async () => {
    const { clock, engine } = simEngine({ maxBatchSize: 3, retryAttempts: 2, retryDelay: 5 });
    let fail = 1;
    engine.node('sink', { process: () => { if (fail-- > 0) throw new Error('once'); } });
    engine.createConnection('src', 'sink', 'out', 'in');
    const log = new MemoryLog();
    record(engine, 'src:out', log);
    for (const m of msgs(1, 3)) engine.emit('src', 'out', m);
    expect(log.bounds()).toBeUndefined();
    for (let i = 0; i < 10; i++) { clock.increment(5); await flushMicrotasks(); }
    expect((await readAll(log, { seq: 1 })).map((b) => b.messages.length)).toEqual([3]);
    await engine.stop();
  });

  it('a widget: every batch it shows; stop() detaches; one recording per target at a time', async () => {
    const { engine } = simEngine({ maxBatchSize: 2 });
    engine.createWidget('chart');
    engine.createConnection('src', 'chart', 'out', 'in');
    const log = new MemoryLog();
    const rec = record(engine, 'chart', log);
    expect(() => record(engine, 'chart', new MemoryLog())).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    for (const m of msgs(1, 4)) engine.emit('src', 'out', m);
    rec.stop();
    for (const m of msgs(5, 2)) engine.emit('src', 'out', m);
    expect(log.bounds()?.lastSeq).toBe(4);
    expect(rec.active).toBe(false);
    const again = record(engine, 'chart', log); // continues the log's seq
    for (const m of msgs(7, 2)) engine.emit('src', 'out', m);
    expect(log.bounds()).toMatchObject({ lastSeq: 6, last: { seq: 5 } });
    again.stop();
    await engine.stop();
  });

  it('an append that throws (a closed log) is a counted drop, not a crash; seq moves past it', async () => {
    const { engine } = simEngine({ maxBatchSize: 2 });
    engine.createConnection('src', 'sink', 'out', 'in');
    const log = new MemoryLog();
    const rec = record(engine, 'src:out', log);
    const seen: number[] = [];
    rec.subscribe((b) => seen.push(b.seq));
    for (const m of msgs(1, 2)) engine.emit('src', 'out', m);
    await log.close();
    for (const m of msgs(3, 2)) engine.emit('src', 'out', m);
    expect(rec.stats()).toMatchObject({ batches: 1, dropped: 1, droppedMessages: 2, nextSeq: 5 });
    expect(seen).toEqual([1, 3]);
    await engine.stop();
  });

  it('a batch the file log refuses for what it holds (a BigInt) is a counted drop, and recording goes on after it', async () => {
    const { engine } = simEngine({ maxBatchSize: 2 });
    engine.createConnection('src', 'sink', 'out', 'in');
    const dir = mkdtempSync(path.join(tmpdir(), 'nf-rec-'));
    const log = await openFileLog(dir);
    try {
      const errors: unknown[] = [];
      const rec = record(engine, 'src:out', log, { onError: (e) => errors.push(e) });
      const ms = msgs(1, 6).map((m, i) => (i === 2 ? { ...m, data: 3n } : m));
      for (const m of ms) engine.emit('src', 'out', m as never);
      expect(rec.stats()).toMatchObject({ batches: 2, dropped: 1, droppedMessages: 2, nextSeq: 7 });
      expect(errors).toEqual([expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { seq: 3, next: 5 } })]);
      await log.sync();
      expect((await readAll(log, { seq: 1 })).map((b) => [b.seq, b.messages.map((m) => m.data)])).toEqual([[1, [1, 2]], [5, [5, 6]]]);
    } finally {
      // Also when an expectation fails: a failing run must not leave its folder behind.
      await engine.stop();
      await log.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unknown id is UNKNOWN_CONNECTION', () => {
    const { engine } = simEngine();
    expect(() => record(engine, 'nope', new MemoryLog())).toThrow(expect.objectContaining({ code: 'UNKNOWN_CONNECTION' }));
  });

  it('a workflow run: one log per edge, each with its own dense seq', async () => {
    const { wf, runToEnd } = simWorkflow({ maxBatchSize: 7 });
    const run = await wf.executeWorkflow({
      nodes: [{ id: 's', type: 'source.sequential', config: { count: 20, rate: 1000 } }, { id: 'a', type: 'sink.collector' }, { id: 'b', type: 'sink.collector' }],
      edges: [{ id: 'e1', source: 's', sourcePort: 'out', target: 'a', targetPort: 'in' }, { id: 'e2', source: 's', sourcePort: 'out', target: 'b', targetPort: 'in' }],
    });
    const logs = new Map<string, MemoryLog>();
    const rec = recordRun(wf.getStreamEngine(), run, (edgeId) => logs.set(edgeId, new MemoryLog()).get(edgeId)!);
    await runToEnd(run);
    rec.stop();
    expect([...logs.keys()].sort()).toEqual(['e1', 'e2']);
    for (const log of logs.values()) expect((await readAll(log, { seq: 1 })).flatMap((b) => b.messages.map((m) => m.data))).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe('record: options checked, refusals reported', () => {
  it('a typo, a startSeq inside what the log holds, and a bad MemoryLog option are INVALID_CONFIG naming the field', () => {
    const { engine } = simEngine();
    const id = engine.createConnection('a', 'b', 'out', 'in');
    const log = new MemoryLog();
    log.append({ seq: 1, at: 0, messages: msgs(1, 100) });
    expect(() => record(engine, id, log, { startseq: 5 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => record(engine, id, log, { startSeq: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', details: expect.objectContaining({ field: 'startSeq' }) }));
    expect(() => new MemoryLog({ maxMessage: 10 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => new MemoryLog({ maxBatches: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(record(engine, id, log, { startSeq: 101 }).nextSeq).toBe(101);
  });

  it('a batch the log refuses goes to onError and is counted, not lost in silence', async () => {
    const { engine } = simEngine({ maxBatchSize: 2 });
    const id = engine.createConnection('a', 'b', 'out', 'in');
    engine.node('b', { process: () => {} });
    const log = new MemoryLog();
    const errors: unknown[] = [];
    const rec = record(engine, id, log, { onError: (e) => errors.push(e) });
    await log.close();
    engine.emit('a', 'out', msgs(1, 2)[0]!);
    engine.emit('a', 'out', msgs(2, 1)[0]!);
    expect(rec.stats()).toMatchObject({ dropped: 1, droppedMessages: 2 });
    expect(errors).toEqual([expect.objectContaining({ code: 'INVALID_ARGUMENT' })]);
    await engine.stop();
  });
});
