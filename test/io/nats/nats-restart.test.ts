import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { natsServer } from '../../support/nats-server.js';
import { edge, ioWorkflow, raw, until } from './helpers.js';

let nats: Awaited<ReturnType<typeof natsServer>>;
beforeAll(async () => void (nats = await natsServer()));
afterAll(async () => nats.remove());

// SIGKILL: the server comes back with the consumer's state as last saved, so it hands out again,
// as new (not flagged redelivered), what it had delivered since: the node still drops them.
describe.each(['SIGTERM', 'SIGKILL'] as const)('nats in (jetstream) across a server restart (%s)', (signal) => {
  it(`${signal} and restart mid-stream on the same store: every published sequence arrives, each once (msgID and stream-sequence dedupe)`, async () => {
    const N = 3000;
    const R = `R_${signal}`;
    const setup = await raw(nats.url);
    const jsm = await jetstreamManager(setup);
    await jsm.streams.add({ name: R, subjects: [`${R}.>`] });
    await setup.close();
    const t = ioWorkflow();
    const run = await t.wf.executeWorkflow({
      // A message whose ack the restart lost comes back after ack_wait: 3 s, not the 60 s
      // default, so it comes back within this test's wait (and the dedupe is still checked).
      nodes: [{ id: 'in', type: 'nats in', config: { servers: nats.url, subject: `${R}.>`, mode: 'jetstream', stream: R, durable: 'flow', batch: 100, ackWaitMs: 3000 } }, { id: 'keep', type: 'test.keep' }],
      edges: [edge('in', 'keep', { maxBatchSize: 50 })],
    });
    // The publisher retries a publish until it is acknowledged, with the same msgID each time.
    const pub = await raw(nats.url);
    const js = (await jetstreamManager(pub)).jetstream();
    let retries = 0;
    const publishing = (async () => {
      for (let i = 0; i < N; i += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, N - i) }, async (_, k) => {
            for (;;) {
              try {
                return await js.publish(`${R}.x`, JSON.stringify(i + k), { msgID: `m-${i + k}`, timeout: 1000 });
              } catch {
                retries++;
                await new Promise((r) => setTimeout(r, 100));
              }
            }
          }),
        );
      }
    })();
    await until(() => t.kept('keep').length >= N / 3, 'a third delivered');
    await nats.server.stop(signal);
    await new Promise((r) => setTimeout(r, 300));
    await nats.server.start();
    await until(() => t.io(run, 'in')?.state === 'connected', 'reconnected', 15_000);
    await publishing;
    await until(() => new Set(t.kept('keep')).size === N, `all ${N} sequences`, 30_000);
    await new Promise((r) => setTimeout(r, 500)); // a late duplicate would land here
    const got = t.kept('keep') as number[];
    expect(new Set(got)).toEqual(new Set(Array.from({ length: N }, (_, i) => i)));
    expect(got.length).toBe(N); // no duplicate passed on
    const check = await raw(nats.url);
    expect((await (await jetstreamManager(check)).streams.info(R)).state.messages).toBe(N); // retried publishes deduplicated
    await check.close();
    expect(t.states('in')).toContain('reconnecting');
    console.log(`restart (${signal}): ${retries} publish retries, ${t.io(run, 'in')?.counters?.duplicates ?? 0} redeliveries dropped`);
    await pub.close();
    run.stop();
    await run.done;
  });
});
