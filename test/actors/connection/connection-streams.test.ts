import { expect, it } from 'vitest';
import { type StreamMessage, DefaultBackpressureHandler } from '../../../src/index.js';
import { ConnectionStreams, type StreamSource } from '../../../src/actors/connection/connection-streams.js';
import { msg, simEngine } from '../../support/helpers.js';
import { nextMacrotask as tick, flushMicrotasks } from '../../support/flush.js';


it('cancelling the readable hands the unread rest back to the node, nothing lost; a new readable can be taken', async () => {
  const { clock, engine } = simEngine({ maxBatchSize: 10 });
  const got: unknown[] = [];
  engine.node('t', { process: (b) => void got.push(...b.messages.map((m) => m.id)) });
  const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  const reader = c.readable.getReader();
  const sent: StreamMessage[] = Array.from({ length: 30 }, () => msg(clock));
  for (const m of sent) c.offer(m);
  const read: unknown[] = [];
  for (let i = 0; i < 13; i++) read.push((await reader.read()).value!.id);
  await reader.cancel();
  await tick();
  c.flush();
  await tick();
  expect([...read, ...got]).toEqual(sent.map((m) => m.id));
  expect(c.readable.locked).toBe(false);
  engine.dispose();
});

// Also the single-write case (a review found one write held twice maxWaitTime): counted once.
it('queued writes each settle within one maxWaitTime of being written, each counted once', async () => {
  const { clock, engine } = simEngine({ bufferSize: 4, maxBatchSize: 4 });
  engine.setBackpressureHandler(new DefaultBackpressureHandler({ maxWaitTime: 100 }));
  const c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  c.openCircuit();
  for (let i = 0; i < 4; i++) c.offer({ ...msg(clock), priority: 'critical' });
  const w = c.writer;
  const settledAt: number[] = [];
  for (let i = 0; i < 10; i++) void w.write({ ...msg(clock), priority: 'critical' }).then(() => settledAt.push(clock.now()));
  for (let t = 0; t < 300 && settledAt.length < 10; t++) {
    clock.increment(1);
    await flushMicrotasks();
  }
  expect(settledAt).toHaveLength(10);
  expect(Math.max(...settledAt)).toBeLessThanOrEqual(100 + 5); // maxWaitTime + scheduling slack
  expect(c.stats()).toMatchObject({ refused: 0, dropped: expect.objectContaining({ timeout: 10 }) });
  engine.dispose();
});

it('needs only its StreamSource (no Connection): writes go to accept, pressure holds ready until relief', async () => {
  const { clock } = simEngine();
  const accepted: StreamMessage[] = [];
  const source: StreamSource & { isBackpressured: boolean } = {
    id: 'stub',
    clock,
    isBackpressured: false,
    isOpen: true,
    accept: (m) => (accepted.push(m), 'accepted'),
    acceptAsTimedOut: () => {},
    maxWaitTime: () => undefined,
    swapInbox: (inbox) => inbox,
    close: () => Promise.resolve(),
  };
  const streams = new ConnectionStreams(source);
  const w = streams.writer();
  await w.write(msg(clock));
  expect(accepted).toHaveLength(1);
  source.isBackpressured = true;
  streams.pressure();
  expect(w.desiredSize).toBeLessThanOrEqual(0);
  let ready = false;
  void w.ready.then(() => (ready = true));
  await flushMicrotasks();
  expect(ready).toBe(false);
  source.isBackpressured = false;
  streams.relief();
  await flushMicrotasks();
  expect(ready).toBe(true);
});

// Issue 12: a waiter that timed out stayed in the list until the next room, so a buffer that
// never drained kept every one of them (and its message).
it('a writer whose maxWaitTime ran out leaves the waiting list at once, however long the buffer stays full', async () => {
  const { clock } = simEngine();
  let timedOut = 0;
  const source: StreamSource = {
    id: 'stub',
    clock,
    isBackpressured: false,
    isOpen: true,
    accept: () => 'full', // full for good: no room ever comes
    acceptAsTimedOut: () => void timedOut++,
    maxWaitTime: () => 100,
    swapInbox: (inbox) => inbox,
    close: () => Promise.resolve(),
  };
  const streams = new ConnectionStreams(source);
  const w = streams.writer();
  for (let i = 1; i <= 20; i++) {
    const written = w.write(msg(clock));
    await flushMicrotasks();
    expect(streams.waiting).toBe(1);
    clock.increment(100);
    await written;
    expect(timedOut).toBe(i);
    expect(streams.waiting).toBe(0);
    streams.relief(); // pressure ended meanwhile: the next write may wait its own maxWaitTime
  }
});
