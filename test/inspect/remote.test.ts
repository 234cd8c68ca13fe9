import { describe, expect, it } from 'vitest';
import { connectionMachine } from '../../src/index.js';
import { trackRemoteActors } from '../../src/inspect/index.js';

describe('trackRemoteActors', () => {
  it('follows snapshots and forgets actors that stopped, so a long-lived viewer stays bounded', () => {
    const tracker = trackRemoteActors({ machines: { connection: connectionMachine } });
    for (let i = 0; i < 100; i++) {
      const sessionId = `x:${i}`;
      tracker.next({ type: '@xstate.actor', sessionId, name: 'connection', snapshot: { value: 'flowing' } } as never);
      tracker.next({ type: '@xstate.snapshot', sessionId, event: { type: 'mailbox.pressure' }, snapshot: { value: 'backpressured', status: 'active' } } as never);
      if (i < 99) tracker.next({ type: '@xstate.snapshot', sessionId, event: { type: 'connection.close' }, snapshot: { value: 'closed', status: 'done' } } as never);
    }
    const live = tracker.actors();
    expect(live.map((a) => a.sessionId)).toEqual(['x:99']);
    expect(live[0]!.value).toBe('backpressured');
    expect(live[0]!.history.map((h) => h.to)).toEqual(['backpressured']);
  });

  it('a snapshot replaces only what changed (nothing: the same record), and history stays bounded', () => {
    const tracker = trackRemoteActors({ machines: { connection: connectionMachine }, historySize: 2 });
    tracker.next({ type: '@xstate.actor', sessionId: 'c', name: 'connection', snapshot: { value: 'flowing' } } as never);
    const step = (value: string, event: string) => tracker.next({ type: '@xstate.snapshot', sessionId: 'c', event: { type: event }, snapshot: { value, status: 'active' } } as never);
    step('backpressured', 'mailbox.pressure');
    const before = tracker.actors()[0]!;
    step('backpressured', 'batch.ready'); // no state change
    const after = tracker.actors()[0]!;
    expect(after).toBe(before); // nothing changed: the same record, so a memoized view skips it
    step('backpressured', 'batch.ready');
    expect(tracker.actors()[0]!.history).toBe(before.history);
    step('flowing', 'mailbox.relief');
    step('backpressured', 'mailbox.pressure');
    expect(tracker.actors()[0]!.history.map((h) => h.to)).toEqual(['flowing', 'backpressured']);
  });
});
