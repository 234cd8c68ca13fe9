import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePort } from '../../support/child-server.js';
import { counters, edge, ioWorkflow, until } from './harness.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => (gc(), gc(), process.memoryUsage().heapUsed);

describe('websocket in under 10x overload for 30 s', () => {
  it('keeps heap growth under 20 MB and counts exactly: sent = received + overflow, the sender held by TCP backpressure', async () => {
    const h = ioWorkflow();
    const port = await freePort();
    // The flow takes about 1000 msg/s (batches of 10 every 10 ms); the client offers 10 000 msg/s.
    h.sink.delayMs = 10;
    const run = await h.wf.executeWorkflow({
      nodes: [{ id: 'in', type: 'websocket in', config: { port } }, { id: 'sink', type: 'test.sink' }],
      edges: [edge('in', 'sink', { bufferSize: 100, maxBatchSize: 10 })],
    });
    await until(() => run.status().nodes.in?.io?.state === 'connected', 'listening');
    const ws = await new Promise<WebSocket>((resolve, reject) => {
      const w = new WebSocket(`ws://127.0.0.1:${port}/`);
      w.once('open', () => resolve(w)).once('error', reject);
    });
    let gotCount = 0;
    const before = heap();
    const pad = 'p'.repeat(80);
    let sent = 0;
    let heldTicks = 0;
    let maxBuffered = 0;
    let peak = 0;
    const end = Date.now() + 30_000;
    while (Date.now() < end) {
      // 100 messages per 10 ms tick, unless the socket already holds 1 MB it could not write:
      // then the sender is held back by TCP (counted, and nothing is sent this tick).
      if (ws.bufferedAmount > 1 << 20) heldTicks++;
      else for (let i = 0; i < 100; i++) ws.send(`{"i":${sent++},"p":"${pad}"}`);
      maxBuffered = Math.max(maxBuffered, ws.bufferedAmount);
      if (sent % 50_000 < 100) peak = Math.max(peak, process.memoryUsage().heapUsed);
      await new Promise((r) => setTimeout(r, 10));
    }
    const growth = heap() - before;
    gotCount = h.got.length;
    h.sink.delayMs = 0;
    h.got.length = 0; // what the sink kept is the test's, not the node's: do not let it grow
    const c0 = counters(run, 'in');
    await until(() => {
      const c = counters(run, 'in');
      return (c.received ?? 0) + (c.overflow ?? 0) === sent;
    }, `received + overflow to reach ${sent}`, 60_000);
    const c = counters(run, 'in');
    console.log(JSON.stringify({ bench: 'websocket in 10x overload 30 s', sent, received: c.received, overflow: c.overflow ?? 0, pauses: c.pauses, heldTicks, maxBufferedBytes: maxBuffered, heapGrowthMB: +(growth / 2 ** 20).toFixed(2), takenDuringOverload: gotCount, countersAtEnd: c0 }));
    expect(growth).toBeLessThan(20 * 2 ** 20);
    expect(c.received! + (c.overflow ?? 0)).toBe(sent);
    // It was an overload. 10x is offered nominally, but on a loaded machine the sender's 10 ms
    // ticks stretch: a clean-clone CI run sent 57,000 in 30 s (1.99x what the sink took).
    expect(sent).toBeGreaterThan(gotCount * 1.5);
    // Nothing refused means TCP held the sender: its unsent bytes grew past what it sends per tick.
    if ((c.overflow ?? 0) === 0) expect(heldTicks).toBeGreaterThan(0);
    ws.close();
    await run.stop();
  }, 120_000);
});
