import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { encodeValues } from '../../src/threads/codec.js';
import { ThreadPool } from '../../src/threads/pool.js';
import { fakeWorkers, type JobFate } from './fake-workers.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('ThreadPool gate fuzz (random pool size, caps, crashes, hangs, a release mid-run, gates that withdraw and resubmit): every gated job is answered once or withdrawn, none stuck', () => {
  for (let seed = 1; seed <= 300; seed++) {
    it(`seed ${seed}`, async () => {
      const r = rng(seed);
      const fates: JobFate[] = [];
      for (let i = 0; i < 7; i++) {
        const x = r();
        fates.push(x < 0.5 ? { kind: 'ok', ms: 1 + Math.floor(r() * 5) } : x < 0.75 ? { kind: 'fail', ms: 1 + Math.floor(r() * 3) } : x < 0.9 ? { kind: 'crash', ms: 1 + Math.floor(r() * 3) } : { kind: 'hang' });
      }
      const clock = new SimulatedClock();
      const workers = fakeWorkers(clock, fates, r() < 0.3 ? 3 : 0);
      const pool = new ThreadPool(workers.spawn, { clock, size: 1 + Math.floor(r() * 3), perWorker: 1 + Math.floor(r() * 3), maxCrashes: 2 });
      const fns = [pool.acquire({ kind: 'source', source: '(v) => v' }), pool.acquire({ kind: 'source', source: '(v) => v' })];
      const released = new Set<number>();
      // id -> state: 'out' (submitted), 'done', 'withdrawn', 'gone' (its fn released)
      const state = new Map<number, string>();
      const fnOf = new Map<number, number>();
      let next = 0;
      const submit = (fn: number, gated: boolean) => {
        if (released.has(fn)) return;
        const id = next++;
        state.set(id, 'out');
        fnOf.set(id, fn);
        const done = () => {
          expect(['out', 'gone?']).toContain(state.get(id));
          state.set(id, 'done');
        };
        const gate = gated
          ? () => {
              expect(state.get(id)).toBe('out');
              if (r() < 0.5) return true;
              state.set(id, 'withdrawn');
              // as the carrier: wait, then try again
              clock.setTimeout(() => submit(fn, true), 1 + Math.floor(r() * 5));
              return false;
            }
          : undefined;
        pool.run(fn, 'in', () => encodeValues([id]), 40, done, gate);
      };
      for (let step = 0; step < 200; step++) {
        const x = r();
        if (x < 0.3) submit(fns[Math.floor(r() * 2)]!, r() < 0.4);
        if (step === 120 && r() < 0.5) {
          released.add(fns[1]!);
          void pool.release(fns[1]!);
          for (const [id, s] of state) if (s === 'out' && fnOf.get(id) === fns[1]) state.set(id, 'gone?');
        }
        await Promise.resolve();
        clock.increment(1);
      }
      // let everything drain (gates start returning true eventually since r() < 0.5 is random)
      for (let i = 0; i < 3000; i++) {
        await Promise.resolve();
        clock.increment(1);
      }
      await Promise.resolve();
      const out = [...state].filter(([, s]) => s === 'out');
      expect(out, `stuck: ${JSON.stringify(out)} stats ${JSON.stringify(pool.stats())}`).toEqual([]);
      expect(pool.stats()).toMatchObject({ queued: 0, running: 0 });
    });
  }
});
