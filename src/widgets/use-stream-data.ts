import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { DELAY_ALLOWED, isDelay } from '../clock.js';
import { MAX_BUFFER_SIZE } from '../config.js';
import { ConfigError, readOptions } from '../errors.js';
import { isInstance } from '../shape.js';
import { FrameLoop, frameLoop as pageLoop } from './frame-loop.js';
import { useStreamEngine } from './engine-context.js';
import type { EngineLike } from './engine-like.js';
import { StreamDataStore } from './stream-data-store.js';
import type { StreamData } from './stream-data.js';
import type { StreamSource } from './stream-source.js';
import { streamResolver, topologyOf, warnIfUnknown, type ResolvedStream } from './topology.js';
import { replayFeeding, useReplay } from './use-replay.js';
import { useReplayOver } from './use-replay-over.js';
import { useDocumentVisible } from './visibility.js';

/**
 * Options of `useStreamData`.
 *
 * @example
 * ```ts
 * const options: StreamDataOptions = { bufferSize: 1000, updateInterval: 16, enableBackpressure: true };
 * ```
 */
export interface StreamDataOptions {
  /** Messages in `data` (the last ones of the widget's window; the window bounds it). Default: the window. */
  bufferSize?: number;
  /** Least ms between renders (default 16: one frame). The governor may widen it. */
  updateInterval?: number;
  /**
   * Push back instead of overwriting: once the widget's window holds a window's worth of
   * messages this UI has not rendered yet, the widget holds its next batch, so the connection
   * into it backpressures (and its overflow strategy decides) until the next render.
   */
  enableBackpressure?: boolean;
  /** No renders, and no pushback, while true (e.g. off screen). */
  paused?: boolean;
  /** The engine (default: the nearest StreamEngineProvider's). */
  engine?: EngineLike;
  /** The frame loop (default: the page's); inject one in tests. */
  frameLoop?: FrameLoop;
  /**
   * Where the data comes from (default `{ kind: 'live' }`): a replay of a recorded log, or a
   * replay that then joins the live stream. A replay shows in a private view widget (never in
   * the live one) and stops on unmount or when the source changes; `replay` in the result is its
   * controller; `streamId` then names nothing the hook reads. Needs a local StreamEngine.
   */
  source?: StreamSource;
}

// Nothing to show yet: a replay source before its view exists (never the live widget instead).
const NOTHING: ResolvedStream = Object.freeze({ widget: undefined, feeds: Object.freeze([]) });
const nothing = () => NOTHING;

/**
 * Live data of a widget, re-rendering at most once per `updateInterval` however fast messages
 * come. `streamId` is a widget id (`engine.createWidget(id)`), a connection id
 * (`'sensor:out->chart:in'`) or an output port (`'sensor:out'`) whose connection ends in a
 * widget. It re-resolves when connections are created or removed, and re-subscribes when
 * `streamId` changes; an id that still names nothing after a second gives the engine's
 * development warning `UNKNOWN_STREAM`, naming the closest ids. `isConnected` is true while the widget runs and a live connection feeds
 * it. With a replay `source` it shows the replay's own view instead (see {@link StreamSource}),
 * `isConnected` while the replay goes on, and `replay` is its controller.
 *
 * @example
 * ```tsx
 * function MyWidget({ streamId }: { streamId: string }) {
 *   const { data, isConnected, metrics } = useStreamData(streamId, { bufferSize: 1000, updateInterval: 16, enableBackpressure: true });
 *   return <div>{isConnected ? 'Connected' : 'Disconnected'}: {metrics.messageCount} ({data.length} shown)</div>;
 * }
 * ```
 */
export function useStreamData<T = unknown>(streamId: string, options: StreamDataOptions = {}): StreamData<T> {
  // One read into a copy (a typo such as updateIntervall is refused, not ignored).
  const o = readOptions(options, ['bufferSize', 'updateInterval', 'enableBackpressure', 'paused', 'engine', 'frameLoop', 'source']);
  for (const k of ['enableBackpressure', 'paused'] as const) if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new ConfigError(k, 'a boolean', o[k]);
  if (typeof streamId !== 'string' || streamId === '') throw new ConfigError('streamId', 'a non-empty string (a widget id, a connection id, or nodeId:port)', streamId);
  const engine = useStreamEngine(o.engine);
  const updateInterval = o.updateInterval ?? 16;
  if (!isDelay(updateInterval)) throw new ConfigError('updateInterval', DELAY_ALLOWED, updateInterval);
  const bufferSize = o.bufferSize ?? Infinity;
  if (bufferSize !== Infinity && (!Number.isInteger(bufferSize) || bufferSize < 1 || bufferSize > MAX_BUFFER_SIZE)) throw new ConfigError('bufferSize', `an integer in [1, ${MAX_BUFFER_SIZE}], or Infinity (keep all)`, bufferSize);
  const enableBackpressure = o.enableBackpressure ?? false;
  if (o.frameLoop !== undefined && !isInstance(o.frameLoop, FrameLoop)) throw new ConfigError('frameLoop', 'a FrameLoop', o.frameLoop);
  const loop = o.frameLoop ?? pageLoop;
  const view = useReplay(o.source, { engine, bufferSize });
  const replaying = o.source !== undefined && o.source.kind !== 'live';
  const target = replaying ? view.viewId : streamId;
  // Re-renders when this stream's widget or live feeds change, not on every topology change.
  const resolve = useMemo(() => (target === undefined ? nothing : streamResolver(engine, target)), [engine, target]);
  const resolved = useSyncExternalStore(topologyOf(engine).subscribe, resolve, resolve);
  const widget = resolved.widget;
  // An id that names nothing renders "Disconnected" forever: a typo should not be silent.
  useEffect(() => (widget || target === undefined ? undefined : warnIfUnknown(engine, target)), [engine, target, widget]);
  const store = useMemo(
    () => new StreamDataStore(widget, { bufferSize, updateInterval, enableBackpressure }, loop, engine.clock),
    [widget, bufferSize, updateInterval, enableBackpressure, loop, engine],
  );
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const visible = useDocumentVisible();
  const paused = o.paused === true || !visible;
  useEffect(() => store.setPaused(paused), [store, paused]);
  useEffect(() => store.setFeeds(resolved.feeds), [store, resolved]);
  // A replay view (this hook's, or one a parent's useReplay made and named) has no connection:
  // it is connected while its replay goes on.
  const replay = view.replay ?? replayFeeding(widget);
  const over = useReplayOver(replay);
  const isConnected = snap.live && (replay !== undefined ? !over : !replaying && resolved.feeds.length > 0);
  return useMemo(() => ({ data: snap.data, latest: snap.latest, isConnected, metrics: snap.metrics, replay }) as StreamData<T>, [snap, isConnected, replay]);
}
