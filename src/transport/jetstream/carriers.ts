import type { ConsumerCarrier, ProducerCarrier } from '../carrier.js';
import { JetStreamConsumer } from './consumer.js';
import { carrierSetup, type JetStreamCarrierOptions } from './options.js';
import { JetStreamProducer } from './producer.js';

/**
 * The two ends of one edge on NATS JetStream. Options are checked here (a bad run or edge name
 * throws a NodeflowError `INVALID_ARGUMENT` before anything connects); the run's streams and the
 * edge's durable consumer must exist (`ensureRunStreams`). Each call of `producer()` or
 * `consumer()` makes a new, unopened end.
 *
 * @example
 * ```ts
 * await ensureRunStreams(nc, { run: 'r1', edges: [{ edge: 'a-b', maxFrames: 20 }] });
 * const carriers = jetStreamCarriers({ connection: nc, run: 'r1', edge: 'a-b', maxFrames: 20 });
 * const producer = carriers.producer();
 * await producer.open({ settled: (upTo) => {}, deadLettered: () => {}, link: () => {} });
 * producer.send({ seq: 1, messages });
 * ```
 */
export function jetStreamCarriers(options: JetStreamCarrierOptions): { producer(): ProducerCarrier & { readonly retries: number }; consumer(): ConsumerCarrier } {
  const setup = carrierSetup(options);
  return {
    producer: () => new JetStreamProducer(setup),
    consumer: () => new JetStreamConsumer(setup),
  };
}
