import {
  AdaptiveBackpressureHandler,
  type Connection,
  GracefulErrorRecovery,
  StreamDebugger,
  StreamEngine,
  WorkflowEngine,
  type EngineClock,
  type StreamMessage,
  type WorkflowRun,
} from '../../src/index.js';

/**
 * Every kind of operation an engine can leave pending, all at once, so a test can stop (or
 * dispose) the engine and check that nothing of ours is left: used in-process on simulated and
 * real time, and compiled into a child process that must exit by itself (exit-child.ts).
 *
 * The durations are long on purpose: each pending timer would outlive the test by seconds if
 * stop/dispose left it running.
 */
export interface PendingEverything {
  readonly engine: StreamEngine;
  readonly run: WorkflowRun;
  readonly debugger: StreamDebugger;
  /** Writes still held by the engine when it was stopped (they settle at stop). */
  readonly writes: Promise<unknown>[];
  /** What the scenario saw go wrong while setting up (empty when every operation is pending). */
  readonly problems: string[];
  /** The connection states the scenario set up, by role. */
  states(): Record<string, string>;
}

/** How long the scenario's timers would run if nothing ended them: far past any test. */
export const LONG_MS = 60_000;
/** The breaker's reset time: short, so the probe connection half-opens while the test sets up. */
export const RESET_MS = 20;

let seq = 0;
const msg = (clock: EngineClock, source: string): StreamMessage => ({ id: ++seq, timestamp: clock.now(), sourceNodeId: source, targetNodeId: '', port: 'out', data: seq });
const never = () => new Promise<void>(() => {});

/**
 * Builds the scenario on `clock`. `advance(ms)` moves time on (a SimulatedClock's increment,
 * or a real wait): the probe connection needs RESET_MS to half-open. Resolves once every
 * operation is pending.
 */
export async function pendingEverything(clock: EngineClock | undefined, advance: (ms: number) => Promise<void>): Promise<PendingEverything> {
  const wf = new WorkflowEngine({ config: { bufferSize: 4, maxBatchSize: 2, batchTimeout: LONG_MS }, engineOptions: clock ? { clock } : {} });
  const engine = wf.getStreamEngine();
  const c = engine.clock;
  // Breaker options are read live: a short reset time first (the probe connection half-opens),
  // then a long one (the circuit opened next stays open).
  const recovery = (resetTimeout: number) =>
    new GracefulErrorRecovery({
      retryAttempts: 5,
      retryDelay: LONG_MS,
      maxRetryDelay: LONG_MS,
      deliveryTimeout: LONG_MS,
      circuitBreaker: { consecutiveFailures: 100, minimumThroughput: 100, windowSize: 100, resetTimeout, maxResetTimeout: LONG_MS, halfOpenTimeout: LONG_MS },
    });
  engine.setErrorRecovery(recovery(RESET_MS));
  const problems: string[] = [];
  const writes: Promise<unknown>[] = [];
  // Offers until the buffer (the batch out included) refuses.
  const fill = (connection: { offer(m: StreamMessage): string }, from: string) => {
    for (let i = 0; i < 100 && connection.offer(msg(c, from)) !== 'full'; i++);
  };
  const conn = (from: string, to: string, process?: () => void | Promise<void>) => {
    engine.node(to, process ? { process } : {});
    return engine.getConnection(engine.createConnection(from, to, 'out', 'in'));
  };

  // A write queued before the buffer fills reaches it full and waits for room; behind it the
  // pressure token holds the writer's `ready`, and a second write waits behind both.
  const holdWriter = (connection: Connection, from: string) => {
    const w = connection.writer;
    for (let i = 0; i < 2; i++) writes.push(w.write(msg(c, from)).catch((e: unknown) => e));
    fill(connection, from);
  };

  // A delivery in flight that never settles (its deliveryTimeout runs), with the buffer behind
  // it full: writers are held on it with no handler, so without maxWaitTime.
  const inFlight = conn('w1', 'slow1', never);
  holdWriter(inFlight, 'w1');

  // A batch backing off for a retry (the machine's retryDelay timer).
  const retrying = conn('r', 'failing', () => {
    throw new Error('down');
  });
  retrying.offer(msg(c, 'r'));
  retrying.offer(msg(c, 'r'));

  // A partial batch waiting for its deadline (batchTimeout).
  const partial = conn('p', 'ok', () => {});
  partial.offer(msg(c, 'p'));

  // A half-open probe that never settles (the machine's halfOpenTimeout runs), and an idle
  // connection whose circuit was opened by hand: it would cycle circuitOpen → halfOpen on the
  // machine's timers for as long as the engine lives.
  const probing = conn('h', 'probe', never);
  probing.offer(msg(c, 'h'));
  probing.openCircuit();
  await advance(RESET_MS + 5);
  engine.setErrorRecovery(recovery(LONG_MS));
  const idleOpen = conn('o', 'open', () => {});
  idleOpen.openCircuit();

  // The adaptive handler (its adjustment loop and load probe) with a maxWaitTime: a writer held
  // from now on waits with a timer.
  engine.setBackpressureHandler(new AdaptiveBackpressureHandler({ maxWaitTime: LONG_MS, dropThreshold: 1, adjustmentInterval: 50 }));
  const held = conn('w2', 'slow2', never);
  holdWriter(held, 'w2');

  // A running workflow with a rate-limited source (its tick timer) into a collector.
  const run = await wf.executeWorkflow({
    nodes: [
      { id: 'src', type: 'source.sequential', config: { rate: 10 } },
      { id: 'sink', type: 'sink.collector' },
    ],
    edges: [{ source: 'src', sourcePort: 'out', target: 'sink', targetPort: 'in' }],
  });

  // Observers: a metrics$ ticker, a recording debugger and an alert subscription.
  engine.metrics$(50).subscribe();
  const dbg = new StreamDebugger(engine, { sampleIntervalMs: 50 });
  dbg.startRecording();
  dbg.alerts$.subscribe();

  await advance(1);
  const roles = { inFlight, retrying, partial, idleOpen, probing, held };
  const states = () => Object.fromEntries(Object.entries(roles).map(([k, v]) => [k, v.currentState]));
  const want: Record<string, string[]> = { inFlight: ['backpressured'], retrying: ['retrying'], partial: ['flowing'], idleOpen: ['circuitOpen'], probing: ['halfOpen'], held: ['backpressured'] };
  for (const [k, s] of Object.entries(states())) if (!want[k]!.includes(s)) problems.push(`${k} is ${s}, expected ${want[k]!.join('/')}`);
  if (run.status().state !== 'running') problems.push(`run is ${run.status().state}`);
  for (const h of [inFlight, held]) {
    if (h.stats().inFlight !== 4) problems.push(`${h.id} is not full`);
    if ((h as unknown as { streams: { waiting: number } }).streams.waiting !== 1) problems.push(`${h.id} has no writer waiting for room`);
  }
  return { engine, run, debugger: dbg, writes, problems, states };
}
