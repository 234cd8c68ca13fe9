import type { NodeContext } from '../actors/workflow/node-types.js';

/**
 * What an I/O node does with a payload it cannot turn into data (malformed or oversized):
 * `drop` counts it (`io.counters.malformed` / `oversized`) and reports an `io.error` event;
 * `error` does the same and also emits it on the node's `error` output port as an
 * {@link InvalidPayload}, a dead letter a flow can route, store or show.
 *
 * @example
 * ```ts
 * const config = { topic: 'sensors/#', onInvalid: 'error' satisfies InvalidPolicy };
 * ```
 */
export type InvalidPolicy = 'drop' | 'error';

/**
 * The message an I/O source emits on its `error` port for a payload it could not decode.
 *
 * @example
 * ```ts
 * // { code: 'MALFORMED_PAYLOAD', message: 'payload is not JSON (...)', source: 'sensors/a', size: 12, sample: '{"t":' }
 * ```
 */
export interface InvalidPayload {
  readonly code: string;
  readonly message: string;
  /** Where it came from: a topic, subject, file:line, or peer address. */
  readonly source: string;
  /**
   * Its size in bytes. An oversized payload is refused without being kept: then at least the
   * limit plus one (or the size its sender declared, such as a `Content-Length`), and `sample`
   * is empty.
   */
  readonly size: number;
  /** The first 256 characters of the payload, as text. */
  readonly sample: string;
}

const COUNTER: Record<string, string> = { MALFORMED_PAYLOAD: 'malformed', OVERSIZED_PAYLOAD: 'oversized' };
const REPORT_EVERY_MS = 1000;

/**
 * Counts, reports and (with `onInvalid: 'error'`) routes invalid payloads. Reports are
 * rate-limited to one per code per second, so a flood of bad input costs a counter per message,
 * not an event and a status publish each.
 *
 * @example
 * ```ts
 * const invalid = new InvalidPayloads(ctx, config.onInvalid ?? 'drop');
 * if (!d.ok) invalid.handle(d.code, d.message, topic, payload);
 * ```
 * @internal
 */
export class InvalidPayloads {
  private readonly lastReport = new Map<string, number>();
  private readonly errorOut: ReturnType<NodeContext['output']> | undefined;

  constructor(
    private readonly ctx: NodeContext,
    policy: InvalidPolicy,
  ) {
    this.errorOut = policy === 'error' ? ctx.output('error') : undefined;
  }

  handle(code: string, message: string, source: string, payload: Uint8Array | string, knownSize?: number): void {
    this.ctx.count(COUNTER[code] ?? 'invalid');
    const now = this.ctx.clock.now();
    const last = this.lastReport.get(code);
    if (last === undefined || now - last >= REPORT_EVERY_MS) {
      this.lastReport.set(code, now);
      this.ctx.report({ kind: 'error', code, message: `${message} (from ${source})` });
    }
    if (!this.errorOut) return;
    const size = knownSize ?? (typeof payload === 'string' ? payload.length : payload.byteLength);
    const head = typeof payload === 'string' ? payload.slice(0, 256) : new TextDecoder().decode(payload.subarray(0, 256));
    const dead: InvalidPayload = { code, message, source, size, sample: head };
    // A full error port drops the dead letter (counted): invalid input never holds valid data back.
    if (this.errorOut(dead) === 'full') this.ctx.count('errorPortFull');
  }
}
