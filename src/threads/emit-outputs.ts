import type { OfferResult, StreamMessage } from '../message.js';

/** An output port as a threaded stream-engine node emits on it (an `OutputPort` is one). @internal */
export interface EmitPort {
  emitValid(m: StreamMessage): OfferResult | 'unrouted';
  ready(): Promise<void>;
  readonly backpressured: boolean;
}

/**
 * Emits a frame's output values on `port`, in order: output `i` takes the timestamp of input `i`
 * (or of the last input), so latency is measured end to end. A value refused as `full` waits for
 * the port's room, then goes again, and the rest wait behind it (the returned promise resolves
 * once all went out): so the frame settles, and its input connection's custody is released, only
 * when the outputs were taken, and backpressure travels upstream as for a node in the thread.
 *
 * @example
 * ```ts
 * const waiting = emitOutputs(node.output('out'), 'heavy', 'out', values, batch.messages, () => ++seq);
 * if (waiting) await waiting;
 * ```
 * @internal
 */
export function emitOutputs(port: EmitPort, nodeId: string, name: string, values: readonly unknown[], inputs: readonly StreamMessage[], nextId: () => number, from = 0): Promise<void> | undefined {
  const last = inputs.length - 1;
  for (let i = from; i < values.length; i++) {
    const m = { id: nextId(), timestamp: inputs[i < last ? i : last]!.timestamp, sourceNodeId: nodeId, port: name, data: values[i] } as StreamMessage;
    if (port.emitValid(m) !== 'full') continue;
    // A full port that is not backpressured is closed or closing: waiting would never end.
    if (!port.backpressured) return undefined;
    return port.ready().then(() => retry(port, m, nodeId, name, values, inputs, nextId, i + 1));
  }
  return undefined;
}

function retry(port: EmitPort, m: StreamMessage, nodeId: string, name: string, values: readonly unknown[], inputs: readonly StreamMessage[], nextId: () => number, next: number): Promise<void> | undefined {
  if (port.emitValid(m) === 'full' && port.backpressured) return port.ready().then(() => retry(port, m, nodeId, name, values, inputs, nextId, next));
  return emitOutputs(port, nodeId, name, values, inputs, nextId, next);
}
