import { assertMessage, type OutgoingMessage, type StreamMessage } from '../../message.js';
import type { Connection } from '../connection/connection.js';
import type { OfferResult } from '../../message.js';

// Worst outcome wins when one message fans out to several edges.
const SEVERITY: Record<OfferResult, number> = { accepted: 0, backpressured: 1, dropped: 2, full: 3 };

/**
 * One output port of a node. `emit` validates once and offers the SAME object to every
 * connection leaving the port (messages are immutable; never cloned per edge).
 *
 * @example
 * ```ts
 * const out = engine.node('sensor').output('out');
 * const r = out.emit({ id: 1, timestamp: Date.now(), sourceNodeId: 'sensor', port: 'out', data: 1 });
 * if (r === 'backpressured') console.log('slow down');
 * ```
 */
export class OutputPort {
  /** @internal */
  readonly connections: Connection[] = [];

  constructor(
    private readonly node: { readonly id: string; unrouted: number },
    readonly name: string,
  ) {}

  /**
   * Offers `message` to every connection of this port: all of them take it, or (`'full'`) none
   * does. Returns the worst outcome over the edges, or `'unrouted'` (counted on the node) when
   * the port has no connection.
   */
  emit(message: OutgoingMessage): OfferResult | 'unrouted' {
    assertMessage(message, false);
    return this.emitValid(message as StreamMessage);
  }

  /** `emit` for a message the runtime built itself (already valid). @internal */
  emitValid(m: StreamMessage): OfferResult | 'unrouted' {
    const cs = this.connections;
    if (cs.length === 1) return cs[0]!.accept(m);
    if (cs.length === 0) {
      this.node.unrouted++;
      return 'unrouted';
    }
    // All or nothing: if any edge would refuse it as full, no edge takes it, so a producer
    // that offers it again never duplicates it on the others (the slowest edge backpressures).
    let refused = false;
    for (let i = 0; i < cs.length; i++) if (cs[i]!.refuses(m)) refused = true;
    if (refused) return 'full';
    let worst: OfferResult = 'accepted';
    for (let i = 0; i < cs.length; i++) {
      const r = cs[i]!.accept(m);
      if (SEVERITY[r] > SEVERITY[worst]) worst = r;
    }
    return worst;
  }
}
