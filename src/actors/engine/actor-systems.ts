import { createActor, type AnyActorRef } from 'xstate';
import type { EngineClock } from '../../clock.js';
import { systemRootMachine } from '../../machines/system-root.machine.js';
import type { InspectObserver } from '../types.js';

import type { SharedKind } from '../types.js';

/**
 * One XState system per kind of actor, per engine: nodes, widgets and connections join their
 * kind's system as children of a silent root instead of each being a root with a system of its
 * own. A system costs about 1.8 kB and some twenty closures: at 10k node → connection → widget
 * triples the heap per actor went from 6.1 kB to 4.3 kB. Separate kinds stay separate systems,
 * so an inspection observer of connections does not pay for the per-batch events of nodes.
 *
 * @example
 * ```ts
 * const systems = new ActorSystems(realClock, undefined);
 * const actor = createActor(nodeMachine, { ...systems.options('node'), input }).start();
 * retireActor(actor); // when the node goes
 * systems.stop();
 * ```
 * @internal
 */
export class ActorSystems {
  private readonly roots = new Map<SharedKind, AnyActorRef>();

  constructor(
    private readonly clock: EngineClock,
    private readonly inspect: InspectObserver | undefined,
  ) {}

  /** The root actor of `kind`'s system (made on first use), to pass as `parent`. */
  root(kind: SharedKind): AnyActorRef {
    let r = this.roots.get(kind);
    if (!r) {
      // The engine's inspect option watches the whole system: every actor of this kind.
      r = createActor(systemRootMachine, { clock: this.clock, inspect: this.inspect }).start();
      this.roots.set(kind, r);
    }
    return r;
  }

  /** Stops the roots (their children are retired one by one by their owners). */
  stop(): void {
    for (const r of this.roots.values()) r.stop();
    this.roots.clear();
  }
}

/**
 * Stops an actor that is still active, root or child. XState lets only a root be stopped from
 * outside; a child is stopped the way its parent's `stopChild` does it (`_stop`), since ours are
 * parented, not spawned. Every engine machine reaches a final state on its own way out, so this
 * is the fallback for an actor stopped mid-state.
 *
 * @example
 * ```ts
 * retireActor(node.actor);
 * ```
 * @internal
 */
export function retireActor(actor: AnyActorRef): void {
  if (actor.getSnapshot().status !== 'active') return;
  const a = actor as AnyActorRef & { _parent?: unknown; _stop?: () => void };
  if (a._parent !== undefined && typeof a._stop === 'function') a._stop();
  else actor.stop();
}
