import { useEffect, useState } from 'react';
import type { EngineMetrics } from '../actors/engine/stream-engine.js';
import { MAX_DELAY_MS, isDelay } from '../clock.js';
import { ConfigError, readOptions } from '../errors.js';
import { useStreamEngine } from './engine-context.js';
import type { EngineLike } from './engine-like.js';

/**
 * The engine's metrics (`engine.getMetrics()`: every connection's counters, latency
 * percentiles, rates, buffer use, drops), refreshed every `intervalMs`: one render per
 * interval, never per message. While mounted and not `paused` it keeps the engine's metering
 * on (see `engine.metrics$`).
 *
 * @example
 * ```tsx
 * function Throughput() {
 *   const m = useEngineMetrics(500);
 *   return <span>{m.totals.delivered} delivered</span>;
 * }
 * ```
 */
export function useEngineMetrics(intervalMs = 1000, options: { engine?: EngineLike; paused?: boolean } = {}): EngineMetrics {
  const o = readOptions(options, ['engine', 'paused']);
  const engine = useStreamEngine(o.engine);
  // A zero interval would sample in a tight loop; above MAX_DELAY_MS a timer fires at once.
  if (!isDelay(intervalMs) || intervalMs <= 0) throw new ConfigError('intervalMs', `a number of ms in (0, ${MAX_DELAY_MS}]`, intervalMs);
  if (o.paused !== undefined && typeof o.paused !== 'boolean') throw new ConfigError('paused', 'a boolean', o.paused);
  const paused = o.paused === true;
  const [metrics, setMetrics] = useState(() => engine.getMetrics());
  useEffect(() => {
    // Paused (off screen): no subscription, so no renders and no metering on its account.
    if (paused) return;
    setMetrics(engine.getMetrics());
    const sub = engine.metrics$(intervalMs).subscribe(setMetrics);
    return () => sub.unsubscribe();
  }, [engine, intervalMs, paused]);
  return metrics;
}
