import { Component, type ReactNode } from 'react';
import { SimulatedClock } from 'xstate';
import { StreamEngine, type StreamMessage } from '../../src/index.js';
import { MemoryLog, record, type Recording } from '../../src/widgets/index.js';

/** An engine on a SimulatedClock (test/support/helpers.ts reads `process`, which a page lacks). */
export function simEngine(): { clock: SimulatedClock; engine: StreamEngine } {
  const clock = new SimulatedClock();
  return { clock, engine: new StreamEngine({}, { clock }) };
}

/** Timers still pending on a SimulatedClock (it keeps them in a private Map). */
export function pendingTimers(clock: SimulatedClock): number {
  return (clock as unknown as { timeouts: Map<unknown, unknown> }).timeouts.size;
}

/** `n` messages numbered from `from` (data = their number, so order is easy to check). */
export function numbered(from: number, n: number, at = 0): StreamMessage[] {
  return Array.from({ length: n }, (_, i) => ({ id: from + i, timestamp: at, sourceNodeId: 'sensor', targetNodeId: 'chart', port: 'out', data: from + i }));
}

/** A log of `n` batches of `size` messages, batch i recorded at 1000 + i * gap. */
export function logOf(n: number, size: number, gap = 100): MemoryLog {
  const log = new MemoryLog();
  for (let i = 0; i < n; i++) log.append({ seq: 1 + i * size, at: 1000 + i * gap, messages: numbered(1 + i * size, size) });
  return log;
}

/**
 * A live chart fed by `sensor:out` (batches of 10), recorded into a MemoryLog; `send(k)` emits
 * the next k numbered messages and flushes, so each lands in the widget (and the log) at once.
 */
export function recordedEngine(engine: StreamEngine): { log: MemoryLog; recording: Recording; send: (k: number) => void; sent: () => number } {
  engine.createWidget('chart', { bufferSize: 1000 });
  const c = engine.getConnection(engine.createConnection('sensor', 'chart', 'out', 'in', { maxBatchSize: 10 }));
  const log = new MemoryLog();
  const recording = record(engine, 'sensor:out', log);
  let n = 0;
  const send = (k: number) => {
    for (let i = 0; i < k; i++) c.offer({ ...numbered(++n, 1, engine.clock.now())[0]! });
    c.flush();
  };
  return { log, recording, send, sent: () => n };
}

/** Live subscribers of a Recording (a private field, read to prove a replay let go). */
export const listenersOf = (r: Recording) => (r as unknown as { listeners: readonly unknown[] }).listeners.length;

/** The private view widgets a replay hook made. */
export const replayViews = (engine: StreamEngine) => engine.listNodes().filter((n) => n.kind === 'widget' && n.id.startsWith('nodeflow.replay.'));

/** Catches a render error and shows its code (and hands it to `onError`). */
export class Boundary extends Component<{ children?: ReactNode; onError?: (e: unknown) => void }, { error: unknown }> {
  override state = { error: undefined as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override componentDidCatch(error: unknown) {
    this.props.onError?.(error);
  }
  override render() {
    const e = this.state.error as { code?: string; field?: string } | undefined;
    return e ? <span data-testid="error">{`${e.code}:${e.field ?? ''}`}</span> : this.props.children;
  }
}
