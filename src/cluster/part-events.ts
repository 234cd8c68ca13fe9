import type { StreamEngine } from '../actors/engine/stream-engine.js';
import { LISTEN_LEASE_MS, SAMPLE_MS, encode, subjects, type EventBatch } from './protocol.js';
import { EventBatcher, RunTap } from './run-tap.js';

/**
 * Default cap of debug events a worker forwards per part and tick (four thousand a second):
 * far above what a run's edges produce (no event is per message), low enough that one batch
 * stays a small NATS message.
 *
 * @example
 * ```ts
 * await startWorker({ cluster, name: 'w1', workflowEngine: wf, eventsPerTick: EVENTS_PER_TICK / 2 });
 * ```
 */
export const EVENTS_PER_TICK = 1000;

/**
 * A worker part's debug events on their way to the coordinator: recorded only while the
 * coordinator listens (its `listen` lease, renewed every tick, or the start request's flag),
 * sent as ONE message per tick on `nodeflow.run.<run>.events.<worker>`, at most `cap` events
 * each (the rest counted as `eventsDropped`).
 *
 * @example
 * ```ts
 * const ev = new PartEvents(engine, def.nodes.map((n) => n.id), 1000, { run, worker, incarnation }, publish);
 * ev.listen(true); // on the coordinator's lease
 * ev.tick();       // every SAMPLE_MS
 * ev.close();      // the part ended
 * ```
 * @internal
 */
export class PartEvents {
  private readonly tap: RunTap;
  private readonly batcher: EventBatcher;
  private leaseUntil = 0;

  constructor(
    engine: StreamEngine,
    nodeIds: Iterable<string>,
    cap: number,
    private readonly meta: Pick<EventBatch, 'run' | 'worker' | 'incarnation'>,
    private readonly publish: (subject: string, data: Uint8Array) => void,
  ) {
    this.batcher = new EventBatcher(cap);
    this.tap = new RunTap(engine, nodeIds, SAMPLE_MS, (e) => this.batcher.push(e));
  }

  /** The coordinator's lease (`on`), or its end. */
  listen(on: boolean): void {
    if (on) {
      this.leaseUntil = Date.now() + LISTEN_LEASE_MS;
      this.tap.start();
    } else this.stop();
  }

  /** Sends this tick's batch; a lease nobody renewed lapses (the coordinator is gone). */
  tick(): void {
    if (this.tap.active && Date.now() > this.leaseUntil) this.stop();
    else this.flush();
  }

  /** The part ended: its last events go before its last status sample (none when `flush` is false: a fenced part says nothing more). */
  close(flush = true): void {
    if (flush) this.stop();
    else this.tap.stop();
  }

  private stop(): void {
    this.tap.stop();
    this.flush();
  }

  private flush(): void {
    const batch = this.batcher.take(this.meta);
    if (batch) this.publish(subjects.events(this.meta.run, this.meta.worker), encode(batch));
  }
}
