import { NodeflowError } from '../../errors.js';
import { assertMessage, type StreamMessage } from '../../message.js';

// One encoder and decoder for the process: both are stateless between calls.
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * A frame body that is not what `encodeFrame` writes (not UTF-8, not JSON, not an array of
 * messages). Carries where it came from so the consumer end can dead-letter or report it; a
 * malformed frame never reaches a connection as data.
 *
 * @example
 * ```ts
 * try { decodeFrame(bytes, 'nodeflow.r.e #12'); }
 * catch (e) { if (e instanceof FrameDecodeError) console.warn(e.message); }
 * ```
 */
export class FrameDecodeError extends NodeflowError {
  override readonly name: string = 'FrameDecodeError';
  constructor(where: string, reason: string) {
    super('INVALID_MESSAGE', `malformed frame at ${where}: ${reason}`, { where, reason });
  }
}

/**
 * A frame's messages as bytes: the JSON array of the messages, UTF-8. JSON because a message's
 * `data` is whatever the node emitted and the engine already requires it to be plain data; the
 * frame sequence travels in a header, not here. Data JSON cannot write (a BigInt, a cycle) is
 * an `INVALID_MESSAGE` here, in the producer's process, not a frame nobody can read.
 *
 * @example
 * ```ts
 * js.publish(subject, encodeFrame(frame.messages), { msgID });
 * ```
 */
export function encodeFrame(messages: readonly StreamMessage[]): Uint8Array {
  let text: string;
  try {
    text = JSON.stringify(messages);
  } catch (error) {
    throw new NodeflowError('INVALID_MESSAGE', `a frame's messages cannot be written as JSON: ${(error as Error).message}`, { field: 'data' });
  }
  return encoder.encode(text);
}

/**
 * The messages of a frame body written by `encodeFrame`. Accepts exactly what a node may emit
 * (the engine's own check, `assertMessage(m, false)`: `targetNodeId` is optional, since
 * workflow emitters leave it out); `data` that JSON dropped (it was `undefined`) is put back.
 * Throws a FrameDecodeError (never returns partial data) when the body is not UTF-8 JSON or
 * an element is not such a message.
 *
 * @example
 * ```ts
 * const messages = decodeFrame(m.data, `${m.subject} #${m.seq}`);
 * ```
 */
export function decodeFrame(bytes: Uint8Array, where: string): StreamMessage[] {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    throw new FrameDecodeError(where, (error as Error).message);
  }
  if (!Array.isArray(value)) throw new FrameDecodeError(where, 'the body is not an array of messages');
  for (let i = 0; i < value.length; i++) {
    const m: unknown = value[i];
    // JSON leaves out an undefined `data`; the engine's check wants the field present.
    if (m !== null && typeof m === 'object' && !('data' in m)) (m as { data?: unknown }).data = undefined;
    try {
      assertMessage(m, false);
    } catch (error) {
      throw new FrameDecodeError(where, `element ${i}: ${(error as Error).message}`);
    }
  }
  return value as StreamMessage[];
}
