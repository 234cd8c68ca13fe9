import type { StreamMessage } from '../../message.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The body of one JetStream record message: a batch's messages, as UTF-8 JSON for now. This
 * file is the one seam of the encoding: the frame prefix (seq, at, count) is written around it
 * by frame.ts, so swapping the codec (a shared binary one) changes these two functions only.
 *
 * @example
 * ```ts
 * const bytes = encodeBody(batch.messages);
 * decodeBody(bytes); // the same messages
 * ```
 */
export function encodeBody(messages: readonly StreamMessage[]): Uint8Array {
  return encoder.encode(JSON.stringify(messages));
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
  const v: unknown = JSON.parse(decoder.decode(bytes));
  if (!Array.isArray(v)) throw new Error('a record body is a JSON array of messages');
  return v as StreamMessage[];
}
