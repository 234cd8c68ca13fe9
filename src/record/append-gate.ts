import { NodeflowError, describe, errorMessage } from '../errors.js';
import type { RecordedBatch } from './record-log.js';

// The seq rule of the stores that encode a batch in `append` (the file log, the JetStream store),
// in one place. Seq is the recorded stream's position, not the store's: a recorder moves past a
// batch the store refused, so a store that refused a batch for what it holds skips its seqs (a
// gap, as a dropped write leaves) rather than refusing every later batch as not following. An
// append started while a batch is being encoded (a getter or toJSON of one of its messages
// appending to the same store) would be stored over or before that batch: it is refused, and
// when it is the batch that follows (a recorder's next), skipped with it.

/**
 * Checks and sequences the appends of one store. @internal
 *
 * @example
 * ```ts
 * const gate = new AppendGate(`file log ${dir}`, held && held.lastSeq + 1);
 * gate.enter(batch);
 * try {
 *   writer.append(batch.seq, batch.at, batch.messages);
 * } catch (e) {
 *   gate.refused(batch, e);
 * }
 * gate.encoded();
 * ```
 */
export class AppendGate {
  /** While a batch is encoded, the seq after it (and after any batch skipped with it); 0 otherwise. */
  private encoding = 0;

  /** `next`: the seq the next batch must start at; `undefined` while the store holds nothing. */
  constructor(
    private readonly store: string,
    public next: number | undefined,
  ) {}

  /**
   * Checks `batch` before the store encodes it: `INVALID_ARGUMENT` for a batch that is not one (a
   * seq below 1, no messages, a non-finite `at`), that does not start at `next`, or that comes
   * while another is being encoded. Then the store encodes it and calls `encoded()`, or
   * `refused()` with what its encoding threw. Three calls, not one taking a callback: no closure
   * on a store's hot path.
   */
  enter(batch: RecordedBatch): void {
    const { seq, at, messages } = batch;
    if (!Number.isSafeInteger(seq) || seq < 1 || typeof at !== 'number' || !Number.isFinite(at) || !Array.isArray(messages) || messages.length === 0) {
      throw new NodeflowError('INVALID_ARGUMENT', 'a recorded batch needs an integer seq >= 1, a finite at and at least one message', { seq, at });
    }
    const end = seq + messages.length;
    if (this.encoding > 0) {
      if (seq === this.encoding) this.encoding = end;
      throw new NodeflowError('INVALID_ARGUMENT', `${this.store}: append called from inside an append (a getter or toJSON of a message being recorded appends to the same log)`, { seq });
    }
    if (this.next !== undefined && seq !== this.next) {
      throw new NodeflowError('INVALID_ARGUMENT', `seq ${seq} does not follow the log's last message (expected ${this.next})`, { expected: this.next, seq });
    }
    this.encoding = end;
  }

  /** The batch entered is encoded: `next` moves past it (and past any batch skipped with it). */
  encoded(): void {
    this.next = this.encoding;
    this.encoding = 0;
  }

  /**
   * The batch entered was refused by the store's encoding (`cause`): `next` moves past it all
   * the same, and this throws `INVALID_ARGUMENT` with `details.next`, where the next batch
   * starts (a store's own NodeflowError keeps its code and details, with the skip added).
   */
  refused(batch: RecordedBatch, cause: unknown): never {
    this.encoded();
    const { seq, messages } = batch;
    const next = this.next!;
    const skipped = `seqs ${seq}..${seq + messages.length - 1} are skipped, the next batch starts at ${next}`;
    if (cause instanceof NodeflowError) throw new NodeflowError(cause.code, `${cause.message}; ${skipped}`, { ...cause.details, seq, next });
    // Looked for only here, once refused: a check per message would cost every batch. The engine
    // never hands such a batch over; a direct caller of append may.
    const bad = messages.findIndex((m) => typeof m !== 'object' || m === null || Array.isArray(m));
    if (bad >= 0) throw new NodeflowError('INVALID_ARGUMENT', `a recorded batch holds messages (objects): message ${bad} is ${describe(messages[bad])}; ${skipped}`, { seq, next, index: bad });
    throw new NodeflowError('INVALID_ARGUMENT', `a recorded batch must be JSON-encodable: ${errorMessage(cause)}; ${skipped}`, { seq, next });
  }
}
