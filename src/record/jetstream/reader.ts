import type { JetStreamClient, JetStreamManager, DeliverPolicy } from '@nats-io/jetstream';
import { NodeflowError, errorMessage } from '../../errors.js';
import { checkReadFrom } from '../read-from.js';
import type { ReadFrom, RecordedBatch } from '../record-log.js';
import { decodeFrame } from './frame.js';
import { findStart, type StreamSnapshot } from './locate.js';

/**
 * What a read needs of its log. @internal
 *
 * @example
 * ```ts
 * readStream(jetStreamLog satisfies StreamSource, { seq: 1 });
 * ```
 */
export interface StreamSource {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  readonly readBatches: number;
  /** Batches appended and not yet stored (or dropped). */
  pendingAppends(): number;
  /** Resolves once every batch appended so far is stored or dropped. */
  idle(): Promise<void>;
  /** The stream sequence of the last batch this log's appends stored (as far as it knows). */
  storedUpTo(): number;
  /** Asks the server what the stream holds now (and refreshes the log's `bounds()`). */
  snapshot(): Promise<StreamSnapshot>;
}

/** With the read waiting and no batch for this long, it asks the server whether retention took them. */
const STALL_CHECK_MS = 2000;

/**
 * Reads batches from `from` on, in order: the start's stream sequence by binary search
 * (locate.ts), then one ordered consumer (ephemeral, no acks, deleted at the end) kept pulling
 * by `consume()`, `readBatches` batches ahead, so the next batches are on their way while the
 * reader handles this one. At the end of what the stream held when the read started, the read
 * waits for the batches appended meanwhile to be stored and goes on; it ends when nothing more
 * is waiting. A start outside what the stream holds now is `OUT_OF_RANGE`, and so is a gap in
 * the stream sequences (retention deleted batches the read had not reached yet), found from the
 * sequences delivered or, if deliveries stop short of the end, by a check every 2 s.
 *
 * @example
 * ```ts
 * for await (const b of readStream(source, { at: Date.now() - 60_000 })) show(b.messages);
 * ```
 */
export async function* readStream(src: StreamSource, from: ReadFrom): AsyncGenerator<RecordedBatch, void, undefined> {
  try {
    yield* follow(src, from);
  } catch (e) {
    // The server away, or the connection closed under the read: typed, like every error of a store.
    if (e instanceof NodeflowError) throw e;
    throw new NodeflowError('CONNECTION_FAILED', `read of JetStream log ${src.stream} failed: ${errorMessage(e)}`, { stream: src.stream, cause: e });
  }
}

async function* follow(src: StreamSource, from: ReadFrom): AsyncGenerator<RecordedBatch, void, undefined> {
  let snap = await src.snapshot();
  // A start past what is stored may be among the appends on their way: wait for them first.
  if (src.pendingAppends() > 0 && !inside(from, snap)) {
    await src.idle();
    snap = await src.snapshot();
  }
  checkReadFrom(from, snap.bounds);
  const start = await findStart(src.jsm, src.stream, from, snap.firstStreamSeq, snap.lastStreamSeq);
  // No subject filter: the stream holds the log's one subject (checked at open), and server 2.9
  // knows only the singular filter_subject.
  const consumer = await src.js.consumers.get(src.stream, { deliver_policy: 'by_start_sequence' as DeliverPolicy, opt_start_seq: start });
  let cursor = start - 1;
  let target = snap.lastStreamSeq;
  let stalled: NodeflowError | undefined;
  const messages = await consumer.consume({ max_messages: src.readBatches }).catch(async (e: unknown) => {
    await consumer.delete().catch(() => undefined);
    throw e;
  });
  let seen = cursor;
  // Only while the read waits for the server: a reader paused at a yield (a paused replay) is not a stall.
  let waiting = true;
  const watch = setInterval(() => {
    if (!waiting || cursor !== seen || cursor >= target) return void (seen = cursor);
    void src.snapshot().then((now) => {
      if (now.firstStreamSeq > cursor + 1 || now.lastStreamSeq <= cursor) {
        stalled = overtaken(from, now);
        messages.stop();
      }
    }, () => undefined);
  }, STALL_CHECK_MS);
  watch.unref?.(); // an abandoned read (never finished nor returned) must not keep the process alive
  try {
    for await (const m of messages) {
      waiting = false;
      if (m.seq !== cursor + 1) throw overtaken(from, await src.snapshot());
      cursor = m.seq;
      yield decodeFrame(m.data, src.stream);
      if (cursor >= target && !(await more())) return;
      waiting = true;
    }
    if (stalled) throw stalled;
  } finally {
    clearInterval(watch);
    messages.stop();
    await consumer.delete().catch(() => undefined);
  }

  // At the end of what was stored: true if appends made meanwhile took the end further.
  async function more(): Promise<boolean> {
    if (src.pendingAppends() > 0) await src.idle();
    target = Math.max(target, src.storedUpTo());
    return cursor < target;
  }
}

function inside(from: ReadFrom, snap: StreamSnapshot): boolean {
  const b = snap.bounds;
  if (!b) return false;
  return 'seq' in from ? from.seq <= b.lastSeq : from.at <= (b.maxAt ?? b.last.at);
}

// The same OUT_OF_RANGE (and details) a start outside the history gets, for a read overtaken.
function overtaken(from: ReadFrom, snap: StreamSnapshot): NodeflowError {
  const b = snap.bounds;
  const held = b && { firstSeq: b.first.seq, lastSeq: b.lastSeq, firstAt: b.first.at, lastAt: b.maxAt ?? b.last.at };
  return new NodeflowError('OUT_OF_RANGE', `read from ${JSON.stringify(from)}: retention deleted batches this read had not reached yet`, { from, held });
}
