import { DefaultBackpressureHandler, LatencyHistogram, StreamEngine, realClock } from '../src/index.js';
import { slowRig, watchHeap } from './lib.js';

export interface OverloadResult {
  durationMs: number;
  offeredRate: number;
  consumerCostUs: number;
  sent: number;
  accepted: number;
  refused: number;
  delivered: number;
  dropped: Record<string, number>;
  droppedTotal: number;
  inFlightAtEnd: number;
  /** dropped === sent − delivered − inFlight (every offer was accepted, nothing dead-lettered). */
  dropIdentityHolds: boolean;
  maxHeapMB: number;
  startHeapMB: number;
  latency: { count: number; mean: number; p50: number; p95: number; p99: number; max: number };
}


/**
 * Overload: a producer offering `rate` msg/s (by intended send time) into a consumer that
 * costs `costUs` per message, for `durationMs`. The consumer runs in its own event-loop turns
 * (setImmediate), as an I/O-bound or worker-backed consumer would, so the producer keeps its
 * schedule and the connection's DefaultBackpressureHandler has to shed.
 */
export async function overload(durationMs: number, rate = 1_000_000, costUs = 10, onProgress?: (s: string) => void): Promise<OverloadResult> {
  const engine = new StreamEngine();
  engine.setBackpressureHandler(new DefaultBackpressureHandler());
  const latency = new LatencyHistogram();
  const { conn, out } = slowRig(engine, costUs, (batch) => {
    const now = realClock.now();
    for (const m of batch.messages) latency.record(now - m.timestamp);
  });
  const heap = watchHeap();
  const start = realClock.now() + 5;
  const interval = 1000 / rate;
  const total = Math.round((rate * durationMs) / 1000);
  let sent = 0;
  let refused = 0;
  let nextReport = start + 5000;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = realClock.now();
      const due = Math.min(total, Math.floor((now - start) / interval) + 1);
      while (sent < due) {
        if (out.emit({ id: sent, timestamp: start + sent * interval, sourceNodeId: 'fast', port: 'out', data: sent & 7 }) === 'full') refused++;
        sent++;
      }
      if (now >= nextReport) {
        const s = conn.stats();
        onProgress?.(`overload t=${((now - start) / 1000).toFixed(0)}s sent ${sent} delivered ${s.delivered} dropped ${s.droppedTotal} heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(1)} MB`);
        nextReport += 5000;
      }
      if (sent >= total) return resolve();
      setImmediate(tick);
    };
    tick();
  });
  const s = conn.stats();
  const maxHeapMB = heap.stop();
  engine.dispose();
  return {
    durationMs,
    offeredRate: rate,
    consumerCostUs: costUs,
    sent,
    accepted: s.accepted,
    refused,
    delivered: s.delivered,
    dropped: s.dropped,
    droppedTotal: s.droppedTotal,
    inFlightAtEnd: s.inFlight,
    dropIdentityHolds: s.droppedTotal === sent - s.delivered - s.inFlight && s.deadLettered === 0,
    maxHeapMB,
    startHeapMB: heap.startMB,
    latency: { count: latency.count, mean: latency.mean, p50: latency.percentile(50), p95: latency.percentile(95), p99: latency.percentile(99), max: latency.max },
  };
}
