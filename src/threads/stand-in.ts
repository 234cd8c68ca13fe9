import type { Batch, StreamMessage } from '../message.js';
import type { CustodyEnd } from '../actors/connection/transport-hooks.js';
import type { NodeBehavior, NodeContext } from '../actors/workflow/node-types.js';
import { OutletEnd, type OutletReadout } from '../transport/outlet-end.js';
import { ThreadCarrier, type JobRunner, type ThreadDelivery } from './thread-carrier.js';
import type { LoadSpec } from './protocol.js';

/**
 * The main-thread stand-in of a node that runs on a worker: the transport's producer end (an
 * `OutletEnd`: one frame per delivered batch, its messages in the input connection's custody, so
 * in its occupancy, until the frame settles; at `maxFrames` outstanding the delivery waits) over
 * a {@link ThreadCarrier}. Outputs are emitted through `emit` (per port; a promise while some wait
for room) before the frame settles.
 *
 * @example
 * ```ts
 * const b = threadBehavior(ctx, pool, spec, 'ordered', (port, values, inputs) => emitOutputs(node.output(port), ctx.nodeId, port, values, inputs, () => ++seq));
 * ```
 * @internal
 */
export function threadBehavior(ctx: NodeContext, pool: JobRunner, spec: LoadSpec, delivery: ThreadDelivery, emit: (port: string, values: readonly unknown[], inputs: readonly StreamMessage[]) => void | Promise<void>, maxFrames?: number): Required<Pick<NodeBehavior, 'start' | 'process' | 'complete' | 'stop'>> & { readout(): OutletReadout } {
  const ports = new WeakMap<readonly StreamMessage[], { port: string; input: CustodyEnd | undefined }>();
  const carrier = new ThreadCarrier(pool, spec, delivery, {
    portOf: (m) => ports.get(m)?.port ?? 'in',
    recovery: (m) => ports.get(m)?.input?.recovery?.(),
    failedAttempt: (m, attempt, error, delay) => ports.get(m)?.input?.custodyAttemptFailed?.(attempt, error, delay),
    deadLetter: (m, error, attempts) => ports.get(m)?.input?.recordDeadLetter?.(m, error, attempts),
    inputOf: (m) => ports.get(m)?.input,
    circuit: (m) => ports.get(m)?.input?.circuitPhase?.() ?? 'closed',
    adoptProbe: (m, ahead) => ports.get(m)?.input?.adoptProbe?.(ahead) ?? 1,
    isRoundProbe: (m, round) => ports.get(m)?.input?.isRoundProbe?.(round) ?? true,
    retryWaiting: (m, delta) => ports.get(m)?.input?.custodyRetryWaiting?.(delta),
    emit,
    count: (name, n) => ctx.count(name, n),
  });
  const end = new OutletEnd(ctx, ctx.nodeId, maxFrames, carrier);
  return {
    start: () => end.start(),
    process(batch: Batch) {
      ports.set(batch.messages, { port: batch.port, input: ctx.seam.input(batch.connectionId) });
      return end.process(batch);
    },
    complete: () => end.complete(),
    stop: () => end.stop(),
    readout: () => end.readout(),
  };
}
