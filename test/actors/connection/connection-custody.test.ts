// The breaker at a custody end (src/actors/connection/connection-custody.ts; docs/semantics.md,
// "Breaker at a custody end"): the far end's outcomes decide, the hand-over decides nothing.
import { describe, expect, it } from 'vitest';
import { GracefulErrorRecovery, type Connection } from '../../../src/index.js';
import { conserved, msg, simEngine } from '../../support/helpers.js';

/** s -> t where t keeps custody of every batch (as a thread node or an outlet does). */
function custodyEnd() {
  const { clock, engine } = simEngine({ maxBatchSize: 1, batchTimeout: 1 });
  engine.setErrorRecovery(new GracefulErrorRecovery({ circuitBreaker: { consecutiveFailures: 2, resetTimeout: 100, maxResetTimeout: 100, halfOpenTimeout: 50 } }));
  let c: Connection | undefined;
  engine.node('t', { process: () => c!.keepCustody() });
  c = engine.getConnection(engine.createConnection('s', 't', 'out', 'in'));
  const states: string[] = [];
  engine.events$.subscribe((e) => e.type === 'connection.state' && states.push(e.to));
  return { clock, engine, c, states };
}

describe('the breaker of a connection whose target keeps custody', () => {
  it('far-end failures open it; a probe is decided by its frame, not its hand-over; halfOpenTimeout still re-opens', () => {
    const { clock, engine, c, states } = custodyEnd();
    c.offer(msg(clock));
    clock.increment(1);
    expect(c.custodyHeld).toBe(1);
    expect(c.stats().breaker.consecutiveFailures).toBe(0); // the hand-over is no outcome
    c.custodyAttemptFailed(1, new Error('down'), 5);
    c.custodyAttemptFailed(2, new Error('down'), undefined);
    expect(c.currentState).toBe('circuitOpen');
    c.releaseCustody(1, 1);
    // While open nothing is handed over: the message waits in the mailbox.
    c.offer(msg(clock));
    clock.increment(50);
    expect(c.custodyHeld).toBe(0);
    expect(c.stats().inFlight).toBe(1);
    clock.increment(50);
    expect(c.currentState).toBe('halfOpen');
    expect(c.custodyHeld).toBe(1); // the probe went out, and decided nothing yet
    clock.increment(50); // halfOpenTimeout, no verdict: open again
    expect(c.currentState).toBe('circuitOpen');
    c.releaseCustody(1, 0); // that probe's frame settles late: a success, no close
    expect(c.currentState).toBe('circuitOpen');
    // Next round: the probe fails at the far end, the circuit re-opens.
    c.offer(msg(clock));
    clock.increment(100);
    expect(c.currentState).toBe('halfOpen');
    c.custodyAttemptFailed(1, new Error('down'), 5);
    expect(c.currentState).toBe('circuitOpen');
    // Next round: an older frame settling is not the probe's verdict; the probe's own is.
    c.offer(msg(clock));
    clock.increment(100);
    expect(c.currentState).toBe('halfOpen');
    expect(c.custodyHeld).toBe(2);
    c.releaseCustody(1, 0);
    expect(c.currentState).toBe('halfOpen');
    c.releaseCustody(1, 0);
    expect(c.currentState).toBe('flowing');
    expect(states).toEqual(['circuitOpen', 'halfOpen', 'circuitOpen', 'halfOpen', 'circuitOpen', 'halfOpen', 'flowing']);
    expect(conserved(c)).toBe(true);
    expect(c.stats()).toMatchObject({ accepted: 4, delivered: 3, deadLettered: 1, inFlight: 0 });
    engine.dispose();
  });
});
