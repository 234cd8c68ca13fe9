import { describe, expect, it } from 'vitest';
import { NodeflowError, assertMessage } from '../src/index.js';

const ok = { id: 'm1', timestamp: 1, sourceNodeId: 'a', targetNodeId: 'b', port: 'out', data: null };

describe('assertMessage', () => {
  it('accepts a complete message (data may be null; priority and key optional)', () => {
    expect(() => assertMessage(ok, true)).not.toThrow();
    expect(() => assertMessage({ ...ok, id: 7, priority: 'critical', key: 'k' }, true)).not.toThrow();
  });

  it.each([
    ['a non-object', 42, 'message'],
    ['null', null, 'message'],
    ['an array', [], 'message'],
    ['no id', { ...ok, id: undefined }, 'id'],
    ['a NaN id', { ...ok, id: Number.NaN }, 'id'],
    ['an infinite id', { ...ok, id: -Infinity }, 'id'],
    ['a NaN timestamp', { ...ok, timestamp: Number.NaN }, 'timestamp'],
    ['no sourceNodeId', { ...ok, sourceNodeId: 3 }, 'sourceNodeId'],
    ['no targetNodeId', { ...ok, targetNodeId: undefined }, 'targetNodeId'],
    ['no port', { ...ok, port: undefined }, 'port'],
    ['no data', (({ data: _d, ...rest }) => rest)(ok), 'data'],
    ['an unknown priority', { ...ok, priority: 'urgent' }, 'priority'],
    ['a null key', { ...ok, key: null }, 'key'],
    ['an object key', { ...ok, key: { a: 1 } }, 'key'],
    ['a NaN key', { ...ok, key: Number.NaN }, 'key'],
  ])('rejects %s with INVALID_MESSAGE naming the field', (_what, value, field) => {
    let err: unknown;
    try {
      assertMessage(value, true);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NodeflowError);
    expect((err as NodeflowError).code).toBe('INVALID_MESSAGE');
    expect((err as NodeflowError).details.field).toBe(field);
    expect((err as Error).message).toContain(field);
  });

  it('does not require targetNodeId for port emissions (one object fans out to many targets)', () => {
    const { targetNodeId: _t, ...rest } = ok;
    expect(() => assertMessage(rest, false)).not.toThrow();
  });

  it('a getter that answers differently the second time is INVALID_MESSAGE naming the message, not a field that is fine', () => {
    let reads = 0;
    const fickle = Object.defineProperty({ ...ok }, 'id', { get: () => (reads++ === 0 ? Number.NaN : 'm1'), enumerable: true });
    expect(() => assertMessage(fickle, true)).toThrow(expect.objectContaining({ code: 'INVALID_MESSAGE', details: { field: 'message' } }));
  });

  it('a message whose fields cannot be read is INVALID_MESSAGE, not the getter\'s own error', () => {
    const hostile = [
      Object.defineProperty({ ...ok }, 'timestamp', { get: () => { throw new RangeError('boom'); } }),
      (() => { const { proxy, revoke } = Proxy.revocable({ ...ok }, {}); revoke(); return proxy; })(),
    ];
    for (const m of hostile) {
      let err: unknown;
      try {
        assertMessage(m, true);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NodeflowError);
      expect((err as NodeflowError).code).toBe('INVALID_MESSAGE');
    }
  });
});
