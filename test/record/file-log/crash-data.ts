import type { StreamMessage } from '../../../src/message.js';
import type { RecordedBatch } from '../../../src/record/record-log.js';

/** Batch k of the crash test holds 1 to 50 messages (varied, so frames have many lengths). */
export const batchSize = (k: number): number => 1 + ((k * 37) % 50);

/**
 * Message `seq`: its content follows from seq, so the reader can check every byte came back.
 * Numbers in the first half of every thousand (batches there are written as numeric rows), an
 * object in the second (JSON bodies): a crash can cut either kind of frame.
 */
export function message(seq: number): StreamMessage {
  const data = seq % 1000 < 500 ? seq / 3 : { v: seq, pad: 'x'.repeat(seq % 40) };
  return { id: seq, timestamp: seq * 3, sourceNodeId: 'gen', targetNodeId: 'rec', port: 'out', data };
}

/** The batch of `n` messages from `seq`, handed off at `at`. */
export function batch(seq: number, n: number, at: number): RecordedBatch {
  const messages: StreamMessage[] = [];
  for (let i = 0; i < n; i++) messages.push(message(seq + i));
  return { seq, at, messages };
}
