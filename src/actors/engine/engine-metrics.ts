import { Observable } from 'rxjs';
import { MAX_DELAY_MS, isDelay, unrefTimer, type EngineClock } from '../../clock.js';
import { ConfigError } from '../../errors.js';
import type { Connection } from '../connection/connection.js';
import type { ConnectionMetrics } from '../connection/connection-meter.js';
import type { NodeRuntime } from '../targets/node.js';
import { NodeMetricsBuilder, type NodeMetrics } from '../metrics/node-metrics.js';
import { SystemLoad } from '../metrics/system-load.js';
import type { ConnectionStats } from '../types.js';
import type { WidgetRuntime } from '../targets/widget.js';

/**
 * A synchronous snapshot of every connection's counters plus engine totals.
 *
 * @example
 * ```ts
 * const m = engine.getMetrics();
 * console.log(m.totals.delivered, m.connections['a:out->b:in']?.bufferUtilization);
 * ```
 */
export interface EngineMetrics {
  readonly state: string;
  readonly at: number;
  /** Counters plus live figures (latency, rates, time ratios, recoveries) of every connection. */
  readonly connections: Readonly<Record<string, ConnectionStats & { readonly metrics: ConnectionMetrics }>>;
  /** Every node and widget, summed over its connections. */
  readonly nodes: Readonly<Record<string, NodeMetrics>>;
  /**
   * System load over the last closed window (about a second) of metrics$ sampling: event-loop
   * utilization (0..1, where the runtime reports it; since the engine began while nothing
   * samples), event-loop delay (how late the sampling timer fired) and, in a browser, frame
   * time. Delay and frame time are null while no metrics$ subscription runs. Reading has no
   * side effect.
   */
  readonly system: {
    readonly eventLoopUtilization: number | null;
    readonly eventLoopDelay: { readonly meanMs: number; readonly maxMs: number } | null;
    /** In a browser while metrics$ runs: time between animation frames (null in Node). */
    readonly frameTime: { readonly meanMs: number; readonly maxMs: number; readonly frames: number } | null;
  };
  /** Over the live connections, with their summed msg/s in and out (the engine's rates). */
  readonly totals: MetricTotals & { readonly inPerSec: number; readonly outPerSec: number };
  /** Final counters of the connections removed so far (stop() removes them all). */
  readonly retired: MetricTotals & { readonly connections: number };
}

/**
 * Summed counters.
 *
 * @example
 * ```ts
 * const { delivered, dropped } = engine.getMetrics().totals;
 * ```
 */
export interface MetricTotals {
  readonly accepted: number;
  readonly delivered: number;
  readonly dropped: number;
  readonly deadLettered: number;
  readonly inFlight: number;
}

/**
 * What the engine lends its metering: live registries, read when asked.
 *
 * @example
 * ```ts
 * const source: MeteringSource = { clock: () => clock, state: () => 'running', connections: () => [], nodes: () => [], widgets: () => [], retired: () => retired };
 * ```
 * @internal
 */
export interface MeteringSource {
  clock(): EngineClock;
  state(): string;
  connections(): Iterable<Connection>;
  nodes(): Iterable<NodeRuntime>;
  widgets(): Iterable<WidgetRuntime>;
  retired(): MetricTotals & { readonly connections: number };
}

/**
 * The engine's metrics: the synchronous snapshot, and the sampling tickers behind `metrics$`
 * (one timer each, every 250 ms at most, never per message; completed when the engine stops).
 *
 * @example
 * ```ts
 * const metering = new EngineMetering(source);
 * metering.snapshot().totals.delivered;
 * const sub = metering.observe(1000).subscribe((m) => console.log(m.totals.inPerSec));
 * ```
 * @internal
 */
export class EngineMetering {
  private watchers = 0;
  private readonly load = new SystemLoad();
  private readonly tickers = new Set<() => void>();

  constructor(private readonly src: MeteringSource) {}

  /** True while a metrics$ subscription runs (connections then record latency and busy time). */
  get watched(): boolean {
    return this.watchers > 0;
  }

  snapshot(): EngineMetrics {
    const connections: Record<string, ConnectionStats & { metrics: ConnectionMetrics }> = {};
    const nodes = new NodeMetricsBuilder();
    for (const n of this.src.nodes()) nodes.add('node', n.id, n.state, n.unrouted);
    for (const w of this.src.widgets()) nodes.add('widget', w.id, w.state, 0);
    let accepted = 0, delivered = 0, dropped = 0, deadLettered = 0, inFlight = 0, inPerSec = 0, outPerSec = 0;
    for (const c of this.src.connections()) {
      const s = c.stats();
      const m = c.metrics();
      connections[c.id] = { ...s, metrics: m };
      nodes.connection(c.sourceNodeId, c.targetNodeId, s, m);
      inPerSec += m.inPerSec;
      outPerSec += m.outPerSec;
      accepted += s.accepted;
      delivered += s.delivered;
      dropped += s.droppedTotal;
      deadLettered += s.deadLettered;
      inFlight += s.inFlight;
    }
    const totals = { accepted, delivered, dropped, deadLettered, inFlight, inPerSec, outPerSec };
    return { state: this.src.state(), at: this.src.clock().now(), connections, nodes: nodes.build(), system: this.load.snapshot(), totals, retired: { ...this.src.retired() } };
  }

  observe(intervalMs: number): Observable<EngineMetrics> {
    // A zero interval would sample in a tight loop; above MAX_DELAY_MS the timer fires at once.
    if (!isDelay(intervalMs) || intervalMs <= 0) throw new ConfigError('intervalMs', `a number of ms in (0, ${MAX_DELAY_MS}]`, intervalMs);
    return new Observable<EngineMetrics>((sub) => {
      // A stopped engine has nothing to report: no ticker is started only to find that out.
      if (this.src.state() === 'stopped') return sub.complete();
      const clock = this.src.clock();
      this.watchers++;
      this.load.start();
      const done = () => sub.complete();
      this.tickers.add(done);
      for (const c of this.src.connections()) c.refreshHandler();
      const step = Math.min(250, intervalMs);
      let elapsed = 0;
      let timer: unknown;
      let due = clock.now() + step;
      const tick = () => {
        // A stopped engine has nothing left to report: complete, so no timer outlives it.
        if (this.src.state() === 'stopped') return sub.complete();
        const now = clock.now();
        // How late this timer fired is the event loop's delay (works in Node and browsers).
        this.load.tick(now, Math.max(0, now - due));
        due = now + step;
        for (const c of this.src.connections()) c.sampleMetrics(now);
        elapsed += step;
        if (elapsed >= intervalMs) {
          elapsed = 0;
          sub.next(this.snapshot());
        }
        timer = unrefTimer(clock.setTimeout(tick, step));
      };
      timer = unrefTimer(clock.setTimeout(tick, step));
      return () => {
        clock.clearTimeout(timer);
        this.tickers.delete(done);
        this.watchers--;
        this.load.stop();
        for (const c of this.src.connections()) c.refreshHandler();
      };
    });
  }

  /** Completes every running ticker (stop, dispose). */
  completeAll(): void {
    for (const done of [...this.tickers]) done();
  }
}
