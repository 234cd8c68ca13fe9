// The JetStream carrier (issue 17): run set-up, the two carrier ends, the frame codec.
export { jetStreamCarriers } from './carriers.js';
export { ensureRunStreams, removeRunStreams, DEFAULT_ACK_WAIT_MS, type RunEdge, type RunStreamsOptions } from './run-streams.js';
export { runNames, type RunNames } from './names.js';
export { encodeFrame, decodeFrame, FrameDecodeError } from './frame-codec.js';
export type { JetStreamCarrierOptions } from './options.js';
export { JetStreamProducer } from './producer.js';
export { JetStreamConsumer } from './consumer.js';
