import { describe, expect, it } from 'vitest';
import { Ingress, decodePayload, type IngressResult } from '../../src/io/index.js';
import { flushMicrotasks, simWorkflow } from '../support/workflow.js';

describe('Ingress: the outside is paused, not buffered', () => {
  it('pauses at the high watermark, holds what is refused as full in order up to holdLimit, acks only what the engine took, resumes once drained', async () => {
    const { wf, clock } = simWorkflow();
    const held: Array<() => void> = [];
    const got: unknown[] = [];
    const calls: string[] = [];
    const acked: number[] = [];
    let ingress!: Ingress;
    wf.registerNodeType({
      type: 'test.outside',
      kind: 'source',
      outputs: { out: {} },
      create: (ctx) => {
        ingress = new Ingress(ctx, { holdLimit: 3, pause: () => calls.push('pause'), resume: () => calls.push('resume') });
        return {};
      },
    });
    wf.registerNodeType({
      type: 'test.slow',
      kind: 'sink',
      inputs: { in: {} },
      create: () => ({ process: (b) => (got.push(...b.messages.map((m) => m.data)), new Promise<void>((r) => held.push(r))) }),
    });
    const run = await wf.executeWorkflow({
      nodes: [{ id: 'o', type: 'test.outside' }, { id: 's', type: 'test.slow' }],
      edges: [{ source: 'o', sourcePort: 'out', target: 's', targetPort: 'in', config: { bufferSize: 10, maxBatchSize: 5 } }],
    });
    const results: IngressResult[] = [];
    for (let i = 0; i < 16; i++) results.push(ingress.offer(i, { ack: () => acked.push(i) }));
    // 10 fit the buffer (paused at the 8th), 3 are held, the other 3 are refused and counted.
    expect(results.filter((r) => r === 'taken')).toHaveLength(10);
    expect(results.filter((r) => r === 'held')).toHaveLength(3);
    expect(results.filter((r) => r === 'overflow')).toHaveLength(3);
    expect(calls).toEqual(['pause']);
    expect(acked).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (let k = 0; k < 10 && calls.length < 2; k++) {
      clock.increment(1);
      await flushMicrotasks();
      held.shift()?.();
      await flushMicrotasks();
    }
    expect(calls).toEqual(['pause', 'resume']);
    expect(acked).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (let k = 0; k < 10; k++) {
      clock.increment(1);
      await flushMicrotasks();
      held.shift()?.();
      await flushMicrotasks();
    }
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    clock.increment(250);
    expect(run.status().nodes.o!.io?.counters).toEqual({ received: 13, overflow: 3, pauses: 1 });
  });
});

describe('decodePayload', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  it('parses JSON, refuses malformed and oversized payloads with typed codes', () => {
    expect(decodePayload(enc('{"t":1}'), 'json', 100)).toEqual({ ok: true, data: { t: 1 } });
    expect(decodePayload(enc('{"t":'), 'json', 100)).toMatchObject({ ok: false, code: 'MALFORMED_PAYLOAD' });
    expect(decodePayload(new Uint8Array([0xff, 0xfe]), 'text', 100)).toMatchObject({ ok: false, code: 'MALFORMED_PAYLOAD' });
    expect(decodePayload(enc('x'.repeat(101)), 'text', 100)).toMatchObject({ ok: false, code: 'OVERSIZED_PAYLOAD' });
    expect(decodePayload(enc('hi'), 'bytes', 100)).toEqual({ ok: true, data: enc('hi') });
  });

  it("takes Node's Buffer path for Buffers, with the same answers", () => {
    expect(decodePayload(Buffer.from('{"t":"é"}'), 'json', 100)).toEqual({ ok: true, data: { t: 'é' } });
    expect(decodePayload(Buffer.from([0x7b, 0xff]), 'json', 100)).toMatchObject({ ok: false, code: 'MALFORMED_PAYLOAD', message: 'payload is not valid UTF-8' });
    expect(decodePayload(Buffer.from('{"t":'), 'json', 100)).toMatchObject({ ok: false, code: 'MALFORMED_PAYLOAD' });
    expect(decodePayload(Buffer.from('ok'), 'text', 100)).toEqual({ ok: true, data: 'ok' });
  });
});
