// The closing summary, read from the debug export itself: what it prints is what the file
// holds, at the moment the export was taken. Counts after engine.stop() are printed apart,
// labelled as such.
import type { DebugData, EngineMetrics } from '../src/index.js';

type MetricTotals = Omit<EngineMetrics['retired'], 'connections'>;

const secs = (ms: number) => `t=${(ms / 1000).toFixed(1)}s`;

/** `accepted A = delivered + dropped + dead-lettered + in flight`, the invariant of every connection. */
export const totalsLine = (t: MetricTotals) => `accepted ${t.accepted} = delivered ${t.delivered} + dropped ${t.dropped} + dead-lettered ${t.deadLettered} + in flight ${t.inFlight}`;

/** Live connections plus the ones retired before the export. */
export function exportTotals(data: DebugData): MetricTotals {
  const { totals: l, retired: r } = data.metrics;
  return { accepted: l.accepted + r.accepted, delivered: l.delivered + r.delivered, dropped: l.dropped + r.dropped, deadLettered: l.deadLettered + r.deadLettered, inFlight: l.inFlight + r.inFlight };
}

/**
 * The summary of one export; `t0` is the demo's start on the engine clock.
 *
 * @example
 * ```ts
 * console.log(exportSummary(dbg.exportDebugData(), 'debug-export.json', t0).join('\n'));
 * ```
 */
export function exportSummary(data: DebugData, file: string, t0: number): string[] {
  const events = data.history.events;
  const count = (type: string) => events.filter((e) => e.type === type).length;
  const live = data.topology.connections.length;
  return [
    `Debug export ${file}, taken at ${secs(data.exportedAt - t0)} (before the workflow ended, so every connection is in it):`,
    `  connections: ${live} up, ${data.metrics.retired.connections} retired before`,
    `  messages: ${totalsLine(exportTotals(data))}`,
    `  history: ${events.length} events kept of ${data.history.totalEvents} recorded (${data.history.discarded} discarded): ${count('state.transition')} state transitions, ${count('retry')} retries, ${count('circuit.change')} circuit changes, ${count('drop')} drop samples, ${count('alert')} alert changes`,
    `  alerts: ${data.alerts.active.length} firing at that moment, ${data.alerts.recent.length} changes in its log`,
  ];
}
