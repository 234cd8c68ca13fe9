// The coordinator's view of a run's workers, against a fake link: which incarnation holds a
// part, and that the old holder is fenced the moment a replacement takes its part.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClusterLink } from '../../src/cluster/cluster.js';
import { decode, encode, subjects } from '../../src/cluster/protocol.js';
import { RunWorkers, type ClusterEvent } from '../../src/cluster/run-workers.js';
import type { WorkflowSplit } from '../../src/cluster/split.js';

/** A link whose start requests are answered by `answer` (the incarnation that takes the part). */
function fakeLink(answer: () => string) {
  const published: { subject: string; data: unknown }[] = [];
  const link = {
    request: async () => encode({ ok: true, already: false, incarnation: answer() }),
    publish: (subject: string, data: Uint8Array) => void published.push({ subject, data: decode(data) }),
  } as unknown as ClusterLink;
  return { link, published };
}
const split = { parts: [{ worker: 'w1', definition: { nodes: [], edges: [] } }] } as unknown as WorkflowSplit;

describe('RunWorkers', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('a replacement that takes a lost part fences the old holder at once, before any sample of the old one arrives', async () => {
    const { link, published } = fakeLink(() => 'new');
    const events: ClusterEvent['type'][] = [];
    const workers = new RunWorkers(link, 'r1', split, 1000, (e) => events.push(e.type), () => false);
    workers.add('w1', 'old');
    vi.setSystemTime(Date.now() + 1500);
    expect(workers.watch()).toBe(true);
    await vi.waitFor(() => expect(events).toContain('worker.rejoined'));
    expect(published).toEqual([{ subject: subjects.fence('w1'), data: { run: 'r1', incarnation: 'old' } }]);
    expect(events).toEqual(['worker.started', 'worker.lost', 'worker.rejoined']);
  });

  it('the same process answering again (it was only slow) is not fenced', async () => {
    const { link, published } = fakeLink(() => 'same');
    const events: ClusterEvent['type'][] = [];
    const workers = new RunWorkers(link, 'r1', split, 1000, (e) => events.push(e.type), () => false);
    workers.add('w1', 'same');
    vi.setSystemTime(Date.now() + 1500);
    workers.watch();
    await vi.waitFor(() => expect(events).toContain('worker.rejoined'));
    expect(published).toEqual([]);
  });
});
