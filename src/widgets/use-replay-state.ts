import { useMemo, useSyncExternalStore } from 'react';
import type { Subscription } from 'rxjs';
import { ConfigError } from '../errors.js';
import type { Replay } from '../record/replay.js';
import type { ReplayState } from '../record/replay-state.js';
import { isInstance } from '../shape.js';
import { FrameLoop, frameLoop as pageLoop, type FrameTask } from './frame-loop.js';

/**
 * One hook's view of a replay's `state$`, for `useSyncExternalStore`: each state only replaces
 * the latest (one assignment per shown batch), and the frame loop publishes it at most once a
 * frame, so a replay at 100x costs a render per frame, not one per batch.
 * @internal
 */
class ReplayStateStore implements FrameTask {
  private snap: ReplayState;
  private latest: ReplayState;
  private notify: (() => void) | undefined;
  private sub: Subscription | undefined;

  constructor(
    private readonly replay: Replay,
    private readonly loop: FrameLoop,
  ) {
    this.snap = this.latest = replay.state();
  }

  getSnapshot = (): ReplayState => this.snap;

  subscribe = (notify: () => void): (() => void) => {
    this.notify = notify;
    this.sub = this.replay.state$.subscribe((s) => {
      this.latest = s;
      if (s !== this.snap) this.loop.schedule(this);
    });
    return () => {
      this.sub?.unsubscribe();
      this.sub = undefined;
      this.loop.cancel(this);
      this.notify = undefined;
    };
  };

  frame(): boolean {
    if (this.latest === this.snap || !this.notify) return false;
    this.snap = this.latest;
    this.notify();
    return false;
  }
}

const idle = () => () => {};
const none = () => undefined;

/**
 * The state of `replay` (status, phase, speed, position, shown), re-rendering at most once per
 * frame through the shared frame loop however fast batches are shown; undefined while there is
 * no replay. Unsubscribes, and cancels its frame, on unmount or when `replay` changes.
 *
 * @example
 * ```tsx
 * function Where({ replay }: { replay: Replay | undefined }) {
 *   const s = useReplayState(replay);
 *   return <span>{s?.status} at seq {s?.position?.seq ?? '-'}</span>;
 * }
 * ```
 */
export function useReplayState(replay: Replay | undefined, options: { frameLoop?: FrameLoop } = {}): ReplayState | undefined {
  if (options.frameLoop !== undefined && !isInstance(options.frameLoop, FrameLoop)) throw new ConfigError('frameLoop', 'a FrameLoop', options.frameLoop);
  if (replay !== undefined && (replay === null || typeof (replay as Partial<Replay>).state !== 'function')) throw new ConfigError('replay', 'a Replay (from replay(), useReplay or useStreamData)', replay);
  const loop = options.frameLoop ?? pageLoop;
  const store = useMemo(() => (replay ? new ReplayStateStore(replay, loop) : undefined), [replay, loop]);
  return useSyncExternalStore(store?.subscribe ?? idle, store?.getSnapshot ?? none, store?.getSnapshot ?? none);
}
