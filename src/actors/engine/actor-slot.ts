import { createActor, type Actor, type AnyActorRef, type AnyStateMachine, type EventFrom, type InputFrom, type SnapshotFrom } from 'xstate';
import type { Dormancy } from '../../machines/dormancy.js';
import type { ActorHost, SharedKind } from '../types.js';
import { retireActor } from './actor-systems.js';

/** What a slot needs besides its machine. @internal */
export interface SlotOptions<L extends AnyStateMachine> {
  readonly kind: SharedKind;
  /** The node, widget or connection id (for the inspection tag). */
  readonly id: string;
  readonly host: ActorHost;
  readonly dormancy: Dormancy<InputFrom<L>, SnapshotFrom<L>['context']>;
  readonly input: InputFrom<L>;
  /** Told each state a dormant slot enters (what the machine's entry report would say). */
  readonly entered?: (state: string) => void;
}

/**
 * An engine actor that is started when it is first needed. Until then it is *dormant*: a state
 * value and its context, nothing more. Starting an XState actor costs about 20-30 µs and 2 kB;
 * an idle connection or node of a 100k-connection topology needs neither. It starts (from its
 * dormant state, with `createActor(logic, { snapshot })`, so no entry action runs twice) when:
 * somebody reads {@link ref} (`connection.actor`, `node.actor`), or it gets an event that is not
 * one of its machine's dormant edges ({@link Dormancy}), or its kind is inspected (the host's `eager`).
 * A dormant edge is a transition the machine's tests prove is pure: no context change, no timer,
 * and no action but the entry report the slot makes itself (`entered`).
 *
 * The context must be shallow (ids and objects of closures, never a runtime object): restoring a
 * snapshot, XState walks every object reachable from the context looking for actor references,
 * and a runtime reaches the whole engine, which made waking n actors O(n²).
 *
 * @example
 * ```ts
 * const slot = new ActorSlot(nodeMachine, { kind: 'node', id: 'n1', host, dormancy: nodeDormancy, input: { nodeId: 'n1', sink } });
 * slot.send({ type: 'node.start' }); // dormant: idle → running, no actor yet
 * slot.ref.getSnapshot().value;      // 'running' (the actor starts here)
 * ```
 * @internal
 */
export class ActorSlot<L extends AnyStateMachine> {
  private live: Actor<L> | undefined = undefined;
  private dormant: string;
  private retired = false;

  // The options' parts, not the options: the input is not kept once the context is made.
  private readonly host: ActorHost;
  private readonly edges: Dormancy<InputFrom<L>, SnapshotFrom<L>['context']>;
  private readonly context: SnapshotFrom<L>['context'];
  private readonly kind: SharedKind;
  private readonly id: string;
  private readonly entered: ((state: string) => void) | undefined;

  constructor(
    private readonly logic: L,
    o: SlotOptions<L>,
  ) {
    this.host = o.host;
    this.edges = o.dormancy;
    this.context = o.dormancy.context(o.input);
    this.kind = o.kind;
    this.id = o.id;
    this.entered = o.entered;
    this.dormant = o.dormancy.initial;
    o.entered?.(this.dormant);
    if (o.host.inspect !== undefined || o.host.eager?.(o.kind) === true) this.wake();
  }

  /** Started: an XState actor exists. */
  get awake(): boolean {
    return this.live !== undefined;
  }

  /** The actor, started now if it was dormant. */
  get ref(): Actor<L> {
    return this.live ?? this.wake();
  }

  /** The state value, read without starting the actor. */
  get value(): string {
    return this.live ? String((this.live.getSnapshot() as { value: unknown }).value) : this.dormant;
  }

  /** `'active'` until a final state (`'done'`) or a stop (`'stopped'`), read without starting it. */
  get status(): 'active' | 'done' | 'stopped' | 'error' {
    if (this.live) return (this.live.getSnapshot() as { status: 'active' | 'done' | 'stopped' | 'error' }).status;
    if (this.edges.final.includes(this.dormant)) return 'done';
    return this.retired ? 'stopped' : 'active';
  }

  /** Sends `event`: a dormant edge moves the dormant state; any other event starts the actor. */
  send(event: EventFrom<L>): void {
    if (!this.live) {
      if (this.status !== 'active') return; // as XState ignores events to a stopped actor
      const to = this.edges.on[this.dormant]?.[(event as { type: string }).type];
      if (to !== undefined) {
        const from = this.dormant;
        this.dormant = to;
        if (to !== from) this.entered?.(to);
        return;
      }
      this.wake();
    }
    this.live!.send(event);
  }

  /**
   * May the runtime apply `type` itself (a per-batch event whose only action hands the batch to
   * the sink, see {@link Dormancy.direct})? Yes while nobody inspects this kind and the event
   * does not move a started actor; a dormant slot then takes the move. No: send it to {@link ref}.
   */
  takesDirect(type: string): boolean {
    const to = this.edges.direct?.[this.value]?.[type];
    if (to === undefined || this.host.inspect !== undefined || this.host.eager?.(this.kind) === true) return false;
    if (this.live) return to === this.value;
    if (to !== this.dormant) {
      this.dormant = to;
      this.entered?.(to);
    }
    return true;
  }

  /** Stops the actor if it runs; a dormant slot just stays as it is, stopped. */
  retire(): void {
    this.retired = true;
    if (this.live) retireActor(this.live);
  }

  /** Starts the actor from the dormant state (a retired slot yields a stopped actor). */
  wake(): Actor<L> {
    if (this.live) return this.live;
    // What XState's restoreSnapshot reads, no more: the actor keeps its options (this object
    // among them) for life, and a full snapshot from resolveState would be ~0.3 kB more per actor.
    const snapshot = { value: this.dormant, context: this.context, status: this.edges.final.includes(this.dormant) ? 'done' : 'active', children: {}, historyValue: {} };
    if (this.retired) {
      // Its engine may be gone: a stopped actor of its own, outside the engine's systems.
      const ended = createActor(this.logic, { snapshot, clock: this.host.clock } as never);
      this.live = ended;
      ended.start();
      if ((ended.getSnapshot() as { status: string }).status === 'active') ended.stop();
      return ended;
    }
    const actor = createActor(this.logic, { snapshot, clock: this.host.clock, inspect: this.host.inspect, parent: this.host.system?.(this.kind) } as never);
    this.live = actor;
    actor.start();
    this.host.woke?.(actor as AnyActorRef, this.kind, this.id);
    return actor;
  }
}
