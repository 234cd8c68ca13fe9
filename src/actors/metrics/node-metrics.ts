import type { ConnectionMetrics } from '../connection/connection-meter.js';
import type { ConnectionStats } from '../types.js';

/**
 * Live figures of one node or widget, summed over the connections into and out of it: what it
 * receives and sends per second, failures of deliveries into it, drops on its edges, and the
 * worst p99 latency among its inputs.
 *
 * @example
 * ```ts
 * const n = engine.getMetrics().nodes['transform']!;
 * console.log(n.inPerSec, n.outPerSec, n.errors, n.inputLatencyP99);
 * ```
 */
export interface NodeMetrics {
  readonly kind: 'node' | 'widget';
  readonly state: string;
  /** Messages delivered into it / accepted from it, and the same per second (sliding window). */
  readonly received: number;
  readonly sent: number;
  readonly inPerSec: number;
  readonly outPerSec: number;
  /** Failed deliveries into it (its process threw or rejected) and retries of them. */
  readonly errors: number;
  readonly retries: number;
  readonly deadLettered: number;
  /** Messages dropped on its input and output connections. */
  readonly droppedIn: number;
  readonly droppedOut: number;
  /** Messages it emitted on a port with no connection. */
  readonly unrouted: number;
  /** The worst p99 delivery latency among its input connections (ms; 0 without metering). */
  readonly inputLatencyP99: number;
}

type Row = { -readonly [K in keyof NodeMetrics]: NodeMetrics[K] };

/**
 * Folds connection snapshots into per-node rows: O(connections) per snapshot.
 * @internal
 */
export class NodeMetricsBuilder {
  private readonly rows: Record<string, Row> = {};

  add(kind: 'node' | 'widget', id: string, state: string, unrouted: number): void {
    this.rows[id] = { kind, state, received: 0, sent: 0, inPerSec: 0, outPerSec: 0, errors: 0, retries: 0, deadLettered: 0, droppedIn: 0, droppedOut: 0, unrouted, inputLatencyP99: 0 };
  }

  connection(source: string, target: string, s: ConnectionStats, m: ConnectionMetrics): void {
    const out = this.rows[source];
    if (out) {
      out.sent += s.accepted;
      out.outPerSec += m.inPerSec;
      out.droppedOut += s.droppedTotal;
    }
    const into = this.rows[target];
    if (into) {
      into.received += s.delivered;
      into.inPerSec += m.outPerSec;
      into.errors += s.failedAttempts;
      into.retries += s.retries;
      into.deadLettered += s.deadLettered;
      into.droppedIn += s.droppedTotal;
      into.inputLatencyP99 = Math.max(into.inputLatencyP99, m.latency.p99);
    }
  }

  build(): Record<string, NodeMetrics> {
    return this.rows;
  }
}
