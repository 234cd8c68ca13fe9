import { assertMessage, type OutgoingMessage, type StreamMessage } from '../../message.js';
import type { Connection } from '../connection/connection.js';
import type { OfferResult } from '../../message.js';

/**
 * Where an output port reports likely typos (the engine's development warnings). Called on rare
 * paths only: an emit with nowhere to go, a message naming another port.
 *
 * @example
 * ```ts
 * const warnings: PortWarnings = { unrouted: (node, port) => console.warn(node, port), mismatch: () => {} };
 * ```
 * @internal
 */
export interface PortWarnings {
  unrouted(nodeId: string, port: string): void;
  mismatch(nodeId: string, port: string, messagePort: string): void;
}

// Worst outcome wins when one message fans out to several edges.
const SEVERITY: Record<OfferResult, number> = { accepted: 0, backpressured: 1, dropped: 2, full: 3 };
const READY: Promise<void> = Promise.resolve();

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
  /** A connection has left this port at some time: an emit with none now is not a typo. @internal */
  wired = false;
  // Each warning is said once per port: after that, a repeated typo costs a flag read, not a
  // call that builds the warning's key per message.
  private saidUnrouted = false;
  private saidMismatch = false;

  /** Made by its node (`node.output(name)`), never by users. @internal */
  constructor(
    private readonly node: { readonly id: string; unrouted: number; readonly warnings: PortWarnings | undefined },
    readonly name: string,
  ) {}

  /**
   * Offers `message` to every connection of this port: all of them take it, or (`'full'`) none
   * does. Returns the worst outcome over the edges, or `'unrouted'` (counted on the node) when
   * the port has no connection. A message whose `port` is not this port's name is delivered
   * all the same (the development warning `PORT_MISMATCH` says so once per port).
   */
  emit(message: OutgoingMessage): OfferResult | 'unrouted' {
    assertMessage(message, false);
    const m = message as StreamMessage;
    // The one check warnings add per message: a comparison, the same interned string when right.
    if (m.port !== this.name && !this.saidMismatch) this.mismatch(m.port);
    const cs = this.connections;
    if (cs.length === 1) return cs[0]!.accept(m);
    if (cs.length === 0) {
      this.node.unrouted++;
      // A port that never had a connection is most likely a misspelt one.
      if (!this.wired && !this.saidUnrouted) this.unrouted();
      return 'unrouted';
    }
    return this.fanOut(m, cs);
  }

  /**
   * `emit` for a message the runtime built itself (already valid, on a port its node type
   * declares, so never a typo: no warnings). @internal
   */
  emitValid(m: StreamMessage): OfferResult | 'unrouted' {
    const cs = this.connections;
    if (cs.length === 1) return cs[0]!.accept(m);
    if (cs.length === 0) {
      this.node.unrouted++;
      return 'unrouted';
    }
    return this.fanOut(m, cs);
  }

  /** True while any connection of this port is backpressured (an I/O source pauses the outside). */
  get backpressured(): boolean {
    const cs = this.connections;
    for (let i = 0; i < cs.length; i++) if (cs[i]!.isBackpressured && cs[i]!.isOpen) return true;
    return false;
  }

  /**
   * Resolves once every connection of this port is flowing (below its low watermark) or closed:
   * at once when none is backpressured. Never polls: it waits on each pressured connection's
   * relief edge in turn.
   */
  ready(): Promise<void> {
    const cs = this.connections;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      if (c.isBackpressured && c.isOpen) return new Promise<void>((resolve) => c.onFlowing(resolve)).then(() => this.ready());
    }
    return READY;
  }

  private mismatch(messagePort: string): void {
    this.saidMismatch = true;
    this.node.warnings?.mismatch(this.node.id, this.name, messagePort);
  }

  private unrouted(): void {
    this.saidUnrouted = true;
    this.node.warnings?.unrouted(this.node.id, this.name);
  }

  private fanOut(m: StreamMessage, cs: readonly Connection[]): OfferResult {
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
