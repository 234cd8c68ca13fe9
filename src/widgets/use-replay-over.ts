import { useEffect, useState } from 'react';
import type { Replay } from '../record/replay.js';

const FINAL = new Set(['ended', 'stopped', 'failed']);

/**
 * Whether `replay` is over (`ended`, `stopped` or `failed`), re-rendering once when it ends: it
 * waits on `done`, never on `state$`, so a running replay costs no render here.
 *
 * @example
 * ```tsx
 * const over = useReplayOver(replay);
 * return <span>{over ? 'replay over' : 'replaying'}</span>;
 * ```
 * @internal
 */
export function useReplayOver(replay: Replay | undefined): boolean {
  const [over, setOver] = useState<Replay | undefined>(undefined);
  useEffect(() => {
    if (replay === undefined) return;
    let current = true;
    void replay.done.then(() => current && setOver(replay));
    return () => {
      current = false;
    };
  }, [replay]);
  return replay !== undefined && (over === replay || FINAL.has(replay.state().status));
}
