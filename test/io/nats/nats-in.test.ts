import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { natsServer } from '../../support/nats-server.js';
import { edge, ioWorkflow, raw, until } from './helpers.js';

let nats: Awaited<ReturnType<typeof natsServer>>;
beforeAll(async () => void (nats = await natsServer()));
afterAll(async () => nats.remove());

/** A stream `name` on `<subject>.>` holding the values 0..n-1 (as JSON, in order), and a raw connection to the server. */
async function storedStream(name: string, subject: string, n: number) {
  const nc = await raw(nats.url);
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name, subjects: [`${subject}.>`] });
  const js = jsm.jetstream();
  await Promise.all(Array.from({ length: n }, (_, i) => js.publish(`${subject}.x`, JSON.stringify(i))));
  return { nc, jsm, js };
}

describe('nats in (core)', () => {
  it('takes messages on a wildcard subject; malformed and oversized payloads are counted, reported and dead-lettered on the error port', async () => {
    const t = ioWorkflow();
    const run = await t.wf.executeWorkflow({
      nodes: [
        { id: 'in', type: 'nats in', config: { servers: nats.url, subject: 'core.*.x', maxPayloadBytes: 64, onInvalid: 'error' } },
        { id: 'keep', type: 'test.keep' },
        { id: 'dead', type: 'test.keep' },
      ],
      edges: [edge('in', 'keep'), edge('in', 'dead', {}, 'error')],
    });
    await until(() => t.io(run, 'in')?.state === 'connected', 'connected');
    const pub = await raw(nats.url);
    pub.publish('core.a.x', JSON.stringify({ n: 1 }));
    pub.publish('core.b.x', JSON.stringify({ n: 2 }));
    pub.publish('core.b.y', JSON.stringify({ n: 99 })); // not matched
    pub.publish('core.c.x', '{"n":');
    pub.publish('core.d.x', JSON.stringify({ pad: 'x'.repeat(100) }));
    pub.publish('core.e.x', JSON.stringify({ n: 3 }));
    await pub.flush();
    await until(() => t.kept('keep').length === 3 && t.kept('dead').length === 2, 'three messages and two dead letters');
    expect(t.kept('keep')).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(t.kept('dead').map((d) => (d as { code: string; source: string }).code)).toEqual(['MALFORMED_PAYLOAD', 'OVERSIZED_PAYLOAD']);
    expect((t.kept('dead')[0] as { source: string }).source).toBe('core.c.x');
    expect(t.errors('in')).toEqual(['MALFORMED_PAYLOAD', 'OVERSIZED_PAYLOAD']);
    await pub.close();
    run.stop();
    await run.done;
    await until(() => t.io(run, 'in')?.counters?.received === 3, 'counters published');
    expect(t.io(run, 'in')?.counters).toMatchObject({ received: 3, malformed: 1, oversized: 1 });
    expect(t.states('in')).toEqual(['connecting', 'connected', 'closed']);
  });

  it('while the flow is stalled, holds up to holdLimit and counts the rest as overflow: received + overflow = published', async () => {
    const t = ioWorkflow();
    const run = await t.wf.executeWorkflow({
      nodes: [{ id: 'in', type: 'nats in', config: { servers: nats.url, subject: 'stall', holdLimit: 20 } }, { id: 'keep', type: 'test.keep' }],
      edges: [edge('in', 'keep', { bufferSize: 10, maxBatchSize: 5 })],
    });
    await until(() => t.io(run, 'in')?.state === 'connected', 'connected');
    t.stall();
    const pub = await raw(nats.url);
    for (let i = 0; i < 100; i++) pub.publish('stall', String(i));
    await pub.flush();
    await until(() => (t.io(run, 'in')?.counters?.overflow ?? 0) > 0, 'overflow counted', 5000);
    t.release();
    await until(() => t.kept('keep').length === t.io(run, 'in')?.counters?.received, 'held messages delivered');
    await new Promise((r) => setTimeout(r, 300)); // counters reach the status at most every 250 ms
    const c = t.io(run, 'in')!.counters!;
    expect(c.received! + c.overflow!).toBe(100);
    expect(c.received).toBeGreaterThanOrEqual(20); // the hold, plus what the connection buffered
    expect(t.kept('keep')).toEqual(Array.from({ length: c.received! }, (_, i) => i)); // in order, no gaps before the first refusal
    await pub.close();
    run.stop();
    await run.done;
  });

  it('with the server down at start, reports connecting then reconnecting, and connects once it comes up', async () => {
    const later = await natsServer({ start: false });
    const t = ioWorkflow();
    const run = await t.wf.executeWorkflow({
      nodes: [{ id: 'in', type: 'nats in', config: { servers: later.url, subject: 'late' } }, { id: 'keep', type: 'test.keep' }],
      edges: [edge('in', 'keep')],
    });
    await until(() => t.states('in').includes('reconnecting'), 'reconnecting');
    await later.server.start();
    await until(() => t.io(run, 'in')?.state === 'connected', 'connected after the server came up');
    const pub = await raw(later.url);
    pub.publish('late', '"hello"');
    await pub.flush();
    await until(() => t.kept('keep').length === 1, 'the message');
    expect(t.states('in').slice(0, 3)).toEqual(['connecting', 'reconnecting', 'connected']);
    await pub.close();
    run.stop();
    await run.done;
    await later.remove();
  });

  it('stopped while the server is still down, leaves nothing running: no socket, no timer', async () => {
    const handles = () => process.getActiveResourcesInfo().filter((r) => r !== 'PromiseResolve' && r !== 'TTYWrap').length;
    const before = handles();
    const t = ioWorkflow();
    const run = await t.wf.executeWorkflow({ nodes: [{ id: 'in', type: 'nats in', config: { servers: 'nats://127.0.0.1:1', subject: 'x' } }], edges: [] });
    await until(() => t.states('in').includes('reconnecting'), 'reconnecting');
    run.stop();
    await run.done;
    await until(() => handles() <= before, `handles back to ${before} (now ${process.getActiveResourcesInfo().join(', ')})`, 3000);
    expect(t.states('in').at(-1)).toBe('closed');
  });
});

