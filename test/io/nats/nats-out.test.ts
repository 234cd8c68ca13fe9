import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import type { Msg } from '@nats-io/transport-node';
import { natsServer } from '../../support/nats-server.js';
import { edge, ioWorkflow, raw, registerEmitter, until } from './helpers.js';

let nats: Awaited<ReturnType<typeof natsServer>>;
beforeAll(async () => void (nats = await natsServer()));
afterAll(async () => nats.remove());

const values = (n: number) => Array.from({ length: n }, (_, i) => ({ i, to: `to.${i % 3}` }));

describe('nats out', () => {
  it('core: publishes every message, on a fixed subject or the one in subjectField; a message without a valid subject is counted and reported', async () => {
    const sub = await raw(nats.url);
    const got: Msg[] = [];
    sub.subscribe('to.>', { callback: (_, m) => void got.push(m) });
    await sub.flush();
    const t = ioWorkflow();
    registerEmitter(t.wf);
    const run = await t.wf.executeWorkflow({
      nodes: [
        { id: 'src', type: 'test.emit', config: { values: [...values(300), { i: 300, to: 'bad subject' }] } },
        { id: 'out', type: 'nats out', config: { servers: nats.url, subjectField: 'to' } },
      ],
      edges: [edge('src', 'out', { maxBatchSize: 50 })],
    });
    await until(() => got.length === 300, '300 messages');
    expect(got.map((m) => m.json<{ i: number }>().i)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(got.filter((m) => m.subject === 'to.1').length).toBe(100);
    await until(() => t.errors('out').includes('INVALID_SUBJECT'), 'INVALID_SUBJECT reported');
    await run.done;
    expect(t.io(run, 'out')?.counters).toMatchObject({ published: 300, skipped: 1 });
    await sub.close();
  });

  it('jetstream: every message is stored once, with its PubAck awaited; msgIdField makes a re-sent id a counted duplicate', async () => {
    const nc = await raw(nats.url);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'OUT', subjects: ['out.>'] });
    const t = ioWorkflow();
    registerEmitter(t.wf);
    const items = Array.from({ length: 1000 }, (_, i) => ({ id: `order-${i % 900}`, i })); // the last 100 re-send ids
    const run = await t.wf.executeWorkflow({
      nodes: [
        { id: 'src', type: 'test.emit', config: { values: items } },
        { id: 'out', type: 'nats out', config: { servers: nats.url, subject: 'out.orders', mode: 'jetstream', msgIdField: 'id', maxInFlight: 64 } },
      ],
      edges: [edge('src', 'out', { maxBatchSize: 100 })],
    });
    await run.done;
    expect((await jsm.streams.info('OUT')).state.messages).toBe(900);
    await until(() => t.io(run, 'out')?.counters?.duplicates === 100, 'duplicates counted');
    expect(t.io(run, 'out')?.counters).toMatchObject({ published: 900, duplicates: 100 });
    await nc.close();
  });

  it('jetstream: a refused publish (no stream takes the subject) fails the batch, so the connection retries then dead-letters it', async () => {
    const t = ioWorkflow();
    registerEmitter(t.wf);
    const run = await t.wf.executeWorkflow({
      nodes: [
        { id: 'src', type: 'test.emit', config: { values: [1, 2, 3] } },
        { id: 'out', type: 'nats out', config: { servers: nats.url, subject: 'nowhere', mode: 'jetstream' } },
      ],
      edges: [edge('src', 'out', { retryAttempts: 1, retryDelay: 10 })],
    });
    await until(() => t.events.some((e) => e.type === 'batch.deadLettered'), 'the batch dead-lettered');
    expect(t.io(run, 'out')?.counters?.published ?? 0).toBe(0);
    run.stop();
    await run.done;
  });

  it('with the server down, batches wait (the flow backs up) and are stored once it is up: nothing lost', async () => {
    const later = await natsServer();
    const setup = await raw(later.url);
    await (await jetstreamManager(setup)).streams.add({ name: 'LATE', subjects: ['late.>'] }); // kept in the file store
    await setup.close();
    await later.server.stop();
    const t = ioWorkflow();
    registerEmitter(t.wf);
    const run = await t.wf.executeWorkflow({
      nodes: [
        { id: 'src', type: 'test.emit', config: { values: values(200) } },
        { id: 'out', type: 'nats out', config: { servers: later.url, subject: 'late.x', mode: 'jetstream' } },
      ],
      edges: [edge('src', 'out', { maxBatchSize: 20 })],
    });
    await until(() => t.states('out').includes('reconnecting'), 'reconnecting');
    await new Promise((r) => setTimeout(r, 300));
    expect(t.events.some((e) => e.type === 'batch.deadLettered')).toBe(false);
    await later.server.start();
    const nc = await raw(later.url);
    const jsm = await jetstreamManager(nc);
    await run.done;
    expect((await jsm.streams.info('LATE')).state.messages).toBe(200);
    await nc.close();
    await later.remove();
  });
});
