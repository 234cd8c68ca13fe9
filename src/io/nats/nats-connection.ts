import type { NatsConnection, Status } from '@nats-io/transport-node';
import type { NodeContext } from '../../actors/workflow/node-types.js';
import { optionalPeer } from '../../optional-peer.js';

/** nats.js core (connect, subscriptions), loaded on first use. @internal */
export const loadNats = optionalPeer('@nats-io/transport-node', '@nodeflow/runtime/io', () => import('@nats-io/transport-node'));
/** nats.js JetStream, loaded on first use. @internal */
export const loadJetStream = optionalPeer('@nats-io/jetstream', '@nodeflow/runtime/io', () => import('@nats-io/jetstream'));

// First-connect retries back off from 250 ms to 2 s; once connected, nats.js reconnects itself.
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 2000;

/**
 * One node's NATS connection: it keeps trying until the server answers, reports the link state
 * (`connecting`, `connected`, `reconnecting`, `closed`) from nats.js status events, and closes
 * everything it opened at `close()`.
 *
 * The first connect is retried here on the engine clock rather than with nats.js's
 * `waitOnFirstConnect`: until that first connect succeeds nats.js hands out no connection, so a
 * workflow stopped meanwhile could not stop its dial loop. After it, nats.js reconnects on its own
 * (`maxReconnectAttempts: -1`) and resubscribes core subscriptions.
 *
 * @example
 * ```ts
 * const link = new NatsLink(ctx, ['nats://127.0.0.1:4222'], (nc) => nc.subscribe('a.>', { callback }));
 * link.open();
 * // at stop:
 * void link.close();
 * ```
 * @internal
 */
export class NatsLink {
  private nc: NatsConnection | undefined;
  private timer: unknown;
  private retryMs = FIRST_RETRY_MS;
  private closing = false;
  private state = '';

  constructor(
    private readonly ctx: NodeContext,
    private readonly servers: readonly string[],
    private readonly onConnected: (nc: NatsConnection) => void | Promise<void>,
  ) {}

  /** The live connection, once the first connect succeeded. */
  get connection(): NatsConnection | undefined {
    return this.nc;
  }

  /** Starts connecting (returns at once). */
  open(): void {
    this.report('connecting');
    void this.attempt();
  }

  /** Closes the connection (or stops trying): no socket or timer is left once it resolves. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.timer !== undefined) this.ctx.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const nc = this.nc;
    this.nc = undefined;
    this.report('closed'); // now: the run's reports end with its stop
    if (nc && !nc.isClosed()) await nc.close().catch(() => undefined);
  }

  private async attempt(): Promise<void> {
    this.timer = undefined;
    let nc: NatsConnection;
    try {
      const { connect } = await loadNats();
      nc = await connect({ servers: [...this.servers], name: `nodeflow:${this.ctx.nodeId}`, noAsyncTraces: true, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    } catch (error) {
      if (this.closing) return;
      this.report('reconnecting', (error as Error).message);
      this.timer = this.ctx.clock.setTimeout(() => void this.attempt(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
      return;
    }
    if (this.closing) return void nc.close().catch(() => undefined);
    this.nc = nc;
    this.report('connected', nc.getServer());
    void this.watch(nc);
    try {
      await this.onConnected(nc);
    } catch (error) {
      this.ctx.report({ kind: 'error', code: 'NATS_ERROR', message: (error as Error).message });
    }
  }

  // Maps nats.js status events onto the node's link state.
  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) this.onStatus(s);
    if (!this.closing) this.report('closed', 'the connection closed');
  }

  private onStatus(s: Status): void {
    if (this.closing) return;
    if (s.type === 'disconnect' || s.type === 'reconnecting') this.report('reconnecting', 'server' in s ? s.server : undefined);
    else if (s.type === 'reconnect') this.report('connected', s.server);
    else if (s.type === 'error') this.ctx.report({ kind: 'error', code: 'NATS_ERROR', message: s.error.message });
    else if (s.type === 'slowConsumer') {
      this.ctx.count('slowConsumer');
      this.ctx.report({ kind: 'error', code: 'SLOW_CONSUMER', message: `the client holds ${s.pending} messages for ${s.sub.getSubject()}` });
    }
  }

  // One report per state change: nats.js repeats 'reconnecting' per attempt.
  private report(state: 'connecting' | 'connected' | 'reconnecting' | 'closed', detail?: string): void {
    if (state === this.state) return;
    this.state = state;
    this.ctx.report(detail === undefined ? { kind: 'state', state } : { kind: 'state', state, detail });
  }
}
