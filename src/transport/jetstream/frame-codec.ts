import { NodeflowError } from '../../errors.js';
import type { StreamMessage } from '../../message.js';

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
 * catch (e) { if (e instanceof FrameDecodeError) m.term(); }
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
 * frame sequence travels in a header, not here.
 *
 * @example
 * ```ts
 * js.publish(subject, encodeFrame(frame.messages), { msgID });
 * ```
 */
export function encodeFrame(messages: readonly StreamMessage[]): Uint8Array {
  return encoder.encode(JSON.stringify(messages));
}

/**
 * The messages of a frame body written by `encodeFrame`. Throws a FrameDecodeError (never
 * returns partial data) when the body is not UTF-8 JSON or an element is not a message
 * (`id` string or number, `timestamp` number, `sourceNodeId`, `targetNodeId`, `port` strings).
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
    const problem = notAMessage(value[i]);
    if (problem) throw new FrameDecodeError(where, `element ${i}: ${problem}`);
  }
  return value as StreamMessage[];
}

// The fields the engine reads without checking; `data` may be absent (JSON drops undefined).
function notAMessage(m: unknown): string | undefined {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return 'not an object';
  const o = m as Record<string, unknown>;
  if (typeof o.id !== 'string' && typeof o.id !== 'number') return 'id is not a string or number';
  if (typeof o.timestamp !== 'number') return 'timestamp is not a number';
  if (typeof o.sourceNodeId !== 'string') return 'sourceNodeId is not a string';
  if (typeof o.targetNodeId !== 'string') return 'targetNodeId is not a string';
  if (typeof o.port !== 'string') return 'port is not a string';
  return undefined;
}
