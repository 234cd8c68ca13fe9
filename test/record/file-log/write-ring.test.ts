import { afterEach, describe, expect, it, vi } from 'vitest';
import { RING_SLOTS, WriteRing } from '../../../src/record/file-log/write-ring.js';

// The worker's side played by the test, on this thread: it reads the head, stores a result per
// slot, moves the tail and notifies, as the worker program does (write-worker.ts).
function fakeWorker(ring: WriteRing) {
  const { ctl, slots, slotWidth } = ring.shared();
  const c = new Int32Array(ctl);
  const s = new Float64Array(slots);
  let tail = Atomics.load(c, 1);
  return {
    ctl: c,
    /** Published requests not yet taken (the counters are int32s that wrap). */
    waiting: () => (Atomics.load(c, 0) - tail) | 0,
    /** Completes the oldest request with `result` (0, or -errno); returns its arguments. */
    complete(result = 0): number[] {
      const at = (tail & (RING_SLOTS - 1)) * slotWidth;
      const args = Array.from(s.subarray(at, at + 5));
      s[at + 5] = result;
      tail = (tail + 1) | 0;
      Atomics.store(c, 1, tail);
      Atomics.notify(c, 1);
      return args;
    },
  };
}

const headNotifies = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.filter((call) => call[1] === 0).length;
const settle = () => new Promise((r) => setTimeout(r, 5));

afterEach(() => vi.restoreAllMocks());

describe('write ring', () => {
  it('completes requests in order, a negative result as a rejection', async () => {
    const ring = new WriteRing();
    ring.errorOf = (result) => Object.assign(new Error(`failed ${result}`), { code: 'X' });
    const w = fakeWorker(ring);
    const seen: string[] = [];
    const a = ring.submit(1, 0, 10, 3, 0).then(() => seen.push('a'));
    const b = ring.submit(1, 10, 20, 3, 10).catch((e: Error) => seen.push(`b: ${e.message}`));
    expect(w.waiting()).toBe(2);
    expect(w.complete()).toEqual([1, 0, 10, 3, 0]);
    expect(w.complete(-28)).toEqual([1, 10, 20, 3, 10]);
    await Promise.all([a, b]);
    expect(seen).toEqual(['a', 'b: failed -28']);
  });

  it.each([0, 2 ** 31 - 5])(`holds more than ${RING_SLOTS} requests, publishing each as a slot frees (counters from %i: past 2^31 they wrap)`, async (start) => {
    const ring = new WriteRing(start);
    const w = fakeWorker(ring);
    const done: number[] = [];
    const all = Array.from({ length: RING_SLOTS + 5 }, (_, i) => ring.submit(1, i, 1, 3, i).then(() => done.push(i)));
    expect(w.waiting()).toBe(RING_SLOTS);
    for (let i = 0; i < RING_SLOTS + 5; i++) {
      while (w.waiting() === 0) await settle();
      expect(w.complete()[1]).toBe(i);
    }
    await Promise.all(all);
    expect(done).toEqual(Array.from({ length: RING_SLOTS + 5 }, (_, i) => i));
  });

  it('notifies a sleeping worker, not a polling one, and a polling one when someone waits (hurry)', async () => {
    const ring = new WriteRing();
    const w = fakeWorker(ring);
    const notify = vi.spyOn(Atomics, 'notify');
    // Polling (ctl[2] = 0): the worker sees the head by itself.
    const p1 = ring.submit(1, 0, 1, 3, 0);
    expect(headNotifies(notify)).toBe(0);
    // A flush waits while that request is in the ring: woken now.
    ring.hurry();
    expect(headNotifies(notify)).toBe(1);
    w.complete();
    await p1;
    // The write the flush waits for next is published after: that publish notifies, once.
    ring.hurry();
    expect(headNotifies(notify)).toBe(1);
    const p2 = ring.submit(1, 1, 1, 3, 1);
    expect(headNotifies(notify)).toBe(2);
    w.complete();
    await p2;
    const p3 = ring.submit(1, 2, 1, 3, 2);
    expect(headNotifies(notify), 'no one waits: no notify for a polling worker').toBe(2);
    w.complete();
    await p3;
    // Asleep (ctl[2] = 1): every publish notifies.
    Atomics.store(w.ctl, 2, 1);
    const p4 = ring.submit(1, 3, 1, 3, 3);
    expect(headNotifies(notify)).toBe(3);
    w.complete();
    await p4;
  });
});
