// The producer and the recorder the latency benchmarks share.
import { realClock, type StreamMessage, type WidgetRuntime } from '../src/index.js';

/**
 * Calls `send(i, intendedAt)` for i = 0..total-1 at `rate` msg/s from `start`, each as soon as
 * it is due: it sleeps on a timer while the next send is more than 2 ms away and spins on
 * setImmediate when it is closer. `intendedAt` is start + i/rate, so a producer that falls behind
 * shows up as latency (no coordinated omission). `onTick` runs after each round of sends.
 */
export function pace(rate: number, total: number, start: number, send: (i: number, intendedAt: number) => void, onTick?: () => void): Promise<void> {
  const interval = 1000 / rate;
  let sent = 0;
  return new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((realClock.now() - start) / interval) + 1);
      for (; sent < due; sent++) send(sent, start + sent * interval);
      onTick?.();
      if (sent >= total) return resolve();
      const wait = start + sent * interval - realClock.now();
      if (wait > 2) setTimeout(tick, wait - 1);
      else setImmediate(tick);
    };
    tick();
  });
}

/**
 * Records, for every message the widget receives, its delivery time minus its timestamp, and
 * its id (the producers number messages from 0, so a warm-up can be told apart).
 */
export function recordLatency(widget: WidgetRuntime, capacity: number): { readonly lat: Float64Array; readonly ids: Float64Array; count(): number } {
  const lat = new Float64Array(capacity);
  const ids = new Float64Array(capacity);
  let got = 0;
  widget.data$.subscribe(({ batch }) => {
    const now = realClock.now();
    for (const m of batch.messages as readonly StreamMessage[]) {
      ids[got] = Number(m.id);
      lat[got++] = now - m.timestamp;
    }
  });
  return { lat, ids, count: () => got };
}
