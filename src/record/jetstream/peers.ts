import { optionalPeer } from '../../optional-peer.js';

/** nats.js core, loaded by `openJetStreamLog` on first use (an optional peer). @internal */
export const loadNatsCore = optionalPeer('@nats-io/transport-node', '@nodeflow/runtime/record (openJetStreamLog)', () => import('@nats-io/transport-node'));
/** nats.js JetStream, loaded by `openJetStreamLog` on first use (an optional peer). @internal */
export const loadJs = optionalPeer('@nats-io/jetstream', '@nodeflow/runtime/record (openJetStreamLog)', () => import('@nats-io/jetstream'));
