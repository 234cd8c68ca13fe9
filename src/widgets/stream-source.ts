import { ConfigError, readOptions } from '../errors.js';
import type { ReadFrom, RecordLog } from '../record/record-log.js';
import type { LiveSource } from '../record/recording.js';
import { checkSpeed, type ReplaySpeed } from '../record/replay-options.js';

/**
 * What a replay view shows of a {@link RecordLog}: where it starts (default: the oldest batch
 * held), how fast (`'instant'`, the default, or 1..100 times the recorded timing), and whether it
 * starts paused (showing nothing until `resume()` or `step()`).
 *
 * @example
 * ```ts
 * const start: ReplayStart = { from: { seq: 1 }, speed: 10, paused: true };
 * ```
 */
export interface ReplayStart {
  readonly from?: ReadFrom;
  readonly speed?: ReplaySpeed;
  readonly paused?: boolean;
}

/**
 * Where a widget hook's data comes from, one mode per variant (the fields exist only in the mode
 * that uses them):
 * - `{ kind: 'live' }` (the default): the widget's own live stream.
 * - `{ kind: 'replay', log }`: the recorded history in `log`, replayed into a view of its own.
 * - `{ kind: 'replay-then-live', log, live }`: history first, then the live stream `live` (the
 *   `Recording` that writes `log`), with no gap and no duplicate.
 *
 * @example
 * ```tsx
 * const { data, replay } = useStreamData('chart', { source: { kind: 'replay', log, speed: 10 } });
 * ```
 */
export type StreamSource =
  | { readonly kind: 'live' }
  | (ReplayStart & { readonly kind: 'replay'; readonly log: RecordLog })
  | (ReplayStart & { readonly kind: 'replay-then-live'; readonly log: RecordLog; readonly live: LiveSource });

/** The default source. @example `useStreamData('chart', { source: LIVE })` */
export const LIVE: StreamSource = Object.freeze({ kind: 'live' });

const KINDS = "{ kind: 'live' }, { kind: 'replay', log }, or { kind: 'replay-then-live', log, live }";

/**
 * `source` checked (a `ConfigError` naming the field otherwise: an unknown kind, a field the
 * kind does not take, a log without `read`/`bounds`, a bad speed or start).
 *
 * @example
 * ```ts
 * checkSource({ kind: 'replay', log, speed: 0 }); // throws ConfigError source.speed
 * ```
 * @internal
 */
export function checkSource(source: unknown): StreamSource {
  if (source === undefined) return LIVE;
  if (source === null || typeof source !== 'object') throw new ConfigError('source', KINDS, source);
  const kind = (source as { kind?: unknown }).kind;
  if (kind === 'live') {
    readOptions(source as object, ['kind'], 'source.');
    return LIVE;
  }
  if (kind !== 'replay' && kind !== 'replay-then-live') throw new ConfigError('source.kind', KINDS, kind);
  const fields = ['kind', 'log', 'from', 'speed', 'paused', ...(kind === 'replay-then-live' ? ['live'] : [])];
  const o = readOptions(source as Record<string, unknown>, fields, 'source.');
  const log = o.log as Partial<RecordLog> | undefined;
  if (typeof log?.read !== 'function' || typeof log.bounds !== 'function') throw new ConfigError('source.log', 'a RecordLog (MemoryLog, a file log, ...)', log);
  if (kind === 'replay-then-live' && typeof (o.live as Partial<LiveSource> | undefined)?.subscribe !== 'function') throw new ConfigError('source.live', 'a LiveSource (the Recording that writes the log)', o.live);
  if ('speed' in o) {
    try {
      checkSpeed(o.speed);
    } catch {
      throw new ConfigError('source.speed', "'instant' or a number in [1, 100]", o.speed);
    }
  }
  if (o.paused !== undefined && typeof o.paused !== 'boolean') throw new ConfigError('source.paused', 'a boolean', o.paused);
  if (o.from !== undefined && !isReadFrom(o.from)) throw new ConfigError('source.from', '{ seq } (an integer >= 1) or { at } (a finite time)', o.from);
  return source as StreamSource;
}

function isReadFrom(from: unknown): boolean {
  if (from === null || typeof from !== 'object') return false;
  const f = from as { seq?: unknown; at?: unknown };
  if ('seq' in f === 'at' in f) return false;
  return 'seq' in f ? Number.isInteger(f.seq) && (f.seq as number) >= 1 : Number.isFinite(f.at);
}

/**
 * What identifies a source: a replay restarts when one of these changes, not when a parent
 * re-renders with an equal inline object.
 *
 * @example
 * ```ts
 * useEffect(start, sourceKey(source));
 * ```
 * @internal
 */
export function sourceKey(s: StreamSource): readonly unknown[] {
  if (s.kind === 'live') return ['live', undefined, undefined, undefined, undefined, undefined, undefined];
  const from = s.from as { seq?: number; at?: number } | undefined;
  return [s.kind, s.log, s.kind === 'replay-then-live' ? s.live : undefined, from?.seq, from?.at, s.speed, s.paused];
}
