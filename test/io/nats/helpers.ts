import { connect, type NatsConnection } from '@nats-io/transport-node';
import { WorkflowEngine, type EngineEvent, type WorkflowRun } from '../../../src/index.js';
import { registerIoNodeTypes } from '../../../src/io/index.js';

/** Waits until `check()` is truthy (every 20 ms, up to `ms`), else throws with `what`. */
export { until } from '../../support/until.js';

/** A raw nats.js connection, as the outside world (publisher or subscriber). */
export const raw = (url: string): Promise<NatsConnection> => connect({ servers: url, noAsyncTraces: true, maxReconnectAttempts: -1, reconnectTimeWait: 100 });

/**
 * A real-time WorkflowEngine with the I/O node types and `test.keep`: a sink that keeps every
 * data value, optionally holding each batch until `release()` (a sink the test can stall).
 */
export function ioWorkflow() {
  const wf = new WorkflowEngine();
  registerIoNodeTypes(wf);
  const kept = new Map<string, unknown[]>();
  let stalled = false;
  const waiting: Array<() => void> = [];
  wf.registerNodeType({
    type: 'test.keep',
    kind: 'sink',
    inputs: { in: { type: 'any' } },
    create: (ctx) => {
      const values: unknown[] = [];
      kept.set(ctx.nodeId, values);
      return {
        process: (b) => {
          for (const m of b.messages) values.push(m.data);
          if (stalled) return new Promise<void>((r) => waiting.push(r));
        },
      };
    },
  });
  const events: EngineEvent[] = [];
  wf.getStreamEngine().events$.subscribe((e) => events.push(e));
  return {
    wf,
    events,
    kept: (id: string) => kept.get(id) ?? [],
    stall: () => void (stalled = true),
    release: () => {
      stalled = false;
      for (const r of waiting.splice(0)) r();
    },
    io: (run: WorkflowRun, id: string) => run.status().nodes[id]?.io,
    states: (id: string) => events.flatMap((e) => (e.type === 'io.state' && e.nodeId === id ? [e.state] : [])),
    errors: (id: string) => events.flatMap((e) => (e.type === 'io.error' && e.nodeId === id ? [e.code] : [])),
  };
}

/** A source -> sink edge. */
export const edge = (source: string, target: string, config: Record<string, unknown> = {}, sourcePort = 'out') => ({ source, sourcePort, target, targetPort: 'in', config });

/** Registers `test.emit`: a source that emits `config.values` at start, then completes. */
export function registerEmitter(wf: { registerNodeType: WorkflowEngine['registerNodeType'] }): void {
  wf.registerNodeType({
    type: 'test.emit',
    kind: 'source',
    outputs: { out: { type: 'any' } },
    create: (ctx) => ({
      start: () => {
        const out = ctx.output('out');
        for (const v of ctx.config.values as unknown[]) out(v);
        ctx.complete();
      },
    }),
  });
}
