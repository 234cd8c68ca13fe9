import type { EngineEvent } from '../actors/types.js';
import type { ConnectionLike, EngineLike, WidgetLike } from './engine-like.js';

/**
 * What a stream id names: the widget whose data it is, and the connections feeding it.
 *
 * @example
 * ```ts
 * const { widget, feeds } = resolveStream(engine, 'chart');
 * ```
 */
export interface ResolvedStream {
  readonly widget: WidgetLike | undefined;
  readonly feeds: readonly ConnectionLike[];
}

// A connection in one of these states feeds nothing any more.
const DEAD = new Set(['closing', 'closed', 'failed']);

/**
 * Resolves a stream id: a widget id (`engine.createWidget(id)`), a connection id
 * (`'sensor:out->chart:in'`) or an output port (`'sensor:out'`) whose connection ends in a
 * widget. Never throws: an unknown id resolves to no widget. Reads the engine's topology
 * snapshot, so it costs O(connections into the widget), not O(connections).
 *
 * @example
 * ```ts
 * resolveStream(engine, 'sensor:out').widget?.id; // 'chart'
 * ```
 */
export function resolveStream(engine: EngineLike, streamId: string): ResolvedStream {
  // No such connection, or a port with several: nothing to show.
  const target = engine.findConnection(streamId)?.targetNodeId;
  const widget = engine.findWidget(streamId) ?? (target === undefined ? undefined : engine.findWidget(target));
  if (!widget) return { widget, feeds: [] };
  const t = engine.topology();
  const feeds: ConnectionLike[] = [];
  for (const id of t.node(widget.id)?.inputs ?? []) {
    if (!DEAD.has(t.connection(id)?.state ?? 'closed')) feeds.push(engine.getConnection(id));
  }
  return { widget, feeds };
}

// How long a stream id may name nothing before useStreamData warns: a widget created by a
// parent's effect (which runs after the hook's own) or by a workflow starting up appears well
// within it.
const UNKNOWN_GRACE_MS = 1000;

/**
 * Says the development warning `UNKNOWN_STREAM` (once per id and engine) if `streamId` still
 * names no widget after a grace period on the engine's clock; returns what cancels it. Nothing
 * at all while the engine's warnings are off.
 *
 * @example
 * ```ts
 * useEffect(() => (resolved.widget ? undefined : warnIfUnknown(engine, streamId)), [engine, streamId, resolved.widget]);
 * ```
 * @internal
 */
export function warnIfUnknown(engine: EngineLike, streamId: string): () => void {
  // The engine's own warnings channel (internal, so not part of EngineLike): an engine without
  // one, such as a remote mirror, has nothing to say.
  const warnings = (engine as { warnings?: { enabled?: boolean; unknownStream?: (id: string) => void } }).warnings;
  if (!warnings?.enabled || typeof warnings.unknownStream !== 'function') return () => {};
  const clock = engine.clock;
  const timer = clock.setTimeout(() => {
    if (!resolveStream(engine, streamId).widget) warnings.unknownStream?.(streamId);
  }, UNKNOWN_GRACE_MS);
  return () => clock.clearTimeout(timer);
}

/**
 * resolveStream for one hook, as a `useSyncExternalStore` snapshot: the same object until the
 * resolution itself changes (another widget, another set of live feeds), so a hook re-renders
 * when its own stream changes, not on every connection created anywhere. O(1) while the
 * topology counter stands still, O(connections into the widget) when it moves.
 *
 * @example
 * ```ts
 * const resolve = streamResolver(engine, 'chart');
 * const resolved = useSyncExternalStore(topologyOf(engine).subscribe, resolve, resolve);
 * ```
 * @internal
 */
export function streamResolver(engine: EngineLike, streamId: string): () => ResolvedStream {
  const topology = topologyOf(engine);
  let at = -1;
  let last: ResolvedStream = { widget: undefined, feeds: [] };
  return () => {
    if (topology.version() === at) return last;
    at = topology.version();
    const r = resolveStream(engine, streamId);
    if (r.widget === last.widget && r.feeds.length === last.feeds.length && r.feeds.every((c, i) => c === last.feeds[i])) return last;
    return (last = r);
  };
}

/**
 * A counter that moves when the engine's topology changes (a widget or connection created or
 * removed, a connection entering or leaving a dead state): hooks re-resolve their ids on it. One lifecycle
 * subscription per engine, shared by every hook and dropped with the last listener. State
 * changes that keep a connection alive (flowing ⇄ backpressured) do not move it, so they never
 * cost a render here.
 *
 * @example
 * ```ts
 * const t = topologyOf(engine);
 * const off = t.subscribe(() => console.log('topology', t.version()));
 * ```
 */
export interface Topology {
  subscribe(listener: () => void): () => void;
  version(): number;
}

const stores = new WeakMap<EngineLike, Topology>();

/** The engine's shared topology counter (see {@link Topology}). @example `topologyOf(engine).version()` */
export function topologyOf(engine: EngineLike): Topology {
  let t = stores.get(engine);
  if (!t) stores.set(engine, (t = createTopology(engine)));
  return t;
}

function createTopology(engine: EngineLike): Topology {
  const listeners = new Set<() => void>();
  let version = 0;
  let sub: { unsubscribe(): void } | undefined;
  const onEvent = (e: EngineEvent) => {
    if (e.type === 'connection.state' && DEAD.has(e.from) === DEAD.has(e.to)) return;
    if (e.type !== 'connection.state' && e.type !== 'connection.created' && e.type !== 'connection.removed' && e.type !== 'widget.created' && e.type !== 'widget.removed') return;
    version++;
    for (const l of [...listeners]) l();
  };
  return {
    version: () => version,
    subscribe(listener) {
      listeners.add(listener);
      // lifecycle$ is events$ without per-drop events: subscribing costs nothing per message.
      sub ??= engine.lifecycle$.subscribe(onEvent);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          sub?.unsubscribe();
          sub = undefined;
        }
      };
    },
  };
}
