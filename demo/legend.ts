// The demo's legend, printed once at the start: the columns and their units, the connections
// and what they carry, what the load line measures, and which alerts each phase should raise.
import type { Alert, AlertThresholds } from '../src/index.js';
import type { DemoConnection } from './topology.js';

/** The streaming phases, in order. */
export type Phase = 'steady' | 'overload' | 'faults';

const BURSTS = 'bursts:out->slowSink:in';
const FEED = 'feed:out->flaky:in';

// Rule ids of the built-in alert rules, per phase and connection. Latency thresholds are set
// (see DEMO_ALERTS) so the workflow's connections stay quiet even on a busy machine.
const EXPECTED: Record<Phase, readonly { readonly connection: string; readonly rules: readonly string[] }[]> = {
  steady: [],
  // Queueing behind the slow consumer can also raise its latency (on a busy machine).
  overload: [{ connection: BURSTS, rules: ['drop-rate', 'drop-rate-critical', 'backpressure', 'latency-p95', 'latency-p99'] }],
  faults: [{ connection: FEED, rules: ['error-rate', 'drop-rate', 'drop-rate-critical', 'backpressure', 'stalled', 'latency-p95', 'latency-p99'] }],
};

/**
 * The demo's alert thresholds. Latency: a busy 2-core machine shows p95/p99 up to about 150 ms on
 * the workflow's connections while bursts load the event loop, and seconds on feed→flaky when
 * its backlog drains after the faults; the thresholds sit between. The other rules keep their
 * defaults.
 */
export const DEMO_ALERTS: Partial<AlertThresholds> = { latencyP95Ms: 1000, latencyP99Ms: 2000 };

/**
 * Whether a firing alert is one the phase (or the one before, still settling) should raise.
 *
 * @example
 * ```ts
 * dbg.alerts$.subscribe((a) => a.status === 'firing' && !expectedIn('steady', a) && console.warn('unexpected', a.message));
 * ```
 */
export function expectedIn(phase: Phase, a: Alert): boolean {
  const phases: Phase[] = phase === 'faults' ? ['overload', 'faults'] : phase === 'overload' ? ['steady', 'overload'] : ['steady'];
  return phases.some((p) => EXPECTED[p].some((e) => e.connection === a.connectionId && e.rules.includes(a.ruleId)));
}

/** The alerts a phase should raise, as text. */
export const expectation = (p: Phase) => (EXPECTED[p].length === 0 ? 'none' : EXPECTED[p].map((e) => `${e.rules.join(', ')} on ${e.connection}`).join('; '));

/**
 * The legend's lines.
 *
 * @example
 * ```ts
 * console.log(legendLines(DEMO_CONNECTIONS, dbg.options.alerts).join('\n'));
 * ```
 */
export function legendLines(connections: readonly DemoConnection[], t: Readonly<AlertThresholds>): string[] {
  const width = Math.max(...connections.map((c) => c.id.length));
  return [
    'Legend',
    '  Columns of each frame (one row per connection):',
    '    state      the connection machine: flowing, backpressured, retrying, circuitOpen, halfOpen',
    '    msg/s      delivered per second over the last second',
    '    p50/p95/p99 ms  delivery latency (delivered at - message timestamp) over the last 1-2 s, in ms',
    '    buffer     how full the connection buffer is (10 cells = 100%)',
    '    dropped    messages shed so far (backpressure policy or full buffer)',
    '    retries    delivery attempts retried so far',
    '  Connections and what they carry:',
    ...connections.map((c) => `    ${c.id.padEnd(width)}  ${c.carries}`),
    '  load line: share of the last second the event loop was busy (Node event-loop utilization), split into',
    '    producer   the demo\'s own load generator for bursts and feed: making messages and calling emit()',
    '               (emit runs the engine\'s admission synchronously, so that part is inside it too)',
    '    engine+dbg the rest of the busy time: workflow sources, batching, delivery, node handlers, debugger',
    '               sampling and alerts (busy - producer - GC - dashboard: a remainder, not a probe)',
    '    GC, dashboard  garbage collection (perf_hooks) and drawing these frames',
    '    timer delay    how late the engine\'s metrics timer fired (mean / max)',
    `  Alerts (printed once, when they fire or resolve): p95 latency > ${t.latencyP95Ms} ms warning, p99 > ${t.latencyP99Ms} ms critical,`,
    `    delivery error rate > ${t.errorRate}, drop rate > ${t.dropRate} (critical > ${Math.min(1, t.dropRate * 10)}), backpressured > ${t.backpressureRatio * 100}% of the time for ${t.backpressureForMs} ms, stalled ${t.stalledMs} ms.`,
    '    Expected per phase (a firing alert outside these is marked "not expected"):',
    `    steady:   ${expectation('steady')}`,
    `    overload: ${expectation('overload')}`,
    `    faults:   ${expectation('faults')}`,
    '',
  ];
}
