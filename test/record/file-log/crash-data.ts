import type { StreamMessage } from '../../../src/message.js';
import type { RecordedBatch } from '../../../src/record/record-log.js';

/** Batch k of the crash test holds 1 to 50 messages (varied, so frames have many lengths). */
export const batchSize = (k: number): number => 1 + ((k * 37) % 50);

/**
 * Message `seq`: its content follows from seq, so the reader can check every byte came back.
 * Numbers in the first half of every thousand (numeric columns), an object in the second: one
 * with an array in its first quarter (columns with JSON data), a flat one after (a column per
 * key, format 5), and in its last quarter a string id, with a priority on some and a key on
 * others (format 4's extras): a crash can cut any kind of frame. The fields are in the
 * order the reader builds them, as the check compares JSON.
 */
export function message(seq: number): StreamMessage {
  const k = seq % 1000;
  const data = k < 500 ? seq / 3 : k < 625 ? { v: seq, pad: ['x'.repeat(seq % 40)] } : { v: seq, pad: 'x'.repeat(seq % 40) };
  const m: { -readonly [F in keyof StreamMessage]: StreamMessage[F] } = { id: k >= 750 ? `m-${seq}` : seq, timestamp: seq * 3, sourceNodeId: 'gen', targetNodeId: 'rec', port: 'out', data };
  if (k >= 750 && seq % 3 === 0) m.priority = 'high';
  if (k >= 750 && seq % 4 === 0) m.key = `k${seq % 16}`;
  return m;
}

/** The batch of `n` messages from `seq`, handed off at `at`. */
export function batch(seq: number, n: number, at: number): RecordedBatch {
  const messages: StreamMessage[] = [];
  for (let i = 0; i < n; i++) messages.push(message(seq + i));
  return { seq, at, messages };
}
