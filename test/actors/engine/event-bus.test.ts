import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/actors/engine/event-bus.js';
import type { EngineEvent } from '../../../src/index.js';

const drop: EngineEvent = { type: 'message.dropped', connectionId: 'c', reason: 'overflow', count: 1, at: 0 };
const created: EngineEvent = { type: 'connection.created', connectionId: 'c', at: 0 };

describe('EventBus', () => {
  it('a lifecycle$ follower makes lifecycle events observed, never drops', () => {
    const bus = new EventBus();
    expect(bus.observed('connection.created')).toBe(false);
    const seen: string[] = [];
    const sub = bus.lifecycle$.subscribe((e) => seen.push(e.type));
    expect(bus.observed('connection.created')).toBe(true);
    expect(bus.observed('message.dropped')).toBe(false); // no event is built per drop
    bus.emit(created);
    bus.emit(drop);
    expect(seen).toEqual(['connection.created']);
    sub.unsubscribe();
  });

  it('events$ sees everything; complete() ends every stream', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    let done = 0;
    bus.events$.subscribe({ next: (e) => seen.push(e.type), complete: () => done++ });
    bus.deadLetters$.subscribe({ complete: () => done++ });
    expect(bus.observed('message.dropped')).toBe(true);
    bus.emit(drop);
    bus.complete();
    expect(seen).toEqual(['message.dropped']);
    expect(done).toBe(2);
  });
});
