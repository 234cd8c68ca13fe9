import { useEffect, useState } from 'react';
import type { StreamEngine } from '../actors/engine/stream-engine.js';
import { MAX_BUFFER_SIZE } from '../config.js';
import { ConfigError, readOptions } from '../errors.js';
import { replay, type Replay } from '../record/replay.js';
import { useStreamEngine } from './engine-context.js';
import type { EngineLike } from './engine-like.js';
import { checkSource, sourceKey, type StreamSource } from './stream-source.js';

/**
 * What {@link useReplay} gives: the id of the private view widget the replay shows into (pass it
 * as any component's `streamId`) and the replay's controller (pass it to `Timeline`). Both are
 * undefined for a live source, and until the effect that starts the replay has run.
 *
 * @example
 * ```tsx
 * const { viewId, replay } = useReplay({ kind: 'replay', log });
 * ```
 */
export interface ReplayView {
  readonly viewId: string | undefined;
  readonly replay: Replay | undefined;
}

/**
 * Options of {@link useReplay}.
 *
 * @example
 * ```ts
 * const options: ReplayViewOptions = { bufferSize: 500 };
 * ```
 */
export interface ReplayViewOptions {
  /** The engine (default: the nearest provider's). A replay needs a local `StreamEngine`. */
  engine?: EngineLike;
  /** The view widget's window (default: the engine's `bufferSize`). */
  bufferSize?: number;
}

type Held = { readonly view: ReplayView; readonly deps: readonly unknown[]; readonly error?: unknown };

const NONE: ReplayView = Object.freeze({ viewId: undefined, replay: undefined });
let views = 0;
// Which replay feeds a view widget: a component shown on the view (by its id) reads it to say
// "connected" while the replay goes on, and to hand out its controller.
const feeding = new WeakMap<object, Replay>();

/**
 * The replay a {@link useReplay} view widget is fed by, if `widget` is one.
 *
 * @example
 * ```ts
 * const r = replayFeeding(engine.findWidget(viewId));
 * ```
 * @internal
 */
export function replayFeeding(widget: object | undefined): Replay | undefined {
  return widget === undefined ? undefined : feeding.get(widget);
}

/**
 * Starts `source` (a replay mode of {@link StreamSource}) into a private view widget of its own,
 * so a replay never mixes with the live widget's data, and stops it on unmount or when the
 * source's identity changes: the replay is stopped (its timer cleared, its read and live
 * subscription released) and the view widget removed. A live source does nothing. A malformed
 * source throws a `ConfigError` from the render; a start outside the history (`OUT_OF_RANGE`)
 * is thrown by the next render, to the nearest error boundary.
 *
 * @example
 * ```tsx
 * function Replayed({ log }: { log: RecordLog }) {
 *   const { viewId, replay } = useReplay({ kind: 'replay', log, speed: 10 });
 *   return viewId ? <><LineChart streamId={viewId} /><Timeline replay={replay} /></> : null;
 * }
 * ```
 */
export function useReplay(source: StreamSource | undefined, options: ReplayViewOptions = {}): ReplayView {
  const s = checkSource(source);
  const o = readOptions(options, ['engine', 'bufferSize']);
  const size = o.bufferSize;
  if (size !== undefined && size !== Infinity && !(Number.isInteger(size) && size >= 1 && size <= MAX_BUFFER_SIZE)) throw new ConfigError('bufferSize', `an integer in [1, ${MAX_BUFFER_SIZE}], or Infinity (the engine's window)`, size);
  const engine = useStreamEngine(o.engine);
  if (s.kind !== 'live' && (typeof (engine as Partial<StreamEngine>).createWidget !== 'function' || typeof (engine as Partial<StreamEngine>).removeWidget !== 'function')) {
    throw new ConfigError('source', "{ kind: 'live' } with this engine (a replay needs a local StreamEngine, not a remote mirror)", s);
  }
  const deps = [engine, size, ...sourceKey(s)];
  const [held, setHeld] = useState<Held | undefined>(undefined);
  useEffect(() => {
    if (s.kind === 'live') return;
    const local = engine as StreamEngine;
    const id = `nodeflow.replay.${++views}`;
    let r: Replay;
    try {
      const w = local.createWidget(id, size !== undefined && Number.isFinite(size) ? { bufferSize: size } : {});
      r = replay(local, s.log, id, { from: s.from, speed: s.speed ?? 'instant', paused: s.paused ?? false, live: s.kind === 'replay-then-live' ? s.live : undefined });
      feeding.set(w, r);
    } catch (error) {
      remove(local, id);
      setHeld({ view: NONE, deps, error });
      return;
    }
    setHeld({ view: { viewId: id, replay: r }, deps });
    return () => {
      void r.stop();
      remove(local, id);
    };
    // The deps are the source's identity (sourceKey), not the object: an equal inline source is the same replay.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  // State from an older source (before its cleanup ran) is not this source's: show nothing of it.
  if (held === undefined || !same(held.deps, deps)) return NONE;
  if (held.error !== undefined) throw held.error;
  return held.view;
}

function remove(engine: StreamEngine, id: string): void {
  // The engine may have been stopped (and its widgets dropped) before the component unmounts.
  if (engine.findWidget(id)) engine.removeWidget(id);
}

function same(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}
