import type { NatsConnection } from '@nats-io/transport-node';
import type { CarrierLinkState } from '../carrier.js';
import { loadNats } from '../../io/nats/nats-connection.js';

/**
 * A carrier's NATS connection: the caller's (shared, left open at release) or one opened from
 * `servers` for this carrier (closed at release).
 *
 * @example
 * ```ts
 * const held = await holdConnection({ servers: ['nats://127.0.0.1:4222'] });
 * held.nc.publish('x');
 * await held.release();
 * ```
 * @internal
 */
export async function holdConnection(source: { connection?: NatsConnection; servers?: readonly string[] }): Promise<{ nc: NatsConnection; release(): Promise<void> }> {
  if (source.connection) return { nc: source.connection, release: async () => undefined };
  const { connect } = await loadNats();
  const nc = await connect({ servers: [...(source.servers ?? [])], noAsyncTraces: true, maxReconnectAttempts: -1, reconnectTimeWait: 250, name: 'nodeflow:carrier' });
  return { nc, release: () => nc.close().catch(() => undefined) };
}

/**
 * Reports a connection's link state changes (`down` on disconnect, `up` on reconnect) until
 * the returned stop function is called. nats.js keeps reconnecting by itself; a carrier only
 * has to say so.
 *
 * @example
 * ```ts
 * const stop = watchLink(nc, (state) => events.link(state));
 * stop();
 * ```
 * @internal
 */
export function watchLink(nc: NatsConnection, report: (state: CarrierLinkState, error?: Error) => void): () => void {
  const statuses = nc.status();
  let stopped = false;
  let last: CarrierLinkState = 'up';
  const tell = (state: CarrierLinkState, error?: Error) => {
    if (stopped || state === last) return;
    last = state;
    report(state, error);
  };
  void (async () => {
    for await (const s of statuses) {
      if (s.type === 'disconnect') tell('down', new Error(`disconnected from ${s.server}`));
      else if (s.type === 'reconnect') tell('up');
    }
  })();
  return () => {
    stopped = true;
    // nats.js hands out a QueuedIterator: stopping it unregisters the listener.
    (statuses as { stop?: () => void }).stop?.();
  };
}
