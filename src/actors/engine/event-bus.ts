import { Observable, Subject } from 'rxjs';
import type { DeadLetter, EngineEvent } from '../types.js';

/**
 * The engine's three event streams: every event (`events$`), the same without per-drop events
 * (`lifecycle$`), and dead letters. An event is only built when somebody listens for its type
 * (`observed`), so a flood of drops allocates nothing while only `lifecycle$` is followed.
 *
 * @example
 * ```ts
 * const bus = new EventBus();
 * bus.lifecycle$.subscribe((e) => console.log(e.type));
 * if (bus.observed('connection.created')) bus.emit({ type: 'connection.created', connectionId: 'a:out->b:in', at: 0 });
 * ```
 * @internal
 */
export class EventBus {
  private readonly all = new Subject<EngineEvent>();
  /** Topology, state and failure events only (no per-drop events): what workflow runs follow. */
  private readonly lifecycle = new Subject<EngineEvent>();
  private readonly dead = new Subject<DeadLetter>();
  readonly events$: Observable<EngineEvent> = this.all.asObservable();
  readonly lifecycle$: Observable<EngineEvent> = this.lifecycle.asObservable();
  readonly deadLetters$: Observable<DeadLetter> = this.dead.asObservable();

  /** Does anyone listen for events of this type? */
  observed(type: EngineEvent['type']): boolean {
    return this.all.observed || (type !== 'message.dropped' && this.lifecycle.observed);
  }

  emit(e: EngineEvent): void {
    if (this.all.observed) this.all.next(e);
    if (e.type !== 'message.dropped' && this.lifecycle.observed) this.lifecycle.next(e);
  }

  deadLetter(d: DeadLetter): void {
    this.dead.next(d);
  }

  /** Completes every stream (dispose). */
  complete(): void {
    this.all.complete();
    this.lifecycle.complete();
    this.dead.complete();
  }
}