describe('nats in (jetstream)', () => {
  it('a missing stream is a STREAM_NOT_FOUND io.error; the node recovers once the stream exists, creating its durable', async () => {
    const t = ioWorkflow();
    const run = await t.wf.executeWorkflow({
      nodes: [{ id: 'in', type: 'nats in', config: { servers: nats.url, subject: 'late.>', mode: 'jetstream', stream: 'LATE', durable: 'flow' } }, { id: 'keep', type: 'test.keep' }],
      edges: [edge('in', 'keep')],
    });
    await until(() => t.errors('in').includes('STREAM_NOT_FOUND'), 'STREAM_NOT_FOUND');
    const nc = await raw(nats.url);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'LATE', subjects: ['late.>'] });
    await jsm.jetstream().publish('late.a', '{"v":1}');
    await until(() => t.kept('keep').length === 1, 'the stored message');
    const info = await jsm.consumers.info('LATE', 'flow');
    expect(info.config.ack_policy).toBe('explicit');
    expect(info.config.filter_subject).toBe('late.>');
    run.stop();
    await run.done;
    await nc.close();
  });

  it('stops fetching while the flow is stalled: unacked stays within maxAckPending, the rest waits in the stream; all arrive once released', async () => {
    const { nc, jsm } = await storedStream('HOLD', 'hold', 2000);
    const t = ioWorkflow();
    t.stall();
    const run = await t.wf.executeWorkflow({
      nodes: [{ id: 'in', type: 'nats in', config: { servers: nats.url, subject: 'hold.>', mode: 'jetstream', stream: 'HOLD', durable: 'flow', batch: 50, maxAckPending: 100 } }, { id: 'keep', type: 'test.keep' }],
      edges: [edge('in', 'keep', { bufferSize: 40, maxBatchSize: 10 })],
    });
    await until(() => t.kept('keep').length > 0, 'the first batch');
    await new Promise((r) => setTimeout(r, 500));
    const held = await jsm.consumers.info('HOLD', 'flow');
    expect(held.num_ack_pending).toBeLessThanOrEqual(100);
    expect(held.num_pending).toBeGreaterThanOrEqual(1800); // still in the stream, not in this process
    t.release();
    await until(() => t.kept('keep').length >= 2000, 'all 2000', 20_000);
    expect(t.kept('keep')).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    await until(async () => true, '');
    const done = await jsm.consumers.info('HOLD', 'flow');
    expect(done.num_pending).toBe(0);
    await until(() => t.io(run, 'in')?.counters?.received === 2000, 'received counted');
    expect(t.io(run, 'in')?.counters?.overflow).toBeUndefined();
    run.stop();
    await run.done;
    await nc.close();
  });

  it('a message held past ack_wait: the server delivers it again while the first copy waits; that copy is dropped, and each arrives once', async () => {
    const { nc, jsm } = await storedStream('SLOW', 'slow', 100);
    const t = ioWorkflow();
    t.stall();
    // One fetch of 200 stays open after the 100 stored: the server redelivers into it what
    // outlasts ackWaitMs, while the node still holds the first copies.
    const run = await t.wf.executeWorkflow({
      nodes: [{ id: 'in', type: 'nats in', config: { servers: nats.url, subject: 'slow.>', mode: 'jetstream', stream: 'SLOW', durable: 'flow', batch: 200, ackWaitMs: 300 } }, { id: 'keep', type: 'test.keep' }],
      edges: [edge('in', 'keep', { bufferSize: 20, maxBatchSize: 10 })],
    });
    await until(() => (t.io(run, 'in')?.counters?.duplicates ?? 0) > 0, 'a redelivery of a held message', 10_000);
    t.release();
    await until(() => t.kept('keep').length >= 100, 'all 100');
    await new Promise((r) => setTimeout(r, 700)); // a copy passed on would land here
    expect(t.kept('keep')).toEqual(Array.from({ length: 100 }, (_, i) => i));
    await until(async () => (await jsm.consumers.info('SLOW', 'flow')).num_ack_pending === 0, 'every message acknowledged');
    run.stop();
    await run.done;
    await nc.close();
  });

  it('its consumer deleted, then its stream deleted and created again, mid-run: the node creates the consumer again (CONSUMER_RECREATED), drops what it passed on, and passes on the new messages though their sequences start over', async () => {
    const { nc, jsm, js } = await storedStream('AGAIN', 'again', 20);
    const t = ioWorkflow();
    const run = await t.wf.executeWorkflow({
      nodes: [{ id: 'in', type: 'nats in', config: { servers: nats.url, subject: 'again.>', mode: 'jetstream', stream: 'AGAIN', durable: 'flow', batch: 10 } }, { id: 'keep', type: 'test.keep' }],
      edges: [edge('in', 'keep')],
    });
    await until(() => t.kept('keep').length === 20, 'the first 20');
    await jsm.consumers.delete('AGAIN', 'flow');
    for (let i = 20; i < 25; i++) await js.publish('again.x', JSON.stringify(i));
    await until(() => t.kept('keep').length === 25, 'the 5 published after the consumer went', 15_000);
    expect(t.errors('in')).toContain('CONSUMER_RECREATED');
    await until(() => t.io(run, 'in')?.counters?.duplicates === 20, 'the stream from its start again: the 20 passed on dropped');
    await jsm.streams.delete('AGAIN');
    await jsm.streams.add({ name: 'AGAIN', subjects: ['again.>'] });
    for (let i = 100; i < 120; i++) await js.publish('again.x', JSON.stringify(i));
    await until(() => t.kept('keep').length === 45, 'the 20 new ones (sequences 1-20 again)', 15_000);
    await new Promise((r) => setTimeout(r, 300)); // a copy passed on would land here
    expect(t.kept('keep')).toEqual([...Array.from({ length: 25 }, (_, i) => i), ...Array.from({ length: 20 }, (_, i) => 100 + i)]);
    expect(t.io(run, 'in')?.counters?.duplicates).toBe(20);
    run.stop();
    await run.done;
    await nc.close();
  });

  it('a held message whose second copy was dropped is not acknowledged: stopped while held, the next run on the durable gets it', async () => {
    const { nc } = await storedStream('KEEP', 'keep', 100);
    const config = { servers: nats.url, subject: 'keep.>', mode: 'jetstream', stream: 'KEEP', durable: 'flow', batch: 200, ackWaitMs: 300 };
    const first = ioWorkflow();
    first.stall();
    const run = await first.wf.executeWorkflow({ nodes: [{ id: 'in', type: 'nats in', config }, { id: 'keep', type: 'test.keep' }], edges: [edge('in', 'keep', { bufferSize: 20, maxBatchSize: 10 })] });
    await until(() => (first.io(run, 'in')?.counters?.duplicates ?? 0) > 0, 'a second copy of a held message');
    run.stop();
    first.release();
    await run.done;
    const second = ioWorkflow();
    const again = await second.wf.executeWorkflow({ nodes: [{ id: 'in', type: 'nats in', config }, { id: 'keep', type: 'test.keep' }], edges: [edge('in', 'keep')] });
    const all = () => new Set([...first.kept('keep'), ...second.kept('keep')]);
    await until(() => all().size === 100, 'all 100 across the two runs', 15_000);
    again.stop();
    await again.done;
    await nc.close();
  });
});
