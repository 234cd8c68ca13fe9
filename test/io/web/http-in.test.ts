import { createServer } from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkflowRun } from '../../../src/index.js';
import { freePort } from '../../support/child-server.js';
import { counters, edge, ioWorkflow, until } from './harness.js';

const runs: WorkflowRun[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop()));
});

async function hook(config: Record<string, unknown>, edgeConfig: Record<string, unknown> = {}) {
  const h = ioWorkflow();
  const port = await freePort();
  const run = await h.wf.executeWorkflow({
    nodes: [{ id: 'hook', type: 'http in', config: { port, path: '/hook', ...config } }, { id: 'sink', type: 'test.sink' }, { id: 'dead', type: 'test.errors' }],
    edges: [edge('hook', 'sink', edgeConfig), edge('hook', 'dead', {}, 'error')],
  });
  runs.push(run);
  await until(() => run.status().nodes.hook?.io?.state === 'connected', 'listening');
  const post = (body: string, headers: Record<string, string> = {}, path = '/hook') => fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body, headers });
  return { ...h, run, post, port };
}

describe('http in', () => {
  it('takes a JSON body (200 once the engine took it), NDJSON lines, and refuses bad input with 400/413/401/404, counted', async () => {
    const a = await hook({ token: 't', maxPayloadBytes: 100, onInvalid: 'error' });
    const auth = { authorization: 'Bearer t' };
    const ok = await a.post('{"t":1}', auth);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ accepted: 1 });
    expect((await a.post('{"t":1}')).status).toBe(401);
    expect((await a.post('{', auth)).status).toBe(400);
    expect((await a.post(`"${'x'.repeat(200)}"`, auth)).status).toBe(413);
    expect((await a.post('{}', auth, '/other')).status).toBe(404);
    await until(() => a.errors.length === 2, 'two dead letters');
    expect(a.errors.map((e) => (e as { code: string }).code).sort()).toEqual(['MALFORMED_PAYLOAD', 'OVERSIZED_PAYLOAD']);
    await until(() => counters(a.run, 'hook').unauthorized === 1, 'counters');
    expect(counters(a.run, 'hook')).toMatchObject({ received: 1, malformed: 1, oversized: 1, unauthorized: 1 });

    const b = await hook({ body: 'ndjson' });
    const r = await b.post('{"i":1}\n{"i":2}\n\n{"i":3}\n');
    expect(await r.json()).toEqual({ accepted: 3 });
    expect(b.got).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);
  });

  it('answers 429 with Retry-After while the flow is backpressured, and counts exactly: sent = accepted + 429s', async () => {
    const h = await hook({ retryAfterSeconds: 2 }, { bufferSize: 20, maxBatchSize: 5 });
    h.sink.delayMs = 20;
    let ok = 0;
    let busy = 0;
    let retryAfter = '';
    const sent = 600;
    // 20 requests at a time: far faster than the sink's ~250 msg/s.
    for (let i = 0; i < sent; i += 20) {
      const rs = await Promise.all(Array.from({ length: 20 }, (_, k) => h.post(JSON.stringify({ i: i + k }))));
      for (const r of rs) {
        if (r.status === 200) ok++;
        else if (r.status === 429) (busy++, (retryAfter = r.headers.get('retry-after') ?? ''));
        else throw new Error(`unexpected ${r.status}`);
        await r.arrayBuffer();
      }
    }
    expect(busy).toBeGreaterThan(0);
    expect(retryAfter).toBe('2');
    expect(ok + busy).toBe(sent);
    h.sink.delayMs = 0;
    await until(() => h.got.length === ok && counters(h.run, 'hook').throttled === busy, 'the accepted ones at the sink and the 429s counted');
    expect(counters(h.run, 'hook').received).toBe(ok);
  });

  it('a client that goes away mid-body is counted (aborted) and nothing of its cut body enters the flow', async () => {
    const h = await hook({});
    const s = net.connect(h.port, '127.0.0.1');
    s.write('POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"t":');
    await new Promise((r) => setTimeout(r, 50));
    s.destroy();
    await until(() => counters(h.run, 'hook').aborted === 1, 'the abort counted');
    expect((await h.post('{"t":2}')).status).toBe(200);
    expect(h.got).toEqual([{ t: 2 }]);
    expect(counters(h.run, 'hook').malformed).toBeUndefined();
  });

  it('reads at most maxConcurrentBodies bodies at once: senders that never finish cannot grow its memory, the next gets 503 + Retry-After', async () => {
    const h = await hook({ maxConcurrentBodies: 3 });
    // Three senders that declare a body and never finish it hold the three slots.
    const stuck = [1, 2, 3].map(() => {
      const s = net.connect(h.port, '127.0.0.1');
      s.write('POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"t":');
      return s;
    });
    await new Promise((r) => setTimeout(r, 100));
    const refused = await h.post('{"t":1}');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(counters(h.run, 'hook').overloaded).toBe(1);
    for (const s of stuck) s.destroy();
    await until(() => counters(h.run, 'hook').aborted === 3, 'the three slots freed');
    expect((await h.post('{"t":2}')).status).toBe(200);
    expect(h.got).toEqual([{ t: 2 }]);
  });

  it('fails clearly when its port is taken, and closes its listener at stop', async () => {
    const { wf } = ioWorkflow();
    const taken = createServer();
    const port = await freePort();
    await new Promise<void>((r) => taken.listen(port, '127.0.0.1', r));
    const run = await wf.executeWorkflow({ nodes: [{ id: 'hook', type: 'http in', config: { port } }], edges: [] });
    expect((await run.done).nodes.hook?.lastError).toMatch(/port is in use/);
    await new Promise((r) => taken.close(r));

    const h = await hook({});
    await h.run.stop();
    await expect(h.post('{}')).rejects.toThrow(); // nothing listens any more
  });
});
