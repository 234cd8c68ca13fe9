import type { NodeflowError } from '../../errors.js';
import type { Batch, StreamMessage } from '../../message.js';
import type { StreamEngine } from '../engine/stream-engine.js';
import type { PortSpec } from './definition.js';
import type { RunNode } from './run-node.js';
import { checkPort } from './schema.js';

/**
 * Delivers one batch into node `n`: the port's schema first (invalid messages are counted,
 * dead-lettered and never passed on), then the node's behaviour, then its outbox. A throw or
 * rejection fails the delivery (the connection retries it). The delivery completes only once
 * what the behaviour emitted has gone out, so a full output holds the input: backpressure
 * travels upstream.
 *
 * @example
 * ```ts
 * engine.node(n.id, { process: (batch) => deliverBatch(n, batch, engine, publish), autoStart: false });
 * ```
 * @internal
 */
export function deliverBatch(n: RunNode, batch: Batch, engine: StreamEngine, changed: () => void): void | PromiseLike<void> {
  const port: PortSpec | undefined = n.type.inputs?.[batch.port];
  if (port?.schema) {
    const checked = checkPort(port.schema, batch, `${n.id}.${batch.port}`);
    if (checked instanceof Promise) return checked.then((r) => afterCheck(n, batch, r.valid, r.invalid, engine, changed));
    return afterCheck(n, batch, checked.valid, checked.invalid, engine, changed);
  }
  return run(n, batch);
}

function afterCheck(n: RunNode, batch: Batch, valid: readonly StreamMessage[], invalid: { message: StreamMessage; error: NodeflowError }[], engine: StreamEngine, changed: () => void): void | PromiseLike<void> {
  if (invalid.length > 0) {
    n.rejected += invalid.length;
    n.lastError = invalid[0]!.error.message;
    engine.reportDeadLetter({ connectionId: batch.connectionId, messages: invalid.map((x) => x.message), error: invalid[0]!.error, attempts: 1, at: engine.clock.now() });
    changed();
  }
  if (valid.length === 0) return;
  return run(n, valid.length === batch.messages.length ? batch : { ...batch, messages: valid });
}

function run(n: RunNode, batch: Batch): void | PromiseLike<void> {
  const b = n.behavior;
  const count = batch.messages.length;
  let r: void | PromiseLike<void> = undefined;
  if (b.process) r = b.process(batch);
  else if (b.onMessage) for (const m of batch.messages) b.onMessage(m, batch.port);
  if (r != null && typeof r.then === 'function') {
    return Promise.resolve(r).then(() => {
      n.received += count;
      return n.outbox?.drain();
    });
  }
  n.received += count;
  return n.outbox?.drain();
}
