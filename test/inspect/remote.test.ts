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
});
