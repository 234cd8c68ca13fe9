import type { EngineClock } from '../../clock.js';
import { NodeflowError } from '../../errors.js';
import type { StreamMessage } from '../../message.js';
import type { CustodyEnd, SettleEnd } from '../connection/transport-hooks.js';
import type { IoReport, NodeContext } from './node-types.js';
import type { RunNode } from './run-node.js';

/**
 * What a node's context reports back to its run.
 *
 * @example
 * ```ts
 * const host: ContextHost = { clock, fns, complete: (n) => lifecycle.end(n), fail: (n, e) => lifecycle.fail(n, e) };
 * ```
 * @internal
 */
export interface ContextHost {
  readonly clock: EngineClock;
  fns(name: string): (value: unknown) => unknown;
  complete(n: RunNode): void;
  fail(n: RunNode, error: unknown): void;
  /** An I/O report of node `n`: put on the engine's events and the run's status. */
  report(n: RunNode, report: IoReport): void;
  /** A counter of some node moved: status$ hears of it soon (throttled). */
  counted(): void;
  /** The engine's connection `id`, for the transport seam (absent: the seam finds none). */
  connection?(id: string): CustodyEnd | undefined;
  /** The connections downstream of `n`'s targets, for the transport seam (absent: none). */
  downstream?(n: RunNode): SettleEnd[];
}

/**
 * The context `create()` of node `n`'s type receives. Its emitters build each message once
 * (valid by construction, so nothing is checked per message on the way out) and offer it: a
 * transform through its outbox, which keeps refused messages in order; a source directly, since
 * its driver keeps and re-offers its own.
 *
 * @example
 * ```ts
 * const behavior = type.create(createNodeContext(n, host));
 * ```
 * @internal
 */
export function createNodeContext(n: RunNode, host: ContextHost): NodeContext {
  let seq = 0;
  const clock = host.clock;
  return {
    nodeId: n.id,
    config: n.config,
    clock,
    output: (port) => {
      if (n.type.outputs && !(port in n.type.outputs)) {
        throw new NodeflowError('INVALID_ARGUMENT', `node ${n.id} (${n.type.type}) has no output port '${port}' (outputs: ${Object.keys(n.type.outputs).join(', ') || 'none'})`, { nodeId: n.id, port });
      }
      const out = n.handle!.output(port);
      const id = n.id;
      const outbox = n.outbox;
      return (data, origin, timestamp) => {
        const m = { id: ++seq, timestamp: timestamp ?? origin?.timestamp ?? clock.now(), sourceNodeId: id, port, data } as StreamMessage;
        if (outbox !== null) return outbox.offer(out, m);
        const r = out.emitValid(m);
        if (r !== 'full' && r !== 'unrouted') n.emitted++;
        return r;
      };
    },
    fn: host.fns,
    complete: () => host.complete(n),
    fail: (error) => host.fail(n, error),
    ready: (port) => n.handle!.output(port).ready(),
    backpressured: (port) => n.handle!.output(port).backpressured,
    report: (r) => host.report(n, r),
    count: (name, k = 1) => {
      const io = (n.io ??= { counters: {} });
      io.counters[name] = (io.counters[name] ?? 0) + k;
      host.counted();
    },
    seam: {
      input: (id) => (n.incoming.has(id) ? host.connection?.(id) : undefined),
      output: (port) => {
        const cs = n.handle?.existingOutput(port)?.connections;
        return cs !== undefined && cs.length === 1 ? cs[0] : undefined;
      },
      emitted: (k) => void (n.emitted += k),
      downstream: () => host.downstream?.(n) ?? [],
    },
  };
}
