import { afterEach, describe, expect, it, vi } from 'vitest';
import { Warnings, type NodeflowWarning } from '../src/warnings.js';

const unrouted = (port: string): NodeflowWarning => ({ code: 'UNROUTED_EMIT', message: `no route from a:${port}`, nodeId: 'a', port, nearMisses: [] });

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('Warnings', () => {
  it('says each code + subject once, and builds a warning only when it says it', () => {
    const seen: NodeflowWarning[] = [];
    const w = new Warnings((x) => seen.push(x));
    const build = vi.fn(() => unrouted('out'));
    w.warn('UNROUTED_EMIT', 'a:out', build);
    w.warn('UNROUTED_EMIT', 'a:out', build);
    w.warn('PORT_MISMATCH', 'a:out', () => ({ code: 'PORT_MISMATCH', message: 'm', nodeId: 'a', port: 'out', messagePort: 'x' }));
    w.warn('UNROUTED_EMIT', 'a:other', () => unrouted('other'));
    expect(build).toHaveBeenCalledTimes(1);
    expect(seen.map((x) => `${x.code} ${x.message}`)).toEqual(['UNROUTED_EMIT no route from a:out', 'PORT_MISMATCH m', 'UNROUTED_EMIT no route from a:other']);
  });

  it('prints "[nodeflow] " + message with console.warn by default (and with true)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    new Warnings(undefined).warn('UNROUTED_EMIT', 'a:out', () => unrouted('out'));
    new Warnings(true).warn('UNROUTED_EMIT', 'a:out', () => unrouted('out'));
    expect(warn.mock.calls).toEqual([['[nodeflow] no route from a:out'], ['[nodeflow] no route from a:out']]);
  });

  it('false silences it, and so does NODE_ENV=production by default (an explicit option still wins)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const off = new Warnings(false);
    expect(off.enabled).toBe(false);
    off.warn('UNROUTED_EMIT', 'a:out', () => unrouted('out'));
    vi.stubEnv('NODE_ENV', 'production');
    expect(new Warnings(undefined).enabled).toBe(false);
    new Warnings(undefined).warn('UNROUTED_EMIT', 'a:out', () => unrouted('out'));
    expect(warn).not.toHaveBeenCalled();
    expect(new Warnings(true).enabled).toBe(true);
  });

  it('a callback that throws is reported, never thrown at the caller', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const w = new Warnings(() => {
      throw new Error('boom');
    });
    expect(() => w.warn('UNROUTED_EMIT', 'a:out', () => unrouted('out'))).not.toThrow();
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]![0])).toContain('[nodeflow]');
  });

  it('remembers at most 1000 causes, then says nothing more (ids are unbounded, memory is not)', () => {
    let said = 0;
    const w = new Warnings(() => said++);
    for (let i = 0; i < 5000; i++) w.warn('UNKNOWN_STREAM', `id-${i}`, () => ({ code: 'UNKNOWN_STREAM', message: '', streamId: `id-${i}`, nearMisses: [] }));
    expect(said).toBe(1000);
    expect(w.enabled).toBe(false);
  });
});
