import type { StreamMessage } from '../../message.js';
import { decodeBatchBytes, encodeBatchBytes } from '../body/body-bytes.js';

/**
 * The body of one JetStream record message: a batch's messages in the shared record body
 * (src/record/body/: numeric columns where every value fits them, else JSON), the same bytes
 * the file log keeps in a frame. The frame prefix (seq, at, count) is written around it by
 * frame.ts.
 *
 * @example
 * ```ts
 * const bytes = encodeBody(batch.messages);
 * decodeBody(bytes); // the same messages
 * ```
 */
export function encodeBody(messages: readonly StreamMessage[]): Uint8Array {
  return encodeBatchBytes(messages);
}

/**
 * The messages of a body written by {@link encodeBody}; throws on bytes that are not one.
 *
 * @example
 * ```ts
 * const messages = decodeBody(encodeBody([msg])); // [msg]
 * ```
 */
export function decodeBody(bytes: Uint8Array): StreamMessage[] {
  const v = decodeBatchBytes(bytes);
  if (!Array.isArray(v)) throw new Error('a record body holds an array of messages');
  return v;
}
