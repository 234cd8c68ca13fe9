import type { StreamConfig } from '../../config.js';
import { backoffDelay } from '../../machines/recovery.logic.js';
import { GracefulErrorRecovery, type ErrorRecovery } from '../policies/error-recovery.js';

/**
 * Which ErrorRecovery a connection uses: the engine-wide one (`setErrorRecovery`), with the
 * retry fields the connection set itself in force, or else a default built from its config.
 * Keyed by the connection's frozen config object, so a connection pays one WeakMap lookup per
 * failed delivery and nothing is kept once the connection is gone.
 *
 * @example
 * ```ts
 * const recovery = new RecoveryResolution();
 * const config = Object.freeze(validateStreamConfig({ retryAttempts: 1 }));
 * recovery.remember(config, { retryAttempts: 1 });
 * recovery.install(new GracefulErrorRecovery({ retryAttempts: 5 }));
 * recovery.for(config).retryAttempts; // 1: the connection's own field wins
 * ```
 * @internal
 */
export class RecoveryResolution {
  private engineWide: ErrorRecovery | undefined;
  private readonly defaults = new WeakMap<Readonly<StreamConfig>, ErrorRecovery>();
  /**
   * Default recoveries by (retryAttempts, retryDelay): they hold no state, so connections with
   * the same two fields share one instead of building one each (10k connections, 10k objects).
   * Bounded: past {@link SHARED_DEFAULTS} distinct pairs, a connection gets its own again.
   */
  private readonly shared = new Map<string, ErrorRecovery>();
  /** The retry fields a connection set itself: they win over the engine-wide recovery. */
  private readonly own = new WeakMap<Readonly<StreamConfig>, Partial<StreamConfig>>();
  /** The engine-wide recovery with a connection's own fields, rebuilt when the base changes. */
  private readonly derived = new WeakMap<Readonly<StreamConfig>, { base: ErrorRecovery; derived: ErrorRecovery }>();

  /** Notes which retry fields the caller of createConnection set (`asked`) in `merged`. */
  remember(merged: Readonly<StreamConfig>, asked: Partial<StreamConfig>): void {
    const own: Partial<StreamConfig> = {};
    if (asked.retryAttempts !== undefined) own.retryAttempts = merged.retryAttempts;
    if (asked.retryDelay !== undefined) own.retryDelay = merged.retryDelay;
    if (Object.keys(own).length > 0) this.own.set(merged, own);
  }

  install(recovery: ErrorRecovery): void {
    this.engineWide = recovery;
  }

  for(config: Readonly<StreamConfig>): ErrorRecovery {
    const base = this.engineWide;
    const own = this.own.get(config);
    if (base && own) {
      const cached = this.derived.get(config);
      if (cached?.base === base) return cached.derived;
      const derived = withRetry(base, own);
      this.derived.set(config, { base, derived });
      return derived;
    }
    if (base) return base;
    let r = this.defaults.get(config);
    if (r) return r;
    const key = `${config.retryAttempts}/${config.retryDelay}`;
    r = this.shared.get(key) ?? new GracefulErrorRecovery({ retryAttempts: config.retryAttempts, retryDelay: config.retryDelay, maxRetryDelay: Math.max(30_000, config.retryDelay) });
    if (this.shared.size < SHARED_DEFAULTS) this.shared.set(key, r);
    this.defaults.set(config, r);
    return r;
  }
}

const SHARED_DEFAULTS = 256;

/** An engine-wide recovery with a connection's own retry fields in force. */
function withRetry(base: ErrorRecovery, own: Partial<StreamConfig>): ErrorRecovery {
  if (base instanceof GracefulErrorRecovery) return base.with(own);
  const retryAttempts = own.retryAttempts ?? base.retryAttempts;
  const retryDelay = own.retryDelay;
  return {
    retryAttempts,
    retryDelayFor: (k) => (retryDelay === undefined ? base.retryDelayFor(k) : backoffDelay(k, { retryDelay, maxRetryDelay: Math.max(30_000, retryDelay), jitter: 0 }, 0)),
    isRetryable: (e) => base.isRetryable(e),
    deliveryTimeout: base.deliveryTimeout,
    breaker: base.breaker,
  };
}
