import type { AnyActorRef, InspectionEvent, Subscription } from 'xstate';
import { ConfigError, describe, readOptions } from '../../errors.js';
import { hasMethods } from '../../shape.js';
import type { InspectObserver } from '../types.js';

/**
 * Which engine actor an inspection event came from.
 *
 * @example
 * ```ts
 * engine.inspect((e, tag: ActorTag) => console.log(tag.kind, tag.id, e.type));
 * ```
 */
export interface ActorTag {
  readonly kind: ActorKind;
  /** The node, widget or connection id (`'engine'` for the engine's own actor). */
  readonly id: string;
}

/**
 * The kinds of actor an engine creates. Engine and connection actors hear only control edges;
 * node and widget actors get one event per batch while they are inspected (otherwise the batch
 * is a plain call), so inspecting them costs per batch.
 *
 * @example
 * ```ts
 * engine.inspect(observer, { kinds: ['engine', 'connection'] });
 * ```
 */
export type ActorKind = 'engine' | 'node' | 'connection' | 'widget';

/**
 * An observer of engine actors' XState inspection events, told which actor sent each.
 *
 * @example
 * ```ts
 * const observer: TaggedInspector = (e, tag) => { if (e.type === '@xstate.snapshot') console.log(tag.id); };
 * ```
 */
export type TaggedInspector = (event: InspectionEvent, tag: ActorTag) => void;

type AnySystem = AnyActorRef['system'];

/** One XState system the hub may inspect: the engine's own, or one kind's shared system. */
interface Watched {
  readonly kind: ActorKind;
  /** The system's subscription while somebody inspects this kind. */
  sub: Subscription | undefined;
}

const announce = (actor: AnyActorRef): InspectionEvent => ({ type: '@xstate.actor', actorRef: actor, rootId: actor.sessionId });

/**
 * Attaches inspection observers to the engine's actors, present and future, and detaches them
 * again. The engine's actor is a root; nodes, widgets and connections each share one system per
 * kind (`ActorSystems`). The hub subscribes to a system (`system.inspect`) only while somebody
 * inspects its kind, and tells each event's actor by a map lookup. While nobody inspects a kind
 * nothing is attached to its system, so XState returns before copying and dispatching its
 * inspection events: measured, an observer on the per-batch actors halves throughput.
 *
 * @example
 * ```ts
 * const hub = new InspectionHub();
 * hub.track(connection.actor, { kind: 'connection', id: connection.id });
 * const stop = hub.add((e, tag) => console.log(tag.id, e.type), ['connection']);
 * ```
 * @internal
 */
export class InspectionHub {
  private readonly observers = new Map<TaggedInspector, ReadonlySet<ActorKind> | null>();
  private readonly actors = new Map<AnyActorRef, ActorTag>();
  private readonly systems = new Map<AnySystem, Watched>();
  private pruneAt = 64;
  /** Starts the dormant actors of the given kinds (all when null), so they can be inspected. */
  waker: ((kinds: ReadonlySet<ActorKind> | null) => void) | undefined = undefined;

  /** Registers an actor; announces it at once if somebody inspects its kind. */
  track(actor: AnyActorRef, tag: ActorTag): void {
    this.actors.set(actor, tag);
    let w = this.systems.get(actor.system);
    if (!w) {
      w = { kind: tag.kind, sub: undefined };
      this.systems.set(actor.system, w);
    }
    if (this.wanted(tag.kind)) {
      // XState told the system's observers of the actor while it was being made, before it was
      // tracked here: announce it again, now with its tag.
      if (w.sub) this.dispatch(announce(actor), tag);
      else this.attach(actor.system, w);
    }
    // Stopped actors (and systems with none left) leave lazily: amortised O(1) per track.
    if (this.actors.size >= this.pruneAt) this.prune();
  }
  /**
   * `engine.inspect()`'s argument checks: a function or an observer with next(), and kinds
   * from {@link ActorKind}; then {@link add}.
   */
  observe(observer: TaggedInspector | InspectObserver, options: { kinds?: readonly ActorKind[] }): () => void {
    const kinds = readKinds(readOptions(options, ['kinds']).kinds);
    if (typeof observer === 'function') return this.add(observer as TaggedInspector, kinds);
    if (hasMethods(observer, ['next'])) return this.add((e) => observer.next!(e), kinds);
    throw new ConfigError('inspect', 'a function (event, actor) => void or an observer with next()', observer);
  }

