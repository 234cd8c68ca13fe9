import type { NodeflowError } from '../../errors.js';
import type { LogFs } from './fs-layer.js';
import { logErrors } from './log-errors.js';
import type { SyncState } from './sync-state.js';

/**
 * Rolled segments syncing and closing at once, at most: a slow disk with small segments would
 * otherwise pile fdatasyncs (and open files) on the thread pool; past this the writes wait.
 */
const MAX_ROLLING = 4;

/** What the syncer reports to its writer. @internal */
export interface SyncerHost {
  readonly fs: LogFs;
  readonly syncs: SyncState;
  /** A failed fdatasync: counted and reported by the writer. */
  failed(error: NodeflowError): void;
  /** A rolled segment is synced and closed (retention may delete segments now). */
  rolled(): void;
  /** A sync ended: the writer's pump looks again (a later sync may be asked for). */
  ended(): void;
}

/**
 * The file log writer's fdatasyncs, run beside its writes, never in front of them (an fdatasync
 * a second took 7-16 ms here, a full segment's 5-14 ms, and every write used to wait): a sync of
 * what is written so far, and each full segment's sync and close in the background. A sync
 * waits for the rolled segments still syncing; a rolled segment waits for a sync that uses its
 * file before closing it (a closed fd number is reused by the next open). @internal
 *
 * @example
 * ```ts
 * const syncer = new Syncer({ fs, syncs, failed: report, rolled: enforceRetention, ended: kick });
 * if (!syncer.busy && syncs.due()) syncer.start(activeFd);
 * ```
 */
export class Syncer {
  private syncing: Promise<void> | undefined;
  private readonly rolling = new Set<Promise<void>>();

  constructor(private readonly h: SyncerHost) {}

  /** A sync is running. */
  get busy(): boolean {
    return this.syncing !== undefined;
  }

  /** Syncs what is written so far: `fd` (the active file, if any) and the rolled segments. */
  start(fd: number | undefined): void {
    const upTo = this.h.syncs.begin();
    const rolled = [...this.rolling];
    this.syncing = (async () => {
      let error: NodeflowError | undefined;
      try {
        const own =
          fd === undefined
            ? undefined
            : this.h.fs.fdatasync(fd).catch((e) => {
                error = logErrors.writeFailed('sync', e, 0, 0);
                this.h.failed(error);
              });
        await Promise.all([own, ...rolled]);
      } finally {
        this.h.syncs.synced(upTo, error);
      }
    })().finally(() => {
      this.syncing = undefined;
      this.h.ended();
    });
  }

  /**
   * Syncs and closes a full segment's `fd` in the background, after a sync that uses it;
   * resolves at once, or when fewer than MAX_ROLLING are in progress.
   */
  async roll(fd: number): Promise<void> {
    const after = this.syncing;
    const done = (async () => {
      // Whatever became of that sync (its own failure is its waiters'), this file is synced
      // and closed: a roll that gave up here would leak the file and skip its sync.
      await after?.catch(() => undefined);
      try {
        await this.h.fs.fdatasync(fd).catch((e) => {
          const error = logErrors.writeFailed('sync', e, 0, 0);
          this.h.syncs.syncFailed(error);
          this.h.failed(error);
        });
      } finally {
        await this.h.fs.close(fd).catch(() => undefined);
      }
      this.h.rolled();
    })().catch((e: unknown) => console.warn(`[nodeflow] file log: after a segment roll: ${e instanceof Error ? e.message : String(e)}`));
    this.rolling.add(done);
    void done.finally(() => this.rolling.delete(done));
    while (this.rolling.size >= MAX_ROLLING) await Promise.race(this.rolling);
  }

  /** Every sync and roll in progress is over. */
  async settled(): Promise<void> {
    await this.syncing?.catch(() => undefined);
    await Promise.all(this.rolling);
  }
}
