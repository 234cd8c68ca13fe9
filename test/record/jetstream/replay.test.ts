// record() and replay() work unchanged on the JetStream log: a connection recorded into a stream,
// replayed instantly into a widget from a seq, and replay-then-live from the stream.
import { describe, expect, it } from 'vitest';
import { record } from '../../../src/record/record.js';
import { replay } from '../../../src/record/replay.js';
import { simEngine } from '../../support/helpers.js';
import { jetStreamFixture } from './helpers.js';
import { replayThenLiveScenario } from '../support.js';

const js = jetStreamFixture();

describe('record and replay through the JetStream log', () => {
  it('records a connection into a stream, then replays it instantly into a widget from a seq', async () => {
    const { engine } = simEngine({ maxBatchSize: 10 });
    engine.createConnection('src', 'sink', 'out', 'in');
    const log = await js.open();
    const rec = record(engine, 'src:out', log);
    for (let i = 1; i <= 100; i++) engine.emit('src', 'out', { id: i, timestamp: 0, sourceNodeId: 'src', port: 'out', data: i });
    await log.sync();
    expect(rec.stats()).toMatchObject({ batches: 10, messages: 100, dropped: 0 });
    expect(log.stats().batches).toBe(10);
    const view = engine.createWidget('view', { bufferSize: 1000 });
    const seen: number[] = [];
    view.data$.subscribe((f) => f.batch.messages.forEach((m) => seen.push(m.data as number)));
    expect((await replay(engine, log, 'view', { from: { seq: 35 } }).done).status).toBe('ended');
    expect(seen).toEqual(Array.from({ length: 66 }, (_, i) => 35 + i));
    expect(() => replay(engine, log, 'view', { from: { seq: 101 } })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    rec.stop();
    await engine.stop();
  });

  it('a new recording into an existing stream goes on from its last seq', async () => {
    const { engine } = simEngine({ maxBatchSize: 5 });
    engine.createConnection('src', 'sink', 'out', 'in');
    const log = await js.open();
    const first = record(engine, 'src:out', log);
    for (let i = 1; i <= 12; i++) engine.emit('src', 'out', { id: i, timestamp: 0, sourceNodeId: 'src', port: 'out', data: i });
    engine.getConnection('src:out')!.flush();
    first.stop();
    const second = record(engine, 'src:out', log);
    expect(second.stats().nextSeq).toBe(13);
    second.stop();
    await engine.stop();
  });

  it('replay-then-live from the stream: history, then live batches, each message once', async () => {
    await replayThenLiveScenario(await js.open());
  });
});
