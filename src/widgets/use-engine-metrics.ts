import { useEffect, useState } from 'react';
import type { EngineMetrics, StreamEngine } from '../actors/engine/stream-engine.js';
import { ConfigError, rejectUnknownKeys } from '../errors.js';
import { useStreamEngine } from './engine-context.js';

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
export function useEngineMetrics(intervalMs = 1000, options: { engine?: StreamEngine; paused?: boolean } = {}): EngineMetrics {
  rejectUnknownKeys(options, ['engine', 'paused']);
  const engine = useStreamEngine(options.engine);
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new ConfigError('intervalMs', 'a finite number > 0 (ms)', intervalMs);
  const paused = options.paused === true;
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
