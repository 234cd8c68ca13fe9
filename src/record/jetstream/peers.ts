import { optionalPeer } from '../../optional-peer.js';

// The record entry's own loaders (not io's): the missing-peer error names the entry the user imported.

/**
 * nats.js core, loaded by `openJetStreamLog` on first use (an optional peer). @internal
 *
 * @example
 * ```ts
 * const { connect } = await loadNatsCore(); // MISSING_DEPENDENCY without @nats-io/transport-node
 * ```
 */
export const loadNatsCore = optionalPeer('@nats-io/transport-node', '@nodeflow/runtime/record (openJetStreamLog)', () => import('@nats-io/transport-node'));

/**
 * nats.js JetStream, loaded by `openJetStreamLog` on first use (an optional peer). @internal
 *
 * @example
 * ```ts
 * const { jetstream, jetstreamManager } = await loadJs();
 * ```
 */
export const loadJs = optionalPeer('@nats-io/jetstream', '@nodeflow/runtime/record (openJetStreamLog)', () => import('@nats-io/jetstream'));
