import type { JetStreamManager, MsgRequest } from '@nats-io/jetstream';
import { SEQ_HEADER } from './headers.js';

/**
 * The oldest frame seq still stored on an edge's subject, or undefined when none is. WorkQueue
 * retention removed every acknowledged frame, so what is left is what a replacement consumer
 * end must still deliver. The lowest seq, not the first stored: after a publish retry a frame
 * can be stored after a newer one. At most `limit` messages are read (the subject holds no
 * more than its per-subject bound), one `next_by_subj` request each, on the stream leader.
 *
 * @example
 * ```ts
 * const resumeAt = await oldestFrameSeq(jsm, 'nodeflow_r', 'nodeflow.r.e', 20);
 * ```
 * @internal
 */
export async function oldestFrameSeq(jsm: JetStreamManager, stream: string, subject: string, limit: number): Promise<number | undefined> {
  let oldest: number | undefined;
  let cursor = 0;
  for (let i = 0; i < limit; i++) {
    // The leader's MSG.GET takes next_by_subj since 2.9; nats.js types it for direct get only.
    const m = await jsm.streams.getMessage(stream, { seq: cursor + 1, next_by_subj: subject } as unknown as MsgRequest);
    if (!m) break;
    cursor = m.seq;
    const seq = Number(m.header.get(SEQ_HEADER));
    if (Number.isSafeInteger(seq) && seq > 0 && (oldest === undefined || seq < oldest)) oldest = seq;
  }
  return oldest;
}
