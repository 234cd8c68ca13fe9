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
 * node and widget actors get one event per batch, so inspecting them costs per batch.
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

interface Tracked {
  readonly tag: ActorTag;
  sub: Subscription | undefined;
}

const announce = (actor: AnyActorRef): InspectionEvent => ({ type: '@xstate.actor', actorRef: actor, rootId: actor.sessionId });

/**
 * Attaches inspection observers to the engine's actors, present and future, and detaches them
 * again. Every engine actor is a root actor with its own system, so an observer is attached per
 * actor (`actor.system.inspect`), and only to the kinds it asked for. While nobody inspects an
 * actor nothing is attached to it, so XState's system returns before copying and dispatching
 * its inspection events: measured, an observer on the per-batch actors halves throughput.
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
  private readonly actors = new Map<AnyActorRef, Tracked>();
  private pruneAt = 64;

  /** Registers an actor; attaches the dispatcher at once if somebody inspects its kind. */
  track(actor: AnyActorRef, tag: ActorTag): void {
    const t: Tracked = { tag, sub: undefined };
    this.actors.set(actor, t);
    if (this.wanted(tag.kind)) this.attach(actor, t);
    // Stopped actors leave lazily: amortised O(1) per track, no hook in every removal path.
    if (this.actors.size >= this.pruneAt) {
      for (const [a, tr] of this.actors) {
        if (a.getSnapshot().status === 'active') continue;
        tr.sub?.unsubscribe();
        this.actors.delete(a);
      }
      this.pruneAt = Math.max(64, this.actors.size * 2);
    }
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
    this.observers.set(observer, kinds ? new Set(kinds) : null);
    for (const [a, t] of this.actors) {
      if (!this.wants(observer, t.tag.kind)) continue;
      if (t.sub) this.call(observer, announce(a), t.tag);
      else this.attach(a, t);
    }
    return () => this.remove(observer);
  }

  private remove(observer: TaggedInspector): void {
    if (!this.observers.delete(observer)) return;
    for (const t of this.actors.values()) {
      if (!t.sub || this.wanted(t.tag.kind)) continue;
      t.sub.unsubscribe();
      t.sub = undefined;
    }
  }

  private wants(observer: TaggedInspector, kind: ActorKind): boolean {
    const k = this.observers.get(observer);
    return k === null || k?.has(kind) === true;
  }

  private wanted(kind: ActorKind): boolean {
    for (const k of this.observers.values()) if (k === null || k.has(kind)) return true;
    return false;
  }

  private attach(actor: AnyActorRef, t: Tracked): void {
    if (actor.getSnapshot().status !== 'active') return;
    const kind = t.tag.kind;
    t.sub = actor.system.inspect({
      next: (e: InspectionEvent) => {
        for (const [o, k] of this.observers) if (k === null || k.has(kind)) this.call(o, e, t.tag);
      },
    });
    // The actor started before anyone inspected it: announce it as XState would have, so an
    // observer (ours, or Stately's inspector) learns of it and its current state.
    const e = announce(actor);
    for (const [o, k] of this.observers) if (k === null || k.has(kind)) this.call(o, e, t.tag);
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
