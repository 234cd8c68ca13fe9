// The pieces of a worker's event forwarding: the per-tick cap of EventBatcher, and RunTap keeping
// only its part's events on an engine that runs other workflows too.
import { describe, expect, it } from 'vitest';
import type { DebugEvent } from '../../src/actors/debug/debug-event.js';
import { EventBatcher, RunTap } from '../../src/cluster/run-tap.js';
import { WorkflowEngine, type WorkflowDefinition } from '../../src/index.js';
import { flaky } from './fixtures/types.js';

const event = (seq: number): DebugEvent => ({ seq, at: seq, type: 'retry', connectionId: 'c', data: { attempt: 1, delay: 1 } });
const meta = { run: 'r', worker: 'w1', incarnation: '1-a' };

describe('EventBatcher', () => {
  it('keeps at most cap events per tick, counts the rest (cumulatively), and says nothing when nothing changed', () => {
    const b = new EventBatcher(3);
    expect(b.take(meta)).toBeUndefined();
    for (let i = 1; i <= 5; i++) b.push(event(i));
    expect(b.take(meta)).toMatchObject({ ...meta, seq: 1, events: [event(1), event(2), event(3)], total: 5, eventsDropped: 2 });
    expect(b.take(meta)).toBeUndefined();
    b.push(event(6));
    expect(b.take(meta)).toMatchObject({ seq: 2, events: [event(6)], total: 6, eventsDropped: 2 });
  });

  it('with cap 0 forwards no event but still reports how many it dropped', () => {
    const b = new EventBatcher(0);
    b.push(event(1));
    expect(b.take(meta)).toMatchObject({ events: [], total: 1, eventsDropped: 1 });
  });
});

describe('RunTap', () => {
  const def = (p: string): WorkflowDefinition => ({
    nodes: [
      { id: `${p}src`, type: 'source.sequential', config: { count: 3 } },
      { id: `${p}map`, type: 'test.flaky', config: { every: 2 } },
      { id: `${p}sink`, type: 'sink.collector' },
    ],
    edges: [
      { source: `${p}src`, sourcePort: 'out', target: `${p}map`, targetPort: 'in', config: { maxBatchSize: 1, retryAttempts: 1, retryDelay: 1 } },
      { source: `${p}map`, sourcePort: 'out', target: `${p}sink`, targetPort: 'in' },
    ],
  });

  it("keeps the events of its part's nodes and connections only, on an engine running another workflow too", async () => {
    const wf = new WorkflowEngine();
    wf.registerNodeType(flaky);
    const seen: Record<string, DebugEvent[]> = { a: [], b: [] };
    const taps = ['a', 'b'].map((p) => new RunTap(wf.getStreamEngine(), [`${p}.src`, `${p}.map`, `${p}.sink`], 50, (e) => seen[p]!.push(e)));
    for (const t of taps) t.start();
    const runs = await Promise.all([wf.executeWorkflow(def('a.')), wf.executeWorkflow(def('b.'))]);
    await Promise.all(runs.map((r) => r.done));
    for (const t of taps) t.stop();
    expect(taps[0]!.active).toBe(false);
    // Each workflow dead-lettered 0 and 2; each tap saw its own two, and nothing of the other.
    runs.forEach((run, i) => {
      const [p, other] = i === 0 ? ['a', 'b.'] : ['b', 'a.'];
      const cid = run.connectionId(`${p}.src:out`);
      expect(seen[p]!.filter((e) => e.type === 'dead.letter').map((e) => e.connectionId)).toEqual([cid, cid]);
      expect(seen[p]!.some((e) => e.type === 'state.transition' && e.data.actorId === `${p}.sink` && e.data.to === 'completed')).toBe(true);
      expect(JSON.stringify(seen[p])).not.toContain(other);
    });
  });
});
