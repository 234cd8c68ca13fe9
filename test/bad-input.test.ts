// Every duration option of every public constructor and method, at the edge of what a timer can
// honour: 2^31 - 1 ms is accepted, 2^31 ms is a ConfigError naming the field with the bound in
// `allowed` (Node fires a longer timer after 1 ms, so the option would mean its opposite).
// Sizes likewise: past their bound a ConfigError, never a RangeError or a huge allocation; and
// a refused call leaves nothing behind.
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import {
  AdaptiveBackpressureHandler,
  ConfigError,
  DEFAULT_ADAPTIVE_LAW,
  DEFAULT_BREAKER,
  DefaultBackpressureHandler,
  GracefulErrorRecovery,
  NodeflowError,
  StreamDebugger,
  StreamEngine,
  WorkflowEngine,
} from '../src/index.js';

const MAX = 2 ** 31 - 1;

function engine(): StreamEngine {
  return new StreamEngine({}, { clock: new SimulatedClock() });
}

function refused(fn: () => unknown, field: string, bound = '2147483647'): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, field).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).field).toBe(field);
  expect((error as ConfigError).allowed).toContain(bound);
}

/** Each family: a call taking a duration, and the field its ConfigError names. */
const DURATIONS: Record<string, readonly [field: string, call: (ms: number) => unknown]> = {
  'GracefulErrorRecovery retryDelay': ['retryDelay', (ms) => new GracefulErrorRecovery({ retryDelay: ms, maxRetryDelay: MAX })],
  'GracefulErrorRecovery maxRetryDelay': ['maxRetryDelay', (ms) => new GracefulErrorRecovery({ maxRetryDelay: ms })],
  'GracefulErrorRecovery deliveryTimeout': ['deliveryTimeout', (ms) => new GracefulErrorRecovery({ deliveryTimeout: ms })],
  'breaker resetTimeout': ['circuitBreaker.resetTimeout', (ms) => new GracefulErrorRecovery({ circuitBreaker: { resetTimeout: ms, maxResetTimeout: MAX } })],
  'breaker maxResetTimeout': ['circuitBreaker.maxResetTimeout', (ms) => new GracefulErrorRecovery({ circuitBreaker: { maxResetTimeout: ms } })],
  'breaker halfOpenTimeout': ['circuitBreaker.halfOpenTimeout', (ms) => new GracefulErrorRecovery({ circuitBreaker: { halfOpenTimeout: ms } })],
  'custom recovery deliveryTimeout': [
    'errorRecovery.deliveryTimeout',
    (ms) => engine().setErrorRecovery({ retryAttempts: 1, retryDelayFor: () => 0, isRetryable: () => true, deliveryTimeout: ms, breaker: DEFAULT_BREAKER }),
  ],
  'DefaultBackpressureHandler maxWaitTime': ['maxWaitTime', (ms) => new DefaultBackpressureHandler({ maxWaitTime: ms })],
  'AdaptiveBackpressureHandler maxWaitTime': ['maxWaitTime', (ms) => new AdaptiveBackpressureHandler({ maxWaitTime: ms })],
  'AdaptiveBackpressureHandler adjustmentInterval': ['adjustmentInterval', (ms) => new AdaptiveBackpressureHandler({ adjustmentInterval: ms })],
  'adaptive law batchTimeout': ['law.batchTimeout', (ms) => new AdaptiveBackpressureHandler({ law: { ...DEFAULT_ADAPTIVE_LAW, batchTimeout: { min: 2, max: ms } } })],
  'adaptive law loopDelayHighMs': ['law.loopDelayHighMs', (ms) => new AdaptiveBackpressureHandler({ law: { ...DEFAULT_ADAPTIVE_LAW, loopDelayHighMs: ms } })],
  'connection.tune batchTimeout': [
    'batchTimeout',
    (ms) => {
      const e = engine();
      return e.getConnection(e.createConnection('a', 'b', 'out', 'in')).tune({ batchTimeout: ms });
    },
  ],
  'engine.stop timeout': ['timeout', (ms) => void engine().stop({ timeout: ms })],
  'engine.metrics$ interval': ['intervalMs', (ms) => engine().metrics$(ms)],
  'StreamDebugger sampleIntervalMs': ['sampleIntervalMs', (ms) => new StreamDebugger(engine(), { sampleIntervalMs: ms }).dispose()],
};

describe('every duration option is at most 2^31 - 1 ms', () => {
  for (const [name, [field, call]] of Object.entries(DURATIONS)) {
    it(name, () => {
      expect(() => call(MAX)).not.toThrow();
      refused(() => call(2 ** 31), field);
      refused(() => call(Infinity), field);
    });
  }

  it('workflow timers: throttle interval and source rate', () => {
    const wf = new WorkflowEngine({ streamEngine: engine() });
    const def = (config: Record<string, unknown>, type: string) => ({
      nodes: [{ id: 'src', type: 'source.sequential', config: type === 'source.sequential' ? config : {} }, { id: 't', type: 'transform.throttle', config: type === 'transform.throttle' ? config : { interval: 10 } }, { id: 'out', type: 'sink.collector' }],
      edges: [{ source: 'src', sourcePort: 'out', target: 't', targetPort: 'in' }, { source: 't', sourcePort: 'out', target: 'out', targetPort: 'in' }],
    });
    expect(wf.validate(def({ interval: MAX }, 'transform.throttle'))).toEqual([]);
    expect(wf.validate(def({ interval: 2 ** 31 }, 'transform.throttle')).map((p) => p.message).join()).toContain('2147483647');
    expect(wf.validate(def({ rate: 1000 / MAX }, 'source.sequential'))).toEqual([]);
    expect(wf.validate(def({ rate: 1e-9 }, 'source.sequential'))).toHaveLength(1);
  });
});

describe('every size is bounded', () => {
  it('widget bufferSize, breaker window, debugger history', () => {
    refused(() => engine().createWidget('w', { bufferSize: 2 ** 24 + 1 }), 'bufferSize', String(2 ** 24));
    refused(() => new GracefulErrorRecovery({ circuitBreaker: { windowSize: 2 ** 32 } }), 'circuitBreaker.windowSize', '100000');
    refused(() => new StreamDebugger(engine(), { historySize: 2 ** 32 }), 'historySize', '10000000');
  });

  it('a refused option leaves nothing behind', () => {
    const e = engine();
    expect(() => e.node('n', { process: 1 as never })).toThrow(ConfigError);
    expect(e.findNode('n')).toBeUndefined();
    expect(() => e.createWidget('w', { bufferSize: 0 })).toThrow(ConfigError);
    expect(e.findWidget('w')).toBeUndefined();
  });

  it("a handler whose bind() throws is not installed: the previous one stays in force", () => {
    const e = engine();
    const id = e.createConnection('a', 'b', 'out', 'in');
    e.setBackpressureHandler(new DefaultBackpressureHandler({ dropThreshold: 0.5 }));
    const broken = { dropThreshold: 0.9, maxWaitTime: 10, priorityDrop: true, bind: () => { throw new Error('hostile bind'); } };
    let error: unknown;
    try {
      e.setBackpressureHandler(broken);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(NodeflowError);
    expect((error as NodeflowError).code).toBe('INVALID_ARGUMENT');
    expect(e.getConnection(id).knobs().dropThreshold).toBe(0.5);
  });
});
