import { ConfigError, readOptions } from '../../errors.js';
import { DELAY_ALLOWED, isDelay, type EngineClock } from '../../clock.js';
import { check } from './error-recovery.js';
import type { StreamConfig } from '../../config.js';
import type { ConnectionKnobs, ConnectionStats, EngineEvent } from '../types.js';

/**
 * What a connection does when its buffer fills: from which occupancy it sheds messages, whether
 * it picks victims by priority, and how long a waiting producer may be held. Install one
 * engine-wide with `engine.setBackpressureHandler(...)`; without one nothing is ever shed and
 * producers are held (writer) or refused (`offer` returns `'full'`).
 *
 * @example
 * ```ts
 * const handler: BackpressureHandler = new DefaultBackpressureHandler({ dropThreshold: 0.95 });
 * ```
 */
export interface BackpressureHandler {
  /** Occupancy ratio in (0, 1]: no message is shed below dropThreshold x bufferSize. */
  readonly dropThreshold: number;
  /** Shed the lowest priority buffered (oldest among equals) instead of the oldest. */
  readonly priorityDrop: boolean;
  /** A producer held by backpressure is accepted or dropped(timeout) within this many ms. */
  readonly maxWaitTime: number;
  /**
   * Optional: called when the handler is installed on an engine (again after a restart), with
   * what it may observe and tune; returns the function that detaches it (stop, dispose, or
   * another handler). AdaptiveBackpressureHandler uses it to run its adjustment loop.
   */
  bind?(ctx: HandlerContext): () => void;
}

/**
 * What a handler may see and change of one connection: its identity, whether it is open, its
 * config and counters, and its flow knobs. A `Connection` is one; a handler needs no more, so
 * this file does not depend on the connection's class.
 *
 * @example
 * ```ts
 * const grow = (c: HandledConnection) => c.isOpen && c.tune({ maxBatchSize: Math.min(c.config.bufferSize, c.knobs().maxBatchSize * 2) });
 * ```
 */
export interface HandledConnection {
  readonly id: string;
  readonly isOpen: boolean;
  readonly config: Readonly<StreamConfig>;
  stats(): ConnectionStats;
  knobs(): ConnectionKnobs;
  tune(knobs: Partial<ConnectionKnobs>): ConnectionKnobs;
}

/**
 * What an engine lends a handler that binds to it.
 *
 * @example
 * ```ts
 * const handler: BackpressureHandler = { dropThreshold: 0.9, priorityDrop: true, maxWaitTime: 100, bind: (ctx) => () => {} };
 * ```
 */
export interface HandlerContext {
  readonly clock: EngineClock;
  /** The engine's live connections. */
  connections(): HandledConnection[];
  /** Emits a debug-ready engine event. */
  emit(event: EngineEvent): void;
}

/**
 * Options of {@link DefaultBackpressureHandler}, with the spec's defaults.
 *
 * @example
 * ```ts
 * const o: DefaultBackpressureOptions = { dropThreshold: 0.9, priorityDrop: true, maxWaitTime: 100 };
 * ```
 */
export interface DefaultBackpressureOptions {
  dropThreshold?: number;
  priorityDrop?: boolean;
  maxWaitTime?: number;
}

/**
 * The spec's handler: sheds from 90% occupancy, lowest priority first (`critical` never), and
 * never holds a producer longer than `maxWaitTime`.
 *
 * @example
 * ```ts
 * engine.setBackpressureHandler(new DefaultBackpressureHandler({ dropThreshold: 0.9, priorityDrop: true, maxWaitTime: 100 }));
 * ```
 */
export class DefaultBackpressureHandler implements BackpressureHandler {
  readonly dropThreshold: number;
  readonly priorityDrop: boolean;
  readonly maxWaitTime: number;

  constructor(options: DefaultBackpressureOptions = {}) {
    const o = readOptions(options, ['dropThreshold', 'priorityDrop', 'maxWaitTime']);
    this.dropThreshold = check('dropThreshold', o.dropThreshold ?? 0.9, 'a number in (0, 1]', (v) => v > 0 && v <= 1);
    const pd = o.priorityDrop ?? true;
    if (typeof pd !== 'boolean') throw new ConfigError('priorityDrop', 'a boolean', pd);
    this.priorityDrop = pd;
    this.maxWaitTime = check('maxWaitTime', o.maxWaitTime ?? 100, DELAY_ALLOWED, isDelay);
  }
}
