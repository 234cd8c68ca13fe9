import type { StreamConfig } from '../../config.js';
import type { BackpressureHandler } from '../policies/backpressure.js';
import type { ErrorRecovery } from '../policies/error-recovery.js';
import type { ActorHost, DeadLetter, EngineEvent } from '../types.js';
import type { DeliveryTrampoline } from './delivery-trampoline.js';
import type { TaskEnd } from './task-end.js';

/**
 * What the engine lends each connection, as the layers below the public `Connection` class see
 * it (`closed` takes the connection as an object so this file needs no import of the class;
 * `ConnectionHost` in connection.ts narrows it).
 *
 * @example
 * ```ts
 * const services: ConnectionServices = host; // what the layers below Connection may use
 * ```
 */
export interface ConnectionServices extends ActorHost {
  /** Does anyone listen for events of this type? */
  observed(type: EngineEvent['type']): boolean;
  /** Are delivery timing and latency wanted now (metrics on, metrics$ watched, an adjusting handler)? */
  metering(): boolean;
  backpressureHandler(): BackpressureHandler | undefined;
  errorRecovery(config: StreamConfig): ErrorRecovery;
  emit(event: EngineEvent): void;
  deadLetter(letter: DeadLetter): void;
  closed(connection: object): void;
  /** The engine's one trampoline: deliveries nested deeper than it allows are queued, not recursed. */
  readonly trampoline: DeliveryTrampoline;
  /** The engine's end-of-task queue: adaptive cuts of partial batches. */
  readonly taskEnd: TaskEnd;
}

/**
 * Real timers may fire a hair early against performance.now(): a deadline within this slack is due.
 *
 * @example
 * ```ts
 * const due = clock.now() - headSince >= batchTimeout - TIMER_SLACK_MS;
 * ```
 * @internal
 */
export const TIMER_SLACK_MS = 1;
