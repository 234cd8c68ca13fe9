import fc from 'fast-check';
import { SimulatedClock } from 'xstate';
import { StreamEngine, type StreamConfig, type StreamMessage } from '../../src/index.js';

/** Runs per property: at least 200, more with NUMRUNS=2000 (npm run test:props). */
export const NUM_RUNS = Math.max(200, Number(process.env.NUMRUNS ?? 200));

/** fast-check parameters shared by every property: the seed and path are printed on failure. */
export const propParams: fc.Parameters<unknown> = { numRuns: NUM_RUNS, verbose: 1 };

/** An engine on simulated time. */
export function simEngine(config: Partial<StreamConfig> = {}, options: { metrics?: boolean } = {}) {
  const clock = new SimulatedClock();
  const engine = new StreamEngine(config, { clock, ...options });
  return { clock, engine };
}

/** Timers still pending on a SimulatedClock (it keeps them in a private Map). */
export function pendingTimers(clock: SimulatedClock): number {
  return (clock as unknown as { timeouts: Map<unknown, unknown> }).timeouts.size;
}

let seq = 0;
/** A valid message from `source` on `port`, stamped with the clock's time. */
export function msg(clock: { now(): number }, source = 's', target = 't', port = 'out', data: unknown = ++seq): StreamMessage {
  return { id: ++seq, timestamp: clock.now(), sourceNodeId: source, targetNodeId: target, port, data };
}

/** The conservation law of a connection's counters: accepted = delivered + dropped + dead-lettered + in flight. */
export function conserved(c: { stats(): { accepted: number; delivered: number; droppedTotal: number; deadLettered: number; inFlight: number } }): boolean {
  const s = c.stats();
  return s.accepted === s.delivered + s.droppedTotal + s.deadLettered + s.inFlight;
}