  /** Adds an observer of the given kinds (all when null); returns the function that removes it. */
  add(observer: TaggedInspector, kinds: readonly ActorKind[] | null = null): () => void {
    const set = kinds ? new Set(kinds) : null;
    // Before the observer is in: the woken actors are announced to it once, by the loop below.
    this.waker?.(set);
    this.observers.set(observer, set);
    for (const [system, w] of this.systems) if (!w.sub && this.wants(observer, w.kind)) this.attach(system, w, false);
    // Every live actor of its kinds, announced once to this observer (XState's own announcement
    // went out when the actor was made, to whoever inspected then).
    for (const [a, tag] of this.actors) if (this.wants(observer, tag.kind) && a.getSnapshot().status === 'active') this.call(observer, announce(a), tag);
    return () => this.remove(observer);
  }

  private remove(observer: TaggedInspector): void {
    if (!this.observers.delete(observer)) return;
    for (const w of this.systems.values()) {
      if (!w.sub || this.wanted(w.kind)) continue;
      w.sub.unsubscribe();
      w.sub = undefined;
    }
  }

  private wants(observer: TaggedInspector, kind: ActorKind): boolean {
    const k = this.observers.get(observer);
    return k === null || k?.has(kind) === true;
  }

  /** Does somebody inspect actors of `kind`? (Then new ones start at once.) */
  inspects(kind: ActorKind): boolean {
    return this.wanted(kind);
  }

  private wanted(kind: ActorKind): boolean {
    for (const k of this.observers.values()) if (k === null || k.has(kind)) return true;
    return false;
  }

  /** Subscribes to a system; `announce` tells the observers of its live actors. */
  private attach(system: AnySystem, w: Watched, announceAll = true): void {
    w.sub = system.inspect({
      next: (e: InspectionEvent) => {
        const tag = this.actors.get(e.actorRef as AnyActorRef);
        if (tag) this.dispatch(e, tag); // the system's silent root has no tag
      },
    });
    if (!announceAll) return;
    for (const [a, tag] of this.actors) if (a.system === system && a.getSnapshot().status === 'active') this.dispatch(announce(a), tag);
  }

  private dispatch(e: InspectionEvent, tag: ActorTag): void {
    for (const [o, k] of this.observers) if (k === null || k.has(tag.kind)) this.call(o, e, tag);
  }

  private prune(): void {
    for (const a of this.actors.keys()) if (a.getSnapshot().status !== 'active') this.actors.delete(a);
    const live = new Set<AnySystem>();
    for (const a of this.actors.keys()) live.add(a.system);
    for (const [system, w] of this.systems) {
      if (live.has(system)) continue;
      w.sub?.unsubscribe();
      this.systems.delete(system);
    }
    this.pruneAt = Math.max(64, this.actors.size * 2);
  }

  // An observer runs inside the actor's event processing: its throw must not break delivery
  // (the message was already accepted). It is detached and its error reported once.
  private call(o: TaggedInspector, e: InspectionEvent, tag: ActorTag): void {
    try {
      o(e, tag);
    } catch (error) {
      this.remove(o);
      console.error(`nodeflow: an inspection observer threw on ${e.type} from ${tag.kind} ${tag.id}; it was detached.`, error);
    }
  }
}

const KINDS: readonly string[] = ['engine', 'node', 'connection', 'widget'];

// The caller's kinds, copied once and checked (null: every kind).
function readKinds(kinds: unknown): readonly ActorKind[] | null {
  if (kinds === undefined || kinds === null) return null;
  let copy: unknown[] | undefined;
  try {
    if (Array.isArray(kinds)) copy = Array.from(kinds as unknown[]);
  } catch {
    // unreadable: refused below
  }
  const bad = copy ? copy.find((k) => typeof k !== 'string' || !KINDS.includes(k)) : kinds;
  if (!copy || bad !== undefined) throw new ConfigError('kinds', `an array of 'engine' | 'node' | 'connection' | 'widget' (got ${describe(bad)})`, kinds);
  return copy as ActorKind[];
}
