import { describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { ensureRunStreams, removeRunStreams } from '../../../src/transport/jetstream/run-streams.js';
import { useNatsServer } from './helpers.js';

const f = useNatsServer();

describe('ensureRunStreams', () => {
  it('creates the WorkQueue stream bounded per subject by counts, the dead-letter stream and one durable per edge', async () => {
    await ensureRunStreams(f.nc, { run: 'r1', edges: [{ edge: 'a-b', maxFrames: 4, ackWaitMs: 2000 }, { edge: 'b-c', maxFrames: 9 }] });
    const jsm = await jetstreamManager(f.nc);
    const s = (await jsm.streams.info('nodeflow_r1')).config;
    expect(s).toMatchObject({ subjects: ['nodeflow.r1.>'], retention: 'workqueue', storage: 'file', max_msgs_per_subject: 9, discard: 'new', discard_new_per_subject: true, duplicate_window: 120e9 });
    expect(s.max_bytes).toBe(-1); // never max_bytes with discard new (nats-server #4771)
    const dl = (await jsm.streams.info('nodeflow_dl_r1')).config;
    expect(dl).toMatchObject({ subjects: ['nodeflow.dl.r1.>'], retention: 'limits', discard: 'old', max_msgs: 100_000 });
    const c = (await jsm.consumers.info('nodeflow_r1', 'a-b')).config;
    expect(c).toMatchObject({ durable_name: 'a-b', filter_subject: 'nodeflow.r1.a-b', ack_policy: 'explicit', max_ack_pending: 4, ack_wait: 2000e6 });
    expect((await jsm.consumers.info('nodeflow_r1', 'b-c')).config.max_ack_pending).toBe(9);
  });

  it('is idempotent and only ever widens the per-subject bound', async () => {
    await ensureRunStreams(f.nc, { run: 'r1', edges: [{ edge: 'a-b', maxFrames: 4, ackWaitMs: 2000 }] });
    const jsm = await jetstreamManager(f.nc);
    expect((await jsm.streams.info('nodeflow_r1')).config.max_msgs_per_subject).toBe(9);
    await ensureRunStreams(f.nc, { run: 'r1', edges: [{ edge: 'c-d', maxFrames: 30 }, { edge: 'a-b', maxFrames: 6, ackWaitMs: 2000 }] });
    expect((await jsm.streams.info('nodeflow_r1')).config.max_msgs_per_subject).toBe(30);
    expect((await jsm.consumers.info('nodeflow_r1', 'a-b')).config.max_ack_pending).toBe(6);
  });

  it('the server refuses a frame beyond the bound on one subject and still takes other subjects', async () => {
    await ensureRunStreams(f.nc, { run: 'r2', edges: [{ edge: 'e', maxFrames: 2 }] });
    const js = (await jetstreamManager(f.nc)).jetstream();
    await js.publish('nodeflow.r2.e', '1');
    await js.publish('nodeflow.r2.e', '2');
    await expect(js.publish('nodeflow.r2.e', '3')).rejects.toThrow(/maximum messages per subject/);
    await expect(js.publish('nodeflow.r2.f', '1')).resolves.toMatchObject({ stream: 'nodeflow_r2' });
  });

  it('rejects bad names and bounds with typed errors before touching the server', async () => {
    await expect(ensureRunStreams(f.nc, { run: 'a.b', edges: [] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(ensureRunStreams(f.nc, { run: 'ok', edges: [{ edge: 'x>', maxFrames: 1 }] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(ensureRunStreams(f.nc, { run: 'ok', edges: [{ edge: 'x', maxFrames: 0 }] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(ensureRunStreams(f.nc, { run: 'ok', edges: [], replicas: 2 as 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const jsm = await jetstreamManager(f.nc);
    await expect(jsm.streams.info('nodeflow_ok')).rejects.toThrow(/not found/);
  });

  it('removeRunStreams deletes both streams and tolerates missing ones', async () => {
    await removeRunStreams(f.nc, 'r2');
    await removeRunStreams(f.nc, 'r2');
    const jsm = await jetstreamManager(f.nc);
    await expect(jsm.streams.info('nodeflow_r2')).rejects.toThrow(/not found/);
    await expect(jsm.streams.info('nodeflow_dl_r2')).rejects.toThrow(/not found/);
  });
});
