import { describe, expect, it, vi } from 'vitest';
import { flushMicrotasks } from '../../support/flush.js';
import { pendingTimers } from '../../support/helpers.js';
import { simWorkflow } from '../../support/workflow.js';

const COUNT = 50;

/**
 * burst (emits COUNT values at start, then completes) → m (transform.map) → gate, where the
 * m → gate edge holds 4 messages and gate holds every batch until the test opens it. With
 * `fanOut`, m also feeds a collector on a roomy edge: a message goes to both edges or neither.
 */
async function heldTransform(fanOut: boolean) {
  const t = simWorkflow();
  const held: Array<() => void> = [];
  let open = false;
  const gated: unknown[] = [];
  t.wf.registerNodeType({
    type: 'test.burst',
    kind: 'source',
    outputs: { out: {} },
    create: (ctx) => ({
      start() {
        const out = ctx.output('out');
        for (let i = 0; i < COUNT; i++) out(i);
        ctx.complete();
      },
    }),
  });
  t.wf.registerNodeType({
    type: 'test.gate',
    kind: 'sink',
    inputs: { in: {} },
    create: () => ({
      process(batch) {
        for (const m of batch.messages) gated.push(m.data);
        if (!open) return new Promise<void>((resolve) => held.push(resolve));
      },
    }),
  });
  const run = await t.wf.executeWorkflow({
    nodes: [{ id: 'src', type: 'test.burst' }, { id: 'm', type: 'transform.map', config: { scale: 1 } }, { id: 'gate', type: 'test.gate' }, ...(fanOut ? [{ id: 'c', type: 'sink.collector' }] : [])],
    edges: [
      { id: 'in', source: 'src', sourcePort: 'out', target: 'm', targetPort: 'in' },
      { id: 'tight', source: 'm', sourcePort: 'out', target: 'gate', targetPort: 'in', config: { bufferSize: 4 } },
      ...(fanOut ? [{ id: 'roomy', source: 'm', sourcePort: 'out', target: 'c', targetPort: 'in' }] : []),
    ],
  });
  // Live counters while the edge is open, its final ones once it closed.
  const tight = () => run.metrics().edges.tight!;
  const release = () => {
    open = true;
    for (const r of held.splice(0)) r();
  };
  return { ...t, run, tight, release, gated, held };
}

describe('Outbox: a transform held on a full output waits on the room signal, never polls', () => {
  for (const fanOut of [false, true]) {
    it(`${fanOut ? 'fan-out' : 'one output'}: no timer and no retried offer while held; resumes at the room signal; nothing lost or duplicated`, async () => {
      const { clock, run, tight, release, gated, held, runToEnd } = await heldTransform(fanOut);
      // Let the first batch reach the gate and the tight edge fill behind it.
      for (let i = 0; i < 100 && !(held.length > 0 && tight().refused > 0); i++) {
        clock.increment(1);
        await flushMicrotasks();
      }
      expect(held.length).toBe(1);
      expect(tight().inFlight).toBe(4);
      const refused = tight().refused;
      const accepted = tight().accepted;
      const pending = pendingTimers(clock);
      const setTimeout = vi.spyOn(clock, 'setTimeout');

      for (let i = 0; i < 1000; i++) {
        clock.increment(1);
        await flushMicrotasks();
      }
      // A poll would have set ~1000 timers and offered (and been refused) ~1000 times.
      expect(setTimeout).not.toHaveBeenCalled();
      expect(pendingTimers(clock)).toBeLessThanOrEqual(pending);
      expect(tight().refused).toBe(refused);
      expect(tight().accepted).toBe(accepted);

      release(); // the held batch settles: room appears on the tight edge
      await flushMicrotasks();
      expect(tight().accepted).toBeGreaterThan(accepted); // offered again without any clock time passing

      setTimeout.mockRestore();
      const result = await runToEnd(run);
      const expected = Array.from({ length: COUNT }, (_, i) => i);
      expect(gated).toEqual(expected);
      if (fanOut) expect(run.collected('c')).toEqual(expected);
      expect(result.nodes.m).toMatchObject({ received: COUNT, emitted: COUNT });
      for (const e of Object.values(result.metrics.edges)) expect(e).toMatchObject({ droppedTotal: 0, deadLettered: 0, inFlight: 0 });
    });
  }

  it('stop() while a transform is held counts what it kept as discarded, and the run settles', async () => {
    const { clock, run, tight, held } = await heldTransform(false);
    for (let i = 0; i < 100 && !(held.length > 0 && tight().refused > 0); i++) {
      clock.increment(1);
      await flushMicrotasks();
    }
    const stopping = run.stop({ timeout: 10 });
    for (let i = 0; i < 20; i++) {
      clock.increment(1);
      await flushMicrotasks();
    }
    const result = await stopping;
    expect(result.status).toBe('stopped');
    const m = result.nodes.m!;
    // Every message m received went out or is counted discarded: none vanished.
    expect(m.emitted + (m.discarded ?? 0)).toBe(m.received);
    expect(m.discarded).toBeGreaterThan(0);
  });
});
