// Every public entry, fed junk: it may return or throw, but only the library's own errors
// (NodeflowError and its subclasses, with a stable code), never a TypeError or RangeError from
// inside, never a hang or an unhandled rejection; and the engine's counters add up after every
// call. `npm run fuzz` runs 10,000 cases per entry (FUZZ_RUNS); npm test runs NUM_RUNS.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import {
  AdaptiveBackpressureHandler,
  DefaultBackpressureHandler,
  GracefulErrorRecovery,
  NodeflowError,
  StreamDebugger,
  StreamEngine,
  WorkflowEngine,
  assertMessage,
  validateStreamConfig,
} from '../src/index.js';
import { NUM_RUNS, conserved } from './support/helpers.js';
import { junk, junkOr, unwrap } from './support/junk.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? NUM_RUNS);

type World = { engine: StreamEngine; clock: SimulatedClock; id: string };

function world(): World {
  const clock = new SimulatedClock();
  const engine = new StreamEngine({}, { clock });
  engine.node('b', { process: () => undefined });
  const id = engine.createConnection('a', 'b', 'out', 'in');
  return { engine, clock, id };
}

/** What a call may end in: a value, or one of the library's errors. Anything else is a bug. */
async function outcome(call: () => unknown): Promise<void> {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    if (!(error instanceof NodeflowError)) throw new Error(`not a library error: ${String((error as Error)?.stack ?? error)}`);
    return;
  }
  if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
    const hang = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('hung for 2 s')), 2000));
    try {
      await Promise.race([result, hang]);
    } catch (error) {
      if (!(error instanceof NodeflowError)) throw new Error(`rejected with a non-library error: ${String((error as Error)?.stack ?? error)}`);
    }
  }
}

const str = fc.constantFrom('a', 'b', 'w', 'out', 'in', 'a:out', 'a:out->b:in');
const message = fc.record(
  { id: fc.integer(), timestamp: fc.constant(0), sourceNodeId: fc.constant('a'), targetNodeId: fc.constant('b'), port: fc.constant('out'), data: junk, priority: junkOr(fc.constantFrom('low', 'normal', 'high', 'critical')), key: junk },
  { requiredKeys: ['id', 'timestamp', 'sourceNodeId', 'targetNodeId', 'port', 'data'] },
);

const ENTRIES: Record<string, (w: World, args: unknown[]) => unknown> = {
  'new StreamEngine(config, options)': (_w, [a, b]) => new StreamEngine(a as never, b as never).dispose(),
  'validateStreamConfig(overrides)': (_w, [a]) => validateStreamConfig(a as never),
  'assertMessage(m, needsTarget)': (_w, [a, b]) => assertMessage(a, b as never),
  'engine.createConnection(...)': (w, [a, b, c, d, e]) => w.engine.createConnection(a as never, b as never, c as never, d as never, e as never),
  'engine.getConnection(id)': (w, [a]) => w.engine.getConnection(a as never),
  'engine.removeConnection(id)': (w, [a]) => w.engine.removeConnection(a as never),
  'engine.node(id, options)': (w, [a, b]) => w.engine.node(a as never, b as never),
  'engine.createWidget(id, options)': (w, [a, b]) => w.engine.createWidget(a as never, b as never),
  'engine.widget(id)': (w, [a]) => w.engine.widget(a as never),
  'engine.removeNode(id) / removeWidget(id)': (w, [a]) => (w.engine.removeNode(a as never), w.engine.removeWidget(a as never)),
  'engine.emit(node, port, message)': (w, [a, b, c]) => w.engine.emit(a as never, b as never, c as never),
  'engine.setBackpressureHandler(h)': (w, [a]) => w.engine.setBackpressureHandler(a as never),
  'engine.setErrorRecovery(r)': (w, [a]) => w.engine.setErrorRecovery(a as never),
  'engine.metrics$(interval)': (w, [a]) => w.engine.metrics$(a as never).subscribe().unsubscribe(),
  'engine.stop(options)': (w, [a]) => w.engine.stop(a as never),
  'connection.offer(message)': (w, [a]) => w.engine.getConnection(w.id).offer(a as never),
  'connection.send(message)': (w, [a]) => w.engine.getConnection(w.id).send(a as never),
  'connection.tune(knobs)': (w, [a]) => w.engine.getConnection(w.id).tune(a as never),
  'new DefaultBackpressureHandler(options)': (_w, [a]) => new DefaultBackpressureHandler(a as never),
  'new AdaptiveBackpressureHandler(options)': (w, [a]) => w.engine.setBackpressureHandler(new AdaptiveBackpressureHandler(a as never)),
  'new GracefulErrorRecovery(options)': (_w, [a]) => new GracefulErrorRecovery(a as never),
  'new StreamDebugger(engine, options)': (w, [a]) => new StreamDebugger(w.engine, a as never).dispose(),
  'debugger.addRule(rule)': (w, [a]) => {
    const dbg = new StreamDebugger(w.engine);
    try {
      dbg.addRule(a as never);
    } finally {
      dbg.dispose();
    }
  },
  'StreamDebugger.importDebugData(input)': (_w, [a]) => StreamDebugger.importDebugData(a),
  'workflowEngine.validate(definition)': (w, [a]) => new WorkflowEngine({ streamEngine: w.engine }).validate(a as never),
  'new WorkflowEngine(options)': (_w, [a]) => new WorkflowEngine(a as never),
  'workflowEngine.executeWorkflow(definition)': async (w, [a]) => {
    const run = await new WorkflowEngine({ streamEngine: w.engine }).executeWorkflow(a as never);
    await run.stop({ timeout: 0 });
  },
  'workflowEngine.registerNodeType(type)': (w, [a]) => new WorkflowEngine({ streamEngine: w.engine }).registerNodeType(a as never),
};

const args = fc.array(fc.oneof(junk, junkOr(str), junkOr(message)), { minLength: 5, maxLength: 5 });

describe('public entries fed junk throw only library errors and keep the counters exact', () => {
  for (const [name, call] of Object.entries(ENTRIES)) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(args, async (a) => {
          const w = world();
          try {
            await outcome(() => call(w, unwrap(a)));
            for (const info of w.engine.listConnections()) expect(conserved(w.engine.getConnection(info.id))).toBe(true);
          } finally {
            w.engine.dispose();
          }
        }),
        { numRuns: RUNS },
      );
    });
  }
});
