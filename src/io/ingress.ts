import type { NodeContext } from '../actors/workflow/node-types.js';

/**
 * What `Ingress.offer` did with one message from the outside:
 * - `taken`: the engine accepted it (its `ack` was called at once);
 * - `held`: the output was full, so it waits in the ingress (its `ack` runs once it is taken);
 * - `overflow`: the hold was full too: refused and counted (`ingress.overflow`), `ack` never called.
 *
 * @example
 * ```ts
 * if (ingress.offer(value, { ack }) === 'overflow') socket.close(1013, 'try again later');
 * ```
 */
export type IngressResult = 'taken' | 'held' | 'overflow';

/**
 * Options of an {@link Ingress}.
 *
 * @example
 * ```ts
 * const o: IngressOptions = { port: 'out', holdLimit: 64, pause: () => socket.pause(), resume: () => socket.resume() };
 * ```
 */
export interface IngressOptions {
  /** The output port (default `'out'`). */
  readonly port?: string;
  /** Messages kept while the output is full, at most: what the outside may still have in flight after `pause` (default 1000). */
  readonly holdLimit?: number;
  /** Hold the outside back (stop acknowledging, stop fetching, pause the socket). Called once per pause. */
  readonly pause?: () => void;
  /** Let the outside send again. Called once per pause, when the output flows and nothing is held. */
  readonly resume?: () => void;
}

interface Held {
  readonly data: unknown;
  readonly timestamp: number | undefined;
  readonly ack: (() => void) | undefined;
}

/**
 * The one place where data from the outside world enters a flow. It offers each message to the
 * node's output; while that output is backpressured, or a message was refused as full, it calls
 * `pause` (edge-triggered) so the outside is held back where it can be: MQTT stops acknowledging,
 * a JetStream pull stops fetching, a socket stops being read. A message refused as full is held,
 * in order, up to `holdLimit` (what the outside can still have in flight), and acknowledged only
 * once the engine took it. Nothing here polls: it waits on the port's room and relief edges.
 *
 * @example
 * ```ts
 * const ingress = new Ingress(ctx, { pause: () => sub.pause(), resume: () => sub.resume() });
 * client.on('message', (topic, payload, packet, done) => ingress.offer(decode(payload), { ack: done }));
 * ```
 */
export class Ingress {
  private readonly port: string;
  private readonly emit: ReturnType<NodeContext['output']>;
  private readonly held: Held[] = [];
  private head = 0;
  private paused = false;
  private waiting = false;
  private closed = false;
  readonly holdLimit: number;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: IngressOptions = {},
  ) {
    this.port = options.port ?? 'out';
    this.holdLimit = options.holdLimit ?? 1000;
    this.emit = ctx.output(this.port);
  }

  /** Messages held while the output was full. */
  get size(): number {
    return this.held.length - this.head;
  }

  /** True while the outside is held back. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Offers one message from the outside; `ack` runs once the engine has taken it. */
  offer(data: unknown, extra: { readonly ack?: () => void; readonly timestamp?: number } = {}): IngressResult {
    if (this.closed) return this.refuse();
    if (this.size > 0) return this.hold({ data, timestamp: extra.timestamp, ack: extra.ack });
    const r = this.emit(data, undefined, extra.timestamp);
    if (r === 'full') return this.hold({ data, timestamp: extra.timestamp, ack: extra.ack });
    this.ctx.count('received');
    extra.ack?.();
    // A connection answers 'backpressured' for every message while it is pressured; only an
    // answer that says nothing of pressure (a drop by strategy) needs the port asked.
    if (r === 'backpressured' || (r !== 'accepted' && this.ctx.backpressured(this.port))) this.hold0();
    return 'taken';
  }

  /** Stops for good: what is held is counted as `ingress.discarded` and never acknowledged. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.size > 0) this.ctx.count('discarded', this.size);
    this.held.length = 0;
    this.head = 0;
  }

  private refuse(): IngressResult {
    this.ctx.count('overflow');
    return 'overflow';
  }

  private hold(h: Held): IngressResult {
    if (this.size >= this.holdLimit) return this.refuse();
    this.held.push(h);
    this.hold0();
    return 'held';
  }

  // Pause the outside (once) and wait for the output to flow again.
  private hold0(): void {
    if (!this.paused) {
      this.paused = true;
      this.ctx.count('pauses');
      this.options.pause?.();
    }
    if (this.waiting) return;
    this.waiting = true;
    // Full below the high watermark (a backpressureThreshold of 1): no relief edge will come, so
    // look again after a millisecond rather than spin on a ready() that is already resolved.
    if (this.size > 0 && !this.ctx.backpressured(this.port)) this.ctx.clock.setTimeout(() => this.drain(), 1);
    else void this.ctx.ready(this.port).then(() => this.drain());
  }

  private drain(): void {
    this.waiting = false;
    if (this.closed) return;
    while (this.size > 0) {
      const h = this.held[this.head]!;
      const r = this.emit(h.data, undefined, h.timestamp);
      if (r === 'full') return this.hold0();
      this.held[this.head++] = undefined as unknown as Held;
      this.ctx.count('received');
      h.ack?.();
      if (r === 'backpressured') {
        this.compact();
        return this.hold0();
      }
    }
    this.compact();
    if (this.ctx.backpressured(this.port)) return this.hold0();
    this.paused = false;
    this.options.resume?.();
  }

  private compact(): void {
    if (this.head === 0) return;
    this.held.splice(0, this.head);
    this.head = 0;
  }
}
