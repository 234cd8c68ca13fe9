/**
 * The header names a JetStream carrier writes. Frame seq travels as a header so the consumer
 * end and `open()` read it without decoding the body.
 *
 * @example
 * ```ts
 * const seq = Number(m.headers?.get(SEQ_HEADER));
 * ```
 */
export const SEQ_HEADER = 'Nodeflow-Seq';
/**
 * Present (value `1`) on a frame that is the first of its producer end's incarnation
 * (`Frame.first`): the consumer end may skip the gap before it.
 *
 * @example
 * ```ts
 * const first = m.headers?.has(FIRST_HEADER) === true;
 * ```
 */
export const FIRST_HEADER = 'Nodeflow-First';
/**
 * Dead-letter records: how many messages of the frame the record holds (`REASON_HEADER`: why
 * they failed; `WRITER_HEADER`: which consumer end instance wrote it, as a replacement may
 * write again for the same frame).
 *
 * @example
 * ```ts
 * const count = Number(record.header.get(COUNT_HEADER));
 * ```
 */
export const COUNT_HEADER = 'Nodeflow-Count';
/** Dead-letter records: why the messages failed. @example `record.header.get(REASON_HEADER)` */
export const REASON_HEADER = 'Nodeflow-Reason';
/** Dead-letter records: the consumer end instance that wrote it. @example `record.header.get(WRITER_HEADER)` */
export const WRITER_HEADER = 'Nodeflow-Writer';

/**
 * Dead-letter records of a frame nobody could decode: its size in bytes. Such a record has no
 * count (the consumer end cannot tell how many messages the frame held; the producer end knows,
 * and counts all of them) and no body.
 *
 * @example
 * ```ts
 * const whole = record.header.has(RAW_SIZE_HEADER);
 * ```
 */
export const RAW_SIZE_HEADER = 'Nodeflow-Raw-Size';
/**
 * Dead-letter records of an undecodable frame: the frame's stream sequence, so the producer end
 * takes the record for its own frame only (a foreign message on the subject may carry any seq).
 *
 * @example
 * ```ts
 * const streamSeq = Number(record.header.get(STREAM_SEQ_HEADER));
 * ```
 */
export const STREAM_SEQ_HEADER = 'Nodeflow-Stream-Seq';

/**
 * Where a producer end answers which frames are settled: its lowest unsettled seq, as text. A
 * consumer end asks when its frames wait past a missing one (settled by a consumer end that was
 * replaced before it read its fence).
 *
 * @example
 * ```ts
 * const floor = Number((await nc.request(floorSubject(hintSubject))).string());
 * ```
 */
export function floorSubject(hintSubject: string): string {
  return `${hintSubject}.floor`;
}

/**
 * Where a consumer end says again which frames it settled (a hint, as it would publish it, for
 * the frames from the seq asked for on). The producer end asks when the ack floor stops short of
 * its oldest frame: hints can be lost, and a nats-server killed hard can come back with a floor
 * that does not move past messages removed meanwhile.
 *
 * @example
 * ```ts
 * const hint = decodeHint((await nc.request(againSubject(hintSubject), '201')).string());
 * ```
 */
export function againSubject(hintSubject: string): string {
  return `${hintSubject}.again`;
}

/**
 * The hint the consumer end publishes (core NATS, may be lost) after acknowledging frames:
 * the frame seqs it settled and the stream sequence of its latest dead-letter record, so the
 * producer end knows which dead letters to read before it reports those frames settled.
 * Text `<dlSeq>;<seq>,<seq>,...`: a few bytes per frame, no JSON on the hot path.
 *
 * @example
 * ```ts
 * nc.publish(subject, encodeHint(0, [4, 5]));
 * decodeHint(encodeHint(0, [4, 5])); // { dlSeq: 0, seqs: [4, 5] }
 * ```
 */
export function encodeHint(dlSeq: number, seqs: readonly number[]): string {
  return `${dlSeq};${seqs.join(',')}`;
}

/**
 * Parses a hint; undefined for anything malformed (a hint is advisory: a bad one is ignored
 * and the ack-floor poll still settles the frames).
 *
 * @example
 * ```ts
 * const hint = decodeHint(msg.string());
 * ```
 */
export function decodeHint(text: string): { dlSeq: number; seqs: number[] } | undefined {
  const semi = text.indexOf(';');
  if (semi < 0) return undefined;
  const dlSeq = Number(text.slice(0, semi));
  const seqs = semi + 1 === text.length ? [] : text.slice(semi + 1).split(',').map(Number);
  if (!Number.isSafeInteger(dlSeq) || dlSeq < 0 || !seqs.every((s) => Number.isSafeInteger(s) && s > 0)) return undefined;
  return { dlSeq, seqs };
}
