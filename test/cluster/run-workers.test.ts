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

/** Worker w1 started as `holder`, then silent past lostAfterMs (1000): its part is offered again, and `answer` takes it. */
async function lostAndRetaken(holder: string, answer: string) {
  const { link, published } = fakeLink(() => answer);
  const events: ClusterEvent['type'][] = [];
  const workers = new RunWorkers(link, 'r1', split, 1000, (e) => events.push(e.type), () => false);
  workers.add('w1', holder);
  vi.setSystemTime(Date.now() + 1500);
  const newlyLost = workers.watch();
  await vi.waitFor(() => expect(events).toContain('worker.rejoined'));
  return { published, events, newlyLost };
}

describe('RunWorkers', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('a replacement that takes a lost part fences the old holder at once, before any sample of the old one arrives', async () => {
    const { published, events, newlyLost } = await lostAndRetaken('old', 'new');
    expect(newlyLost).toBe(true);
    expect(published).toEqual([{ subject: subjects.fence('w1'), data: { run: 'r1', incarnation: 'old' } }]);
    expect(events).toEqual(['worker.started', 'worker.lost', 'worker.rejoined']);
  });

  it('the same process answering again (it was only slow) is not fenced', async () => {
    const { published } = await lostAndRetaken('same', 'same');
    expect(published).toEqual([]);
  });
});
